/** EventBridge through the real AWS SDK v3 client: buses, rules, targets, PutEvents, schedules, IAM. */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import {
  EventBridgeClient, CreateEventBusCommand, DeleteEventBusCommand, DescribeEventBusCommand, ListEventBusesCommand, PutRuleCommand,
  DeleteRuleCommand, DescribeRuleCommand, ListRulesCommand, EnableRuleCommand, DisableRuleCommand, PutTargetsCommand, RemoveTargetsCommand,
  ListTargetsByRuleCommand, PutEventsCommand, TestEventPatternCommand, TagResourceCommand, ListTagsForResourceCommand,
} from "@aws-sdk/client-eventbridge";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { SNSClient, CreateTopicCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { LambdaClient, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { startTestCloud, type TestCloud } from "../../testing.js";

describe("EventBridge", () => {
  let tc: TestCloud;
  let eb: EventBridgeClient;
  let sqs: SQSClient;
  const previousScale = process.env.LOCAL_CLOUD_SCHEDULE_SCALE;

  before(async () => {
    // 600×: rate(1 minute) fires every 100 ms.
    process.env.LOCAL_CLOUD_SCHEDULE_SCALE = "600";
    tc = await startTestCloud();
    eb = new EventBridgeClient(tc.clientConfig);
    sqs = new SQSClient(tc.clientConfig);
  });
  after(async () => {
    if (previousScale === undefined) delete process.env.LOCAL_CLOUD_SCHEDULE_SCALE;
    else process.env.LOCAL_CLOUD_SCHEDULE_SCALE = previousScale;
    await tc.stop();
  });

  async function queue(name: string) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
  }
  async function receive(url: string, wait = 2) {
    return (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: wait }))).Messages ?? [];
  }

  test("buses: default exists, create/describe/list/delete, errors", async () => {
    const def = await eb.send(new DescribeEventBusCommand({}));
    assert.equal(def.Name, "default");
    assert.equal(def.Arn, "arn:aws:events:us-east-1:000000000000:event-bus/default");
    const created = await eb.send(new CreateEventBusCommand({ Name: "orders" }));
    assert.equal(created.EventBusArn, "arn:aws:events:us-east-1:000000000000:event-bus/orders");
    await assert.rejects(eb.send(new CreateEventBusCommand({ Name: "orders" })), (e: any) => e.name === "ResourceAlreadyExistsException");
    assert.deepEqual((await eb.send(new ListEventBusesCommand({ NamePrefix: "ord" }))).EventBuses!.map((b) => b.Name), ["orders"]);
    assert.equal((await eb.send(new DescribeEventBusCommand({ Name: created.EventBusArn }))).Name, "orders");
    await assert.rejects(eb.send(new DeleteEventBusCommand({ Name: "default" })), (e: any) => e.name === "ValidationException");
    await eb.send(new DeleteEventBusCommand({ Name: "orders" }));
    await assert.rejects(eb.send(new DescribeEventBusCommand({ Name: "orders" })), (e: any) => e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 400);
  });

  test("rules and targets: put, describe, list, enable/disable, validation, delete", async () => {
    await eb.send(new CreateEventBusCommand({ Name: "crud" }));
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: "r1", EventBusName: "crud", EventPattern: JSON.stringify({ source: ["a"] }), Tags: [{ Key: "k", Value: "v" }] }));
    assert.equal(RuleArn, "arn:aws:events:us-east-1:000000000000:rule/crud/r1");
    await assert.rejects(eb.send(new PutRuleCommand({ Name: "bad", EventBusName: "crud", EventPattern: '{"source":"a"}' })), (e: any) => e.name === "InvalidEventPatternException");
    await assert.rejects(eb.send(new PutRuleCommand({ Name: "sched", EventBusName: "crud", ScheduleExpression: "rate(1 minute)" })), (e: any) => e.name === "ValidationException");
    await assert.rejects(eb.send(new PutRuleCommand({ Name: "sched", ScheduleExpression: "rate(1 minutes)" })), (e: any) => e.name === "ValidationException");
    const described = await eb.send(new DescribeRuleCommand({ Name: "r1", EventBusName: "crud" }));
    assert.equal(described.State, "ENABLED");
    assert.equal(described.EventBusName, "crud");
    await eb.send(new DisableRuleCommand({ Name: "r1", EventBusName: "crud" }));
    assert.equal((await eb.send(new ListRulesCommand({ EventBusName: "crud" }))).Rules![0]!.State, "DISABLED");
    await eb.send(new EnableRuleCommand({ Name: "r1", EventBusName: "crud" }));
    await eb.send(new PutTargetsCommand({ Rule: "r1", EventBusName: "crud", Targets: [{ Id: "t1", Arn: "arn:aws:sqs:us-east-1:000000000000:nowhere", InputPath: "$.detail" }] }));
    await assert.rejects(eb.send(new PutTargetsCommand({ Rule: "r1", EventBusName: "crud", Targets: [{ Id: "t2", Arn: "arn:aws:sqs:us-east-1:000000000000:x", Input: "{", InputPath: "$" }] })), (e: any) => e.name === "ValidationException");
    assert.deepEqual((await eb.send(new ListTargetsByRuleCommand({ Rule: "r1", EventBusName: "crud" }))).Targets, [{ Id: "t1", Arn: "arn:aws:sqs:us-east-1:000000000000:nowhere", InputPath: "$.detail" }]);
    await assert.rejects(eb.send(new DeleteRuleCommand({ Name: "r1", EventBusName: "crud" })), (e: any) => e.name === "ValidationException" && /has targets/.test(e.message));
    await eb.send(new TagResourceCommand({ ResourceARN: RuleArn, Tags: [{ Key: "k2", Value: "v2" }] }));
    assert.equal((await eb.send(new ListTagsForResourceCommand({ ResourceARN: RuleArn }))).Tags!.length, 2);
    const removed = await eb.send(new RemoveTargetsCommand({ Rule: "r1", EventBusName: "crud", Ids: ["t1", "nope"] }));
    assert.equal(removed.FailedEntryCount, 1);
    await eb.send(new DeleteRuleCommand({ Name: "r1", EventBusName: "crud" }));
    await assert.rejects(eb.send(new DescribeRuleCommand({ Name: "r1", EventBusName: "crud" })), (e: any) => e.name === "ResourceNotFoundException");
    assert.equal((await eb.send(new TestEventPatternCommand({
      EventPattern: JSON.stringify({ detail: { n: [{ numeric: [">", 1] }] } }),
      Event: JSON.stringify({ id: "1", account: "000000000000", source: "s", time: "2026-01-01T00:00:00Z", region: "us-east-1", "detail-type": "d", detail: { n: 2 } }),
    }))).Result, true);
  });

  test("PutEvents: matching rules deliver to SQS (with InputTransformer), SNS and Lambda; others do not", async () => {
    await eb.send(new CreateEventBusCommand({ Name: "shop" }));
    const whole = await queue("eb-whole");
    const shaped = await queue("eb-shaped");
    const viaSns = await queue("eb-via-sns");
    const sns = new SNSClient(tc.clientConfig);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "eb-topic" }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: viaSns.arn, Attributes: { RawMessageDelivery: "true" } }));
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eb-fn-")), "event.json");
    const lambda = new LambdaClient(tc.clientConfig);
    const fn = await lambda.send(new CreateFunctionCommand({
      FunctionName: "eb-target", Role: "arn:aws:iam::000000000000:role/r", Runtime: "nodejs20.x", Handler: "index.handler",
      Environment: { Variables: { OUT: out } },
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(`import fs from "node:fs"; export const handler = async (e) => { fs.writeFileSync(process.env.OUT, JSON.stringify(e)); return "ok"; };`) }) },
    }));
    await eb.send(new PutRuleCommand({ Name: "big", EventBusName: "shop", EventPattern: JSON.stringify({ source: ["shop"], detail: { total: [{ numeric: [">=", 100] }] } }) }));
    await eb.send(new PutTargetsCommand({
      Rule: "big", EventBusName: "shop",
      Targets: [
        { Id: "whole", Arn: whole.arn },
        { Id: "shaped", Arn: shaped.arn, InputTransformer: { InputPathsMap: { t: "$.detail.total", who: "$.detail.who" }, InputTemplate: '{"total": <t>, "text": "big order by <who>"}' } },
        { Id: "topic", Arn: TopicArn!, InputPath: "$.detail.who" },
        { Id: "fn", Arn: fn.FunctionArn! },
      ],
    }));
    const put = await eb.send(new PutEventsCommand({
      Entries: [
        { EventBusName: "shop", Source: "shop", DetailType: "Order", Detail: JSON.stringify({ total: 120, who: "ann" }), Resources: ["arn:x"] },
        { EventBusName: "shop", Source: "shop", DetailType: "Order", Detail: JSON.stringify({ total: 5, who: "bob" }) },
        { EventBusName: "shop", Source: "shop", DetailType: "Order", Detail: "not json" },
        { EventBusName: "nope", Source: "shop", DetailType: "Order", Detail: "{}" },
      ],
    }));
    assert.equal(put.FailedEntryCount, 2);
    assert.equal(put.Entries![2]!.ErrorCode, "MalformedDetail");
    assert.equal(put.Entries![3]!.ErrorCode, "ResourceNotFoundException");
    const eventId = put.Entries![0]!.EventId!;

    const wholeMsgs = await receive(whole.url);
    assert.equal(wholeMsgs.length, 1, "only the 120 order matched");
    const envelope = JSON.parse(wholeMsgs[0]!.Body!);
    assert.deepEqual(Object.keys(envelope).sort(), ["account", "detail", "detail-type", "id", "region", "resources", "source", "time", "version"]);
    assert.equal(envelope.id, eventId);
    assert.equal(envelope.version, "0");
    assert.deepEqual(envelope.resources, ["arn:x"]);
    assert.match(envelope.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(JSON.parse((await receive(shaped.url))[0]!.Body!), { total: 120, text: "big order by ann" });
    assert.equal((await receive(viaSns.url))[0]!.Body, '"ann"');
    const deadline = Date.now() + 10_000;
    while (!fs.existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(JSON.parse(fs.readFileSync(out, "utf8")).id, eventId);
  });

  test("an undeliverable event goes to the target's dead-letter queue with the reason", async () => {
    const dlq = await queue("eb-dlq");
    await eb.send(new PutRuleCommand({ Name: "to-nowhere", EventPattern: JSON.stringify({ source: ["dlq-test"] }) }));
    await eb.send(new PutTargetsCommand({ Rule: "to-nowhere", Targets: [{ Id: "gone", Arn: "arn:aws:lambda:us-east-1:000000000000:function:gone", DeadLetterConfig: { Arn: dlq.arn } }] }));
    const put = await eb.send(new PutEventsCommand({ Entries: [{ Source: "dlq-test", DetailType: "d", Detail: '{"n":1}' }] }));
    assert.equal(put.FailedEntryCount, 0, "the sender does not see delivery failures");
    const msgs = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 5, MessageAttributeNames: ["All"] }))).Messages ?? [];
    assert.equal(msgs.length, 1);
    assert.equal(JSON.parse(msgs[0]!.Body!).id, put.Entries![0]!.EventId);
    assert.equal(msgs[0]!.MessageAttributes!.TARGET_ARN!.StringValue, "arn:aws:lambda:us-east-1:000000000000:function:gone");
    assert.match(msgs[0]!.MessageAttributes!.ERROR_MESSAGE!.StringValue!, /gone/);
  });

  test("a scheduled rule fires on its (scaled) schedule until disabled", async () => {
    const q = await queue("eb-ticks");
    const { RuleArn } = await eb.send(new PutRuleCommand({ Name: "tick", ScheduleExpression: "rate(1 minute)" }));
    await eb.send(new PutTargetsCommand({ Rule: "tick", Targets: [{ Id: "q", Arn: q.arn }] }));
    const got: any[] = [];
    const deadline = Date.now() + 10_000;
    while (got.length < 2 && Date.now() < deadline) got.push(...(await receive(q.url, 1)).map((m) => JSON.parse(m.Body!)));
    assert.ok(got.length >= 2, `fired ${got.length} times`);
    assert.equal(got[0]["detail-type"], "Scheduled Event");
    assert.equal(got[0].source, "aws.events");
    assert.deepEqual(got[0].resources, [RuleArn]);
    assert.deepEqual(got[0].detail, {});
    await eb.send(new DisableRuleCommand({ Name: "tick" }));
    await new Promise((r) => setTimeout(r, 300));
    await receive(q.url, 0); // drain what fired before the disable landed
    assert.equal((await receive(q.url, 1)).length, 0, "a disabled rule does not fire");
  });

  test("IAM: PutEvents needs events:PutEvents on the bus", async () => {
    const iam = new IAMClient(tc.clientConfig);
    const role = await iam.send(new CreateRoleCommand({
      RoleName: "putter",
      AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] }),
    }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: "putter", PolicyName: "p",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "arn:aws:events:us-east-1:000000000000:event-bus/default" }] }),
    }));
    const { Credentials: c } = await new STSClient(tc.clientConfig).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: "putter-session" }));
    const asRole = new EventBridgeClient({ ...tc.clientConfig, credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken } });
    const ok = await asRole.send(new PutEventsCommand({ Entries: [{ Source: "s", DetailType: "d", Detail: "{}" }] }));
    assert.equal(ok.FailedEntryCount, 0);
    await eb.send(new CreateEventBusCommand({ Name: "private" }));
    await assert.rejects(
      asRole.send(new PutEventsCommand({ Entries: [{ EventBusName: "private", Source: "s", DetailType: "d", Detail: "{}" }] })),
      (e: any) => e.name === "AccessDeniedException" && /events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus\/private/.test(e.message),
    );
    await assert.rejects(asRole.send(new CreateEventBusCommand({ Name: "nope" })), (e: any) => e.name === "AccessDeniedException");
  });
});
