/**
 * Topic, EventBus, Cron and a function URL, end to end: `sst dev` deploys the
 * events-app fixture to the local cloud, and each asynchronous path is driven through
 * HTTP or the AWS SDK and observed in the Hits table the handlers write to.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { DynamoDBClient, GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { SNSClient, PublishCommand, ListSubscriptionsByTopicCommand } from "@aws-sdk/client-sns";
import { EventBridgeClient, PutEventsCommand, ListRulesCommand } from "@aws-sdk/client-eventbridge";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { eventually, output } from "./helpers/outputs.js";

const fixture = path.join(repoRoot, "tests", "fixtures", "events-app");

describe("events-app: Topic, EventBus, Cron and function URLs under sst dev", () => {
  let app: string;
  let dev: SstProcess;
  let clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  let dynamo: DynamoDBClient;
  let table: string;

  before(async () => {
    app = copyApp(fixture, "events-app");
    const port = await freePort();
    // 60×: the Cron's rate(1 minute) fires every second.
    dev = new SstProcess(app, ["dev", "--stage", "evts", "--port", String(port)], { LOCAL_CLOUD_SCHEDULE_SCALE: "60" });
    await dev.waitFor(/ready/i, 120_000);
    clientConfig = { endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    dynamo = new DynamoDBClient(clientConfig);
    table = output(app, "HitsTable");
  });
  after(async () => {
    dynamo?.destroy();
    await dev?.stop();
    removeApp(app);
  });

  async function hit(id: string) {
    return eventually(async () => {
      const out = await dynamo.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } } }));
      if (!out.Item) throw new Error(`no hit ${id} yet`);
      return JSON.parse(out.Item.body!.S!);
    }, 20_000);
  }

  test("the Topic's subscriber function gets an SNS event for a message published with the SDK", async () => {
    const sns = new SNSClient(clientConfig);
    const topicArn = output(app, "TopicArn");
    assert.equal(topicArn, "arn:aws:sns:us-east-1:000000000000:evts-events-app-Orders");
    const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    assert.equal(subs.Subscriptions!.length, 1);
    assert.equal(subs.Subscriptions![0]!.Protocol, "lambda");
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "from-sdk", Subject: "s", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } }));
    const event = await hit("sns:from-sdk");
    const record = event.Records[0];
    assert.equal(record.EventSource, "aws:sns");
    assert.equal(record.EventSubscriptionArn, subs.Subscriptions![0]!.SubscriptionArn);
    assert.equal(record.Sns.MessageId, MessageId);
    assert.equal(record.Sns.TopicArn, topicArn);
    assert.equal(record.Sns.Subject, "s");
    assert.deepEqual(record.Sns.MessageAttributes, { k: { Type: "String", Value: "v" } });
    sns.destroy();
  });

  test("the EventBus rule sends matching events to its function, and only those", async () => {
    const eb = new EventBridgeClient(clientConfig);
    const bus = output(app, "BusName");
    const rules = await eb.send(new ListRulesCommand({ EventBusName: bus }));
    assert.equal(rules.Rules!.length, 1);
    const put = await eb.send(new PutEventsCommand({
      Entries: [
        { EventBusName: bus, Source: "app.orders", DetailType: "OrderShipped", Detail: JSON.stringify({ orderId: "sdk-1" }) },
        { EventBusName: bus, Source: "app.orders", DetailType: "OrderCancelled", Detail: JSON.stringify({ orderId: "sdk-2" }) },
      ],
    }));
    assert.equal(put.FailedEntryCount, 0);
    const event = await hit("event:sdk-1");
    assert.equal(event.id, put.Entries![0]!.EventId);
    assert.equal(event.source, "app.orders");
    assert.deepEqual(event.detail, { orderId: "sdk-1" });
    await new Promise((r) => setTimeout(r, 500));
    const none = await dynamo.send(new GetItemCommand({ TableName: table, Key: { id: { S: "event:sdk-2" } } }));
    assert.equal(none.Item, undefined, "the cancelled order matched no rule");
    eb.destroy();
  });

  test("a bound function publishes and puts events (IAM allows it); an unbound one gets AccessDenied", async () => {
    const api = output(app, "ApiEndpoint").replace(/\/$/, "");
    const res = await fetch(`${api}/publish`, { method: "POST", body: JSON.stringify({ orderId: "api-7" }) });
    const body = await res.json();
    assert.equal(body.ok, true, JSON.stringify(body));
    assert.equal(body.failed, 0);
    await hit("sns:order-api-7");
    await hit("event:api-7");
    const denied = await (await fetch(`${api}/publish-unbound`, { method: "POST", body: JSON.stringify({ orderId: "api-8" }) })).json();
    assert.equal(denied.ok, false);
    assert.equal(denied.error, "AuthorizationErrorException");
    assert.match(denied.message, /is not authorized to perform: sns:Publish on resource: arn:aws:sns:us-east-1:000000000000:evts-events-app-Orders/);
  });

  test("the Cron's function runs on its schedule", async () => {
    const ticks = await eventually(async () => {
      const out = await dynamo.send(new ScanCommand({ TableName: table, FilterExpression: "kind = :k", ExpressionAttributeValues: { ":k": { S: "cron" } } }));
      if ((out.Items ?? []).length < 2) throw new Error(`only ${(out.Items ?? []).length} ticks`);
      return out.Items!.map((i) => JSON.parse(i.body!.S!));
    }, 30_000);
    assert.equal(ticks[0]["detail-type"], "Scheduled Event");
    assert.equal(ticks[0].source, "aws.events");
    assert.match(ticks[0].resources[0], /^arn:aws:events:us-east-1:000000000000:rule\//);
  });

  test("the function URL answers HTTP requests with the function's response", async () => {
    const url = output(app, "HelloUrl");
    assert.match(url, /\/_aws\/lambda-url\/[a-z0-9]{32}\/$/);
    const res = await fetch(`${url}greet/ann?loud=1`, { method: "POST", body: "hi", headers: { "content-type": "text/plain", origin: "https://site.example" } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-hello"), "yes");
    assert.deepEqual(res.headers.getSetCookie(), ["seen=1"]);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await res.json(), { method: "POST", path: "/greet/ann", query: { loud: "1" }, domainName: "127.0.0.1", body: "hi", version: "2.0" });
  });
});
