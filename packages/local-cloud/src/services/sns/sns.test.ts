/** SNS through the real AWS SDK v3 client (awsQuery): topics, subscriptions, filter policies, delivery to SQS and Lambda. */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  SNSClient, CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, GetTopicAttributesCommand, SetTopicAttributesCommand,
  SubscribeCommand, UnsubscribeCommand, ListSubscriptionsByTopicCommand, ListSubscriptionsCommand, GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand, PublishCommand, PublishBatchCommand, TagResourceCommand, UntagResourceCommand, ListTagsForResourceCommand,
  ConfirmSubscriptionCommand,
} from "@aws-sdk/client-sns";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";

describe("SNS", () => {
  let tc: TestCloud;
  let sns: SNSClient;
  let sqs: SQSClient;

  before(async () => {
    tc = await startTestCloud();
    sns = new SNSClient(tc.clientConfig);
    sqs = new SQSClient(tc.clientConfig);
  });
  after(() => tc.stop());

  async function queue(name: string) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    return { url: QueueUrl!, arn: Attributes!.QueueArn! };
  }
  async function receive(url: string, max = 10) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, WaitTimeSeconds: 2, MessageAttributeNames: ["All"] }));
    return out.Messages ?? [];
  }

  test("topics: create is idempotent, attributes, list, tags, delete", async () => {
    const a = await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" }, Tags: [{ Key: "team", Value: "a" }] }));
    assert.equal(a.TopicArn, "arn:aws:sns:us-east-1:000000000000:orders");
    const again = await sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Orders" } }));
    assert.equal(again.TopicArn, a.TopicArn);
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: "orders", Attributes: { DisplayName: "Other" } })), (e: any) => e.name === "InvalidParameterException");
    await sns.send(new SetTopicAttributesCommand({ TopicArn: a.TopicArn, AttributeName: "DisplayName", AttributeValue: "Renamed" }));
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn }))).Attributes!;
    assert.equal(attrs.DisplayName, "Renamed");
    assert.equal(attrs.TopicArn, a.TopicArn);
    assert.equal(attrs.SubscriptionsConfirmed, "0");
    assert.ok(JSON.parse(attrs.Policy!).Statement);
    const list = await sns.send(new ListTopicsCommand({}));
    assert.ok(list.Topics!.some((t) => t.TopicArn === a.TopicArn));
    await sns.send(new TagResourceCommand({ ResourceArn: a.TopicArn, Tags: [{ Key: "env", Value: "dev" }] }));
    await sns.send(new UntagResourceCommand({ ResourceArn: a.TopicArn, TagKeys: ["team"] }));
    assert.deepEqual((await sns.send(new ListTagsForResourceCommand({ ResourceArn: a.TopicArn }))).Tags, [{ Key: "env", Value: "dev" }]);
    await sns.send(new DeleteTopicCommand({ TopicArn: a.TopicArn }));
    await assert.rejects(sns.send(new GetTopicAttributesCommand({ TopicArn: a.TopicArn })), (e: any) => e.name === "NotFoundException" && e.$metadata.httpStatusCode === 404);
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: "bad name!" })), (e: any) => e.name === "InvalidParameterException");
  });

  test("publish to SQS: JSON envelope with attributes; raw delivery; filter policies on attributes and body", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "fanout" }));
    const all = await queue("all");
    const raw = await queue("raw");
    const red = await queue("red");
    const big = await queue("big");
    const subAll = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: all.arn, ReturnSubscriptionArn: true }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: raw.arn, Attributes: { RawMessageDelivery: "true" } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: red.arn, Attributes: { FilterPolicy: JSON.stringify({ color: ["red", { prefix: "ros" }], size: [{ numeric: [">", 3] }] }) } }));
    const bigSub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: big.arn, ReturnSubscriptionArn: true }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: bigSub.SubscriptionArn, AttributeName: "FilterPolicyScope", AttributeValue: "MessageBody" }));
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: bigSub.SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: JSON.stringify({ order: { total: [{ numeric: [">=", 100] }] } }) }));
    const subAttrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: bigSub.SubscriptionArn }))).Attributes!;
    assert.equal(subAttrs.FilterPolicyScope, "MessageBody");
    assert.equal(subAttrs.Protocol, "sqs");
    assert.equal(subAttrs.PendingConfirmation, "false");
    await assert.rejects(
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: bigSub.SubscriptionArn, AttributeName: "FilterPolicy", AttributeValue: "{not json" })),
      (e: any) => e.name === "InvalidParameterException",
    );

    const p1 = await sns.send(new PublishCommand({
      TopicArn, Message: JSON.stringify({ order: { total: 150 } }), Subject: "hi",
      MessageAttributes: { color: { DataType: "String", StringValue: "rose" }, size: { DataType: "Number", StringValue: "5" } },
    }));
    await sns.send(new PublishCommand({ TopicArn, Message: JSON.stringify({ order: { total: 5 } }), MessageAttributes: { color: { DataType: "String", StringValue: "blue" }, size: { DataType: "Number", StringValue: "9" } } }));

    const allMsgs = await receive(all.url);
    assert.equal(allMsgs.length, 2);
    const env = JSON.parse(allMsgs.find((m) => m.Body!.includes(p1.MessageId!))!.Body!);
    assert.equal(env.Type, "Notification");
    assert.equal(env.TopicArn, TopicArn);
    assert.equal(env.Subject, "hi");
    assert.equal(env.MessageId, p1.MessageId);
    assert.deepEqual(env.MessageAttributes.color, { Type: "String", Value: "rose" });
    assert.match(env.UnsubscribeURL, new RegExp(encodeURIComponent(subAll.SubscriptionArn!)));

    const rawMsgs = await receive(raw.url);
    assert.equal(rawMsgs.length, 2);
    const r1 = rawMsgs.find((m) => m.Body === JSON.stringify({ order: { total: 150 } }))!;
    assert.ok(r1, "raw body delivered as is");
    assert.equal(r1.MessageAttributes!.size!.StringValue, "5");

    const redMsgs = await receive(red.url);
    assert.deepEqual(redMsgs.map((m) => JSON.parse(m.Body!).MessageId), [p1.MessageId], "only the rose of size 5 passes");
    const bigMsgs = await receive(big.url);
    assert.deepEqual(bigMsgs.map((m) => JSON.parse(m.Body!).MessageId), [p1.MessageId], "only total >= 100 passes the body policy");

    const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
    assert.equal(subs.Subscriptions!.length, 4);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: subAll.SubscriptionArn }));
    assert.equal((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions!.filter((s) => s.TopicArn === TopicArn).length, 3);
  });

  test("MessageStructure json, PublishBatch and validation errors", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "structured" }));
    const q = await queue("structured-q");
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: q.arn, Attributes: { RawMessageDelivery: "true" } }));
    await sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: JSON.stringify({ default: "d", sqs: "for sqs" }) }));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, MessageStructure: "json", Message: JSON.stringify({ sqs: "x" }) })), (e: any) => e.name === "InvalidParameterException");
    // Only "json" means anything; other values publish the message as it is.
    await sns.send(new PublishCommand({ TopicArn, MessageStructure: "string", Message: "plain" }));
    const batch = await sns.send(new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: "a", Message: "one", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
        { Id: "b", Message: "" },
      ],
    }));
    assert.deepEqual(batch.Successful!.map((s) => s.Id), ["a"]);
    assert.equal(batch.Failed![0]!.Id, "b");
    assert.equal(batch.Failed![0]!.Code, "InvalidParameter");
    const bodies = (await receive(q.url)).map((m) => m.Body).sort();
    assert.deepEqual(bodies, ["for sqs", "one", "plain"]);
    await assert.rejects(sns.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:000000000000:nope", Message: "x" })), (e: any) => e.name === "NotFoundException");
    await assert.rejects(
      sns.send(new PublishCommand({ TopicArn, Message: "x", MessageAttributes: { n: { DataType: "Number", StringValue: "abc" } } })),
      (e: any) => e.$metadata.httpStatusCode === 400,
    );
  });

  test("a delivery that fails goes to the subscription's RedrivePolicy queue", async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "redrive" }));
    const dlq = await queue("redrive-dlq");
    await sns.send(new SubscribeCommand({
      TopicArn, Protocol: "lambda", Endpoint: "arn:aws:lambda:us-east-1:000000000000:function:does-not-exist",
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
    }));
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Message: "lost" }));
    const msgs = await receive(dlq.url);
    assert.equal(msgs.length, 1);
    const env = JSON.parse(msgs[0]!.Body!);
    assert.equal(env.MessageId, MessageId);
    assert.equal(env.Message, "lost");
  });

  test("FIFO topics need a group id and deduplicate", async () => {
    await assert.rejects(sns.send(new CreateTopicCommand({ Name: "plain.fifo" })), (e: any) => e.name === "InvalidParameterException");
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "jobs.fifo", Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } }));
    await assert.rejects(sns.send(new PublishCommand({ TopicArn, Message: "x" })), (e: any) => e.name === "InvalidParameterException");
    const a = await sns.send(new PublishCommand({ TopicArn, Message: "same", MessageGroupId: "g" }));
    const b = await sns.send(new PublishCommand({ TopicArn, Message: "same", MessageGroupId: "g" }));
    const c = await sns.send(new PublishCommand({ TopicArn, Message: "other", MessageGroupId: "g" }));
    assert.equal(a.MessageId, b.MessageId);
    assert.notEqual(a.MessageId, c.MessageId);
    assert.ok(BigInt(c.SequenceNumber!) > BigInt(a.SequenceNumber!));
  });

  test("http subscriptions are confirmed by the endpoint, then get notifications", async () => {
    const received: Array<{ headers: http.IncomingHttpHeaders; body: any }> = [];
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: JSON.parse(body) });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "hooks" }));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const sub = await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: url }));
      assert.equal(sub.SubscriptionArn, "pending confirmation");
      await waitUntil(() => received.length === 1);
      const confirm = received[0]!;
      assert.equal(confirm.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
      await sns.send(new PublishCommand({ TopicArn, Message: "not yet" }));
      // Visiting SubscribeURL (unsigned, as an endpoint would) confirms it.
      const visit = await fetch(confirm.body.SubscribeURL);
      assert.equal(visit.status, 200);
      assert.match(await visit.text(), /<SubscriptionArn>arn:aws:sns:/);
      await assert.rejects(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: "wrong" })), (e: any) => e.name === "InvalidParameterException");
      await sns.send(new PublishCommand({ TopicArn, Message: "now" }));
      await waitUntil(() => received.length === 2);
      assert.equal(received[1]!.headers["x-amz-sns-message-type"], "Notification");
      assert.equal(received[1]!.body.Message, "now");
    } finally {
      server.close();
    }
  });
});

async function waitUntil(fn: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
