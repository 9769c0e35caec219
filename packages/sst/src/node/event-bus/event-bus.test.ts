/**
 * Typed events: published by `createEventBuilder` through the real EventBridge API of
 * the local cloud, matched by a rule, read back from an SQS target; `EventHandler`
 * unwraps what a target function receives.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { EventBridgeClient, CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { z } from "zod";
import { startTestCloud, type TestCloud } from "../../../../local-cloud/src/testing.js";
import { runInFunctionEnv, nodeModulePath } from "../function-env.testing.js";
import { EventHandler, ZodValidator } from "./index.js";

describe("createEventBuilder against the local EventBridge", () => {
  let tc: TestCloud;
  let queueUrl: string;
  let sqs: SQSClient;

  before(async () => {
    tc = await startTestCloud();
    const eb = new EventBridgeClient(tc.clientConfig);
    sqs = new SQSClient(tc.clientConfig);
    await eb.send(new CreateEventBusCommand({ Name: "dev-app-bus" }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "events" }))).QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
    await eb.send(new PutRuleCommand({ Name: "todo", EventBusName: "dev-app-bus", EventPattern: JSON.stringify({ "detail-type": ["todo.created"], source: ["app"] }) }));
    await eb.send(new PutTargetsCommand({ Rule: "todo", EventBusName: "dev-app-bus", Targets: [{ Id: "q", Arn: Attributes!.QueueArn! }] }));
    eb.destroy();
  });
  after(async () => {
    sqs?.destroy();
    await tc?.stop();
  });

  async function receiveAll(count: number): Promise<any[]> {
    const got: any[] = [];
    const deadline = Date.now() + 10_000;
    while (got.length < count && Date.now() < deadline) {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of r.Messages ?? []) got.push(JSON.parse(m.Body!));
    }
    return got;
  }

  it("validates, wraps and puts events on the bound bus; calls made together share PutEvents calls of ten", async () => {
    const env = {
      SST_APP: "app", SST_STAGE: "dev", SST_EventBus_eventBusName_bus: "dev-app-bus",
      AWS_ENDPOINT_URL: tc.cloud.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
    };
    const r = await runInFunctionEnv(
      `const { createEventBuilder, ZodValidator } = await import(${nodeModulePath("event-bus")});
       const { z } = await import("zod");
       const event = createEventBuilder({ bus: "bus", validator: ZodValidator, metadataFn: () => ({ by: "test" }) });
       const Created = event("todo.created", z.object({ id: z.string(), n: z.number().default(0) }));
       const outs = await Promise.all(Array.from({ length: 12 }, (_, i) => Created.publish({ id: "t" + i })));
       const calls = new Set(outs.map((o) => o.$metadata.requestId));
       let invalid = "";
       try { await Created.publish({ id: 5 }); } catch (e) { invalid = e.name; }
       console.log(JSON.stringify({ calls: calls.size, failed: outs.reduce((s, o) => s + o.FailedEntryCount, 0), invalid }));`,
      env,
    );
    assert.ok(r.ok, r.out);
    assert.deepEqual(JSON.parse(r.out), { calls: 2, failed: 0, invalid: "ZodError" });
    const events = await receiveAll(12);
    assert.equal(events.length, 12);
    const e = events.find((x) => x.detail.properties.id === "t3");
    assert.equal(e["detail-type"], "todo.created");
    assert.equal(e.source, "app");
    assert.deepEqual(e.detail, { properties: { id: "t3", n: 0 }, metadata: { by: "test" } });
  });

  it("fails publish for an unbound bus with SST's message", async () => {
    const r = await runInFunctionEnv(
      `const { createEventBuilder, ZodValidator } = await import(${nodeModulePath("event-bus")});
       const { z } = await import("zod");
       const E = createEventBuilder({ bus: "nope", validator: ZodValidator })("x", z.object({}));
       try { await E.publish({}); } catch (e) { console.log(e.message); }`,
      { SST_APP: "app", SST_STAGE: "dev", AWS_REGION: "us-east-1" },
    );
    assert.ok(r.ok, r.out);
    assert.equal(r.out, "Cannot use EventBus.nope. Please make sure it is bound to this function.");
  });
});

describe("EventHandler", () => {
  it("hands the callback type, properties, metadata and attempts", async () => {
    const Created = { type: "todo.created" as const, $output: {} as { id: string }, $metadata: {} as { by: string } };
    const got: unknown[] = [];
    const handler = EventHandler(Created, async (evt) => {
      got.push(evt);
    });
    await handler({ "detail-type": "todo.created", detail: { properties: { id: "1" }, metadata: { by: "x" } } } as any);
    await handler({ "detail-type": "todo.created", detail: { properties: { id: "2" } }, attempts: 3 } as any);
    assert.deepEqual(got, [
      { type: "todo.created", properties: { id: "1" }, metadata: { by: "x" }, attempts: 0 },
      { type: "todo.created", properties: { id: "2" }, metadata: undefined, attempts: 3 },
    ]);
  });

  it("ZodValidator parses with the schema's defaults and rejects bad input", () => {
    const v = ZodValidator(z.object({ id: z.string(), tags: z.array(z.string()).default([]) }));
    assert.deepEqual(v({ id: "a" } as any), { id: "a", tags: [] });
    assert.throws(() => v({ id: 1 } as any), { name: "ZodError" });
  });
});
