/**
 * RedriveExecution through the SDK v3: a failed execution runs again from the state that
 * failed (the states before it are not run again), DescribeExecution counts redrives and
 * says whether one is possible, and a Task finished before a restart is not run again.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand,RedriveExecutionCommand, GetExecutionHistoryCommand,
  ListExecutionsCommand,
} from "@aws-sdk/client-sfn";
import { DynamoDBClient, CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createRole, finished as untilFinished } from "./test-support.js";

const ROLE = "arn:aws:iam::000000000000:role/machine";

describe("RedriveExecution", () => {
  let tc: TestCloud;
  let sfn: SFNClient;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-redrive-"));

  before(async () => {
    tc = await startTestCloud({ dir });
    sfn = new SFNClient(tc.clientConfig);
    await createRole(tc, "machine", [{ Effect: "Allow", Action: ["dynamodb:PutItem", "sqs:SendMessage"], Resource: "*" }]);
  });
  after(async () => {
    await tc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const finished = (executionArn: string) => untilFinished(sfn, executionArn);

  it("runs a failed execution again from the state that failed", async () => {
    // Save fails while its table does not exist; the Pass before it has run by then.
    const definition = {
      StartAt: "Stamp",
      States: {
        Stamp: { Type: "Pass", Parameters: { "id.$": "$.id", "at.$": "$$.State.EnteredTime" }, Next: "Save" },
        Save: { Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", Parameters: { TableName: "later", Item: { id: { "S.$": "$.id" } } }, ResultPath: null, End: true },
      },
    };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "saver", definition: JSON.stringify(definition), roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ id: "a1" }) }));
    const failed = await finished(executionArn!);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.redriveStatus, "REDRIVABLE");
    assert.equal(failed.redriveCount, 0);
    const stampedAt = JSON.parse((await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.find((e) => e.type === "PassStateExited")!.stateExitedEventDetails!.output!).at;

    await new DynamoDBClient(tc.clientConfig).send(new CreateTableCommand({ TableName: "later", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    assert.ok(redriveDate instanceof Date);
    const done = await finished(executionArn!);
    assert.equal(done.status, "SUCCEEDED", done.cause);
    assert.equal(done.redriveCount, 1);
    assert.equal(done.redriveStatus, "NOT_REDRIVABLE");
    assert.equal(done.redriveStatusReason, "Execution is SUCCEEDED and cannot be redriven");
    // The output carries the first run's Stamp: the Pass was not run again.
    assert.deepEqual(JSON.parse(done.output!), { id: "a1", at: stampedAt });
    const types = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.map((e) => e.type);
    const redriven = types.indexOf("ExecutionRedriven");
    assert.equal(types.slice(0, redriven).at(-1), "ExecutionFailed");
    assert.deepEqual(types.slice(redriven + 1, redriven + 2), ["TaskStateEntered"]);
    assert.equal(types.filter((t) => t === "PassStateEntered").length, 1);
    assert.equal(types.at(-1), "ExecutionSucceeded");
    assert.deepEqual((await sfn.send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: "REDRIVEN" }))).executions!.map((e) => e.redriveCount), [1]);

    await assert.rejects(sfn.send(new RedriveExecutionCommand({ executionArn })), (e: any) => e.name === "ExecutionNotRedrivable" && e.message === "Execution is SUCCEEDED and cannot be redriven");
    await assert.rejects(sfn.send(new RedriveExecutionCommand({ executionArn: `${stateMachineArn!.replace(":stateMachine:", ":execution:")}:none` })), { name: "ExecutionDoesNotExist" });
  });

  it("a Task that finished before a restart is not run again when the execution resumes", async () => {
    const { QueueUrl } = await new SQSClient(tc.clientConfig).send(new CreateQueueCommand({ QueueName: "sent-once" }));
    const definition = {
      StartAt: "Send",
      States: {
        Send: { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", Parameters: { QueueUrl, MessageBody: "hello" }, ResultPath: null, Next: "Pause" },
        Pause: { Type: "Wait", Seconds: 1, End: true },
      },
    };
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: "sender", definition: JSON.stringify(definition), roleArn: ROLE }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    for (let i = 0; i < 200; i++) {
      const events = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!;
      if (events.some((e) => e.type === "WaitStateEntered")) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await tc.cloud.stop();
    tc = await startTestCloud({ dir });
    sfn = new SFNClient(tc.clientConfig);
    assert.equal((await finished(executionArn!)).status, "SUCCEEDED");
    const got = await new SQSClient(tc.clientConfig).send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    assert.equal(got.Messages?.length, 1);
  });
});
