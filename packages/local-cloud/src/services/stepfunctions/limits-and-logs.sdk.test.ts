/**
 * The 256 KiB payload limit (StartExecution's input, a state's output, a task's result)
 * and execution logs in CloudWatch Logs at each logging level, through the SDK v3.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, StartSyncExecutionCommand,
} from "@aws-sdk/client-sfn";
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogStreamsCommand, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createRole, finished as untilFinished } from "./test-support.js";

const ROLE = "arn:aws:iam::000000000000:role/machine";
const KIB = 1024;

describe("Step Functions payload limit and execution logs", () => {
  let tc: TestCloud;
  let sfn: SFNClient;
  let logs: CloudWatchLogsClient;

  before(async () => {
    tc = await startTestCloud();
    sfn = new SFNClient({ ...tc.clientConfig, disableHostPrefix: true });
    logs = new CloudWatchLogsClient(tc.clientConfig);
    await createRole(tc, "machine");
  });
  after(() => tc.stop());

  const finished = (executionArn: string) => untilFinished(sfn, executionArn);
  const machine = async (name: string, definition: object, extra: Record<string, unknown> = {}) =>
    (await sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE, ...extra }))).stateMachineArn!;

  it("refuses an execution input over 256 KiB", async () => {
    const arn = await machine("small", { StartAt: "A", States: { A: { Type: "Pass", End: true } } });
    // More characters than the API takes: the request's own validation.
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify("x".repeat(256 * KIB)) })), (e: any) => e.name === "ValidationException" && /length less than or equal to 262144/.test(e.message));
    // Few enough characters, too many bytes (three a character).
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify("€".repeat(100 * KIB)) })), (e: any) => e.name === "InvalidExecutionInput" && /262144 bytes/.test(e.message));
    const fits = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify("x".repeat(200 * KIB)) }));
    assert.equal((await finished(fits.executionArn!)).status, "SUCCEEDED");
  });

  it("fails an execution whose state output passes 256 KiB with States.DataLimitExceeded, which States.ALL does not catch", async () => {
    const doubled = { Type: "Pass", Parameters: { "a.$": "$.s", "b.$": "$.s" } };
    const arn = await machine("doubler", {
      StartAt: "Double",
      States: { Double: { ...doubled, Next: "Done" }, Done: { Type: "Succeed" } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ s: "y".repeat(150 * KIB) }) }));
    const d = await finished(executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "States.DataLimitExceeded");
    assert.equal(d.cause, "The state/task 'Double' returned a result with a size exceeding the maximum number of bytes service limit.");

    // A Parallel's result over the limit is caught only by a Catch that names the error.
    const branch = (n: string) => ({ StartAt: n, States: { [n]: { Type: "Pass", End: true } } });
    const catching = (errors: string[]) => ({
      StartAt: "Both",
      States: {
        Both: { Type: "Parallel", Branches: [branch("L"), branch("R")], Catch: [{ ErrorEquals: errors, ResultPath: "$.caught", Next: "Caught" }], End: true },
        Caught: { Type: "Pass", Parameters: { "error.$": "$.caught.Error" }, End: true },
      },
    });
    const input = JSON.stringify({ s: "z".repeat(150 * KIB) });
    const explicit = await sfn.send(new StartExecutionCommand({ stateMachineArn: await machine("catch-named", catching(["States.DataLimitExceeded"])), input }));
    const caught = await finished(explicit.executionArn!);
    assert.equal(caught.status, "SUCCEEDED", caught.cause);
    assert.deepEqual(JSON.parse(caught.output!), { error: "States.DataLimitExceeded" });
    const all = await sfn.send(new StartExecutionCommand({ stateMachineArn: await machine("catch-all", catching(["States.ALL"])), input }));
    assert.equal((await finished(all.executionArn!)).error, "States.DataLimitExceeded");
  });

  it("writes execution events to the machine's log group at its level, with execution data only when asked", async () => {
    for (const group of ["/sfn/all", "/sfn/errors", "/sfn/fatal"]) await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const logging = (group: string, level: string, includeExecutionData: boolean) => ({
      loggingConfiguration: { level, includeExecutionData, destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*` } }] },
    });
    const failing = { StartAt: "Hello", States: { Hello: { Type: "Pass", Result: { greeting: "hi" }, Next: "Boom" }, Boom: { Type: "Fail", Error: "Broke", Cause: "on purpose" } } };
    const all = await machine("logs-all", { StartAt: "Hello", States: { Hello: { Type: "Pass", Result: { greeting: "hi" }, End: true } } }, { type: "EXPRESS", ...logging("/sfn/all", "ALL", true) });
    const errors = await machine("logs-error", failing, logging("/sfn/errors", "ERROR", false));
    const fatal = await machine("logs-fatal", failing, logging("/sfn/fatal", "FATAL", false));

    const sync = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: all, input: JSON.stringify({ who: "me" }) }));
    assert.equal(sync.status, "SUCCEEDED");
    for (const arn of [errors, fatal]) await finished((await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ secret: "s3cr3t" }) }))).executionArn!);
    await tc.cloud.stepfunctions.executionLogs.flush();

    const read = async (group: string) => ((await logs.send(new FilterLogEventsCommand({ logGroupName: group }))).events ?? []).map((e) => JSON.parse(e.message!));
    const allEvents = await read("/sfn/all");
    assert.deepEqual(allEvents.map((e) => e.type), ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
    assert.equal(allEvents[0].execution_arn, sync.executionArn);
    assert.equal(allEvents[0].details.input, JSON.stringify({ who: "me" }));
    assert.equal(allEvents[3].details.output, JSON.stringify({ greeting: "hi" }));
    assert.deepEqual(allEvents.map((e) => e.id), ["1", "2", "3", "4"]);
    const [stream] = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: "/sfn/all" }))).logStreams!;
    assert.match(stream!.logStreamName!, /^states\/logs-all\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}\/[0-9a-f]{8}$/);

    const errorEvents = await read("/sfn/errors");
    assert.deepEqual(errorEvents.map((e) => e.type), ["ExecutionFailed"]);
    assert.deepEqual(errorEvents[0].details, { error: "Broke", cause: "on purpose" });
    assert.ok(!JSON.stringify(await read("/sfn/fatal")).includes("s3cr3t"));
    assert.deepEqual((await read("/sfn/fatal")).map((e) => e.type), ["ExecutionFailed"]);
  });
});
