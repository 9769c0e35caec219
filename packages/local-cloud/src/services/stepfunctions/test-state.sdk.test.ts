/**
 * TestState through the SDK v3: one state run alone — its output and next state, the
 * error its Catch caught, the error a Retry would retry, a Fail's error — with a Task
 * calling a local service as the given role (IAM enforced), and the definition checked.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SFNClient, TestStateCommand } from "@aws-sdk/client-sfn";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createRole } from "./test-support.js";

const ROLE = "arn:aws:iam::000000000000:role/tester";

describe("TestState", () => {
  let tc: TestCloud;
  let sfn: SFNClient;
  let queueUrl: string;

  before(async () => {
    tc = await startTestCloud();
    // TestState also goes to the `sync-` host; this process resolves no such name.
    sfn = new SFNClient({ ...tc.clientConfig, disableHostPrefix: true });
    await createRole(tc, "tester", [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:allowed" }]);
    queueUrl = (await new SQSClient(tc.clientConfig).send(new CreateQueueCommand({ QueueName: "allowed" }))).QueueUrl!;
    await new SQSClient(tc.clientConfig).send(new CreateQueueCommand({ QueueName: "denied" }));
  });
  after(() => tc.stop());

  const test = (state: object, input: object = {}, extra: Record<string, unknown> = {}) =>
    sfn.send(new TestStateCommand({ definition: JSON.stringify(state), roleArn: ROLE, input: JSON.stringify(input), ...extra }));

  it("answers a state's output and next state", async () => {
    const r = await test({ Type: "Pass", Parameters: { "sum.$": "States.MathAdd($.a, $.b)" }, ResultPath: "$.result", Next: "Later" }, { a: 2, b: 3 });
    assert.equal(r.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(r.output!), { a: 2, b: 3, result: { sum: 5 } });
    assert.equal(r.nextState, "Later");
    const choice = await test({ Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 10, Next: "Big" }], Default: "Small" }, { n: 11 });
    assert.equal(choice.nextState, "Big");
  });

  it("runs a Task as the role: a call it may make succeeds, one it may not is caught or retriable", async () => {
    const send = (queue: string) => ({ Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl: queue, "MessageBody.$": "$.body" }, End: true });
    const ok = await test(send(queueUrl), { body: "from TestState" });
    assert.equal(ok.status, "SUCCEEDED", ok.cause);
    assert.ok(JSON.parse(ok.output!).MessageId);
    const got = await new SQSClient(tc.clientConfig).send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));
    assert.equal(got.Messages?.[0]?.Body, "from TestState");

    const denied = queueUrl.replace(/allowed$/, "denied");
    const caught = await test({ ...send(denied), End: undefined, Next: "Done", Catch: [{ ErrorEquals: ["States.ALL"], Next: "Recover" }] }, { body: "x" });
    assert.equal(caught.status, "CAUGHT_ERROR");
    assert.equal(caught.nextState, "Recover");
    assert.match(caught.error!, /^SQS\./);
    const retriable = await test({ ...send(denied), Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2 }] }, { body: "x" });
    assert.equal(retriable.status, "RETRIABLE");
    const failed = await test({ Type: "Fail", Error: "Nope", Cause: "because" });
    assert.deepEqual([failed.status, failed.error, failed.cause], ["FAILED", "Nope", "because"]);
  });

  it("tests a state of a whole machine by name, and checks the definition", async () => {
    const machine = { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Result: "b", End: true } } };
    const r = await test(machine, {}, { stateName: "B" });
    assert.equal(r.output, '"b"');
    await assert.rejects(test({ Type: "Pass", Nope: 1, End: true }), (e: any) => e.name === "InvalidDefinition" && /SCHEMA_VALIDATION_FAILED/.test(e.message));
    await assert.rejects(test({ Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", End: true }, {}, { roleArn: undefined }), { name: "ValidationException" });
  });
});
