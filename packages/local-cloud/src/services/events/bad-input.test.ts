/** Garbage in, AWS-shaped errors out: every SNS and EventBridge operation, fed junk, answers with an AwsError (never a TypeError). */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../server/aws-error.js";
import { startTestCloud, type TestCloud } from "../../testing.js";

let t: TestCloud;
before(async () => { t = await startTestCloud(); });
after(() => t.stop());

const JUNK: unknown[] = [
  null, undefined, 5, "x", [], {},
  { Name: 5, TopicArn: {}, EventBusName: [], Rule: null, Targets: "x", Entries: [null, 5, { Detail: 7 }], Attributes: "nope", Tags: [null], MessageAttributes: { a: null } },
  { Name: "ok", TopicArn: "arn:aws:sns:us-east-1:000000000000:none", Message: { x: 1 }, Protocol: "lambda", Endpoint: 5, EventPattern: "[", ScheduleExpression: "cron(", Targets: [{}], Ids: "x", PublishBatchRequestEntries: [null, {}] },
  { SubscriptionArn: "arn:aws:sns:us-east-1:000000000000:t:00000000-0000-0000-0000-000000000000", AttributeName: "FilterPolicy", AttributeValue: { a: 1 }, ResourceArn: 5, ResourceARN: "arn:aws:events:us-east-1:000000000000:rule/x", TagKeys: "k", Limit: -1, NextToken: "@@" },
];

const SNS_OPS = ["CreateTopic", "DeleteTopic", "ListTopics", "GetTopicAttributes", "SetTopicAttributes", "TagResource", "UntagResource", "ListTagsForResource",
  "Subscribe", "ConfirmSubscription", "Unsubscribe", "ListSubscriptions", "ListSubscriptionsByTopic", "GetSubscriptionAttributes", "SetSubscriptionAttributes", "Publish", "PublishBatch", "Nope"];
const EB_OPS = ["CreateEventBus", "DeleteEventBus", "DescribeEventBus", "ListEventBuses", "PutRule", "DeleteRule", "DescribeRule", "ListRules", "EnableRule", "DisableRule",
  "PutTargets", "RemoveTargets", "ListTargetsByRule", "PutEvents", "TestEventPattern", "TagResource", "UntagResource", "ListTagsForResource", "Nope"];

test("junk input to every operation fails with an AwsError or succeeds", async () => {
  for (const [service, ops] of [[t.cloud.sns, SNS_OPS], [t.cloud.eventbridge, EB_OPS]] as const) {
    for (const op of ops) {
      for (const input of JUNK) {
        try {
          await service.call(op, input);
        } catch (err) {
          assert.ok(err instanceof AwsError, `${service.signingName} ${op}(${JSON.stringify(input)}) threw ${(err as Error)?.stack}`);
          assert.ok(err.status >= 400 && err.status < 500, `${op}: ${err.code} ${err.status}`);
        }
      }
    }
  }
  // The services still work afterwards.
  assert.ok((await t.cloud.sns.call("ListTopics", {})).Topics);
  assert.equal((await t.cloud.eventbridge.call("DescribeEventBus", {})).Name, "default");
});

test("junk on the wire: malformed bodies get protocol-shaped errors", async () => {
  const { SignatureV4 } = await import("@smithy/signature-v4");
  const { createHash, createHmac } = await import("node:crypto");
  class Sha256 {
    private h;
    constructor(s?: any) { this.h = s ? createHmac("sha256", s) : createHash("sha256"); }
    update(d: any) { this.h.update(d); }
    async digest() { return new Uint8Array(this.h.digest()); }
  }
  const url = new URL(t.cloud.endpoint);
  async function send(service: string, headers: Record<string, string>, body: string) {
    const signer = new SignatureV4({ service, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" }, sha256: Sha256 as any });
    const req = await signer.sign({ method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", headers: { host: url.host, ...headers }, body });
    const res = await fetch(t.cloud.endpoint, { method: "POST", headers: req.headers as any, body });
    return { status: res.status, text: await res.text() };
  }
  const eb = await send("events", { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSEvents.PutEvents" }, "{not json");
  assert.equal(eb.status, 400);
  assert.match(eb.text, /SerializationException/);
  const ebOp = await send("events", { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSEvents.Bogus" }, "{}");
  assert.equal(ebOp.status, 400);
  assert.match(ebOp.text, /UnknownOperationException/);
  const sns = await send("sns", { "content-type": "application/x-www-form-urlencoded" }, "Action=Publish&TopicArn=%%%&Message.entry=1");
  assert.equal(sns.status, 400);
  assert.match(sns.text, /<Code>InvalidParameter<\/Code>/);
  const noAction = await send("sns", { "content-type": "application/x-www-form-urlencoded" }, "Foo=1");
  assert.equal(noAction.status, 400);
  assert.match(noAction.text, /MissingAction/);
});
