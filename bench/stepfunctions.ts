/**
 * Benchmark: what a Step Functions execution costs locally, beside baselines measured in
 * the same run.
 *
 *   node --import tsx bench/stepfunctions.ts [rounds] [executions]
 *
 * A 10-state machine (Pass, Choice, Pass, Choice, Pass, Pass, Choice, Pass, Pass, Succeed;
 * Parameters with paths and an intrinsic, ResultPath) runs `executions` times (default
 * 200) per round, `rounds` (default 5) rounds; medians of:
 *  - STANDARD: StartExecution in-process, all started at once (and one at a time), each
 *    run to its end with its history (23 events) and checkpoints written to SQLite —
 *    executions/s (wall) and µs CPU per execution;
 *  - EXPRESS: StartSyncExecution in-process (no history kept), one after another;
 *  - EXPRESS over HTTP: StartSyncExecution from the AWS SDK v3 (SigV4, JSON 1.0 codec),
 *    the client's CPU included — beside DescribeStateMachine the same way, which is what
 *    the SDK and the wire cost alone;
 *  - the interpreter alone on the same definition (no API, no storage);
 *  - baseline: one in-process DynamoDB PutItem of a small item (a durable write of the
 *    same cloud), µs CPU per call.
 */
import { DescribeStateMachineCommand, SFNClient, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { checkDefinition } from "../packages/local-cloud/src/services/stepfunctions/asl/definition.js";
import { Interpreter, type ContextObject } from "../packages/local-cloud/src/services/stepfunctions/asl/interpreter.js";
import { median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);
const count = Number(process.argv[3] ?? 200);

const definition = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Parameters: { "n.$": "$.n", "label.$": "States.Format('order-{}', $.n)" }, Next: "Big?" },
    "Big?": { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThan: 100, Next: "Big" }], Default: "Small" },
    Big: { Type: "Pass", Result: "big", ResultPath: "$.size", Next: "Even?" },
    Small: { Type: "Pass", Result: "small", ResultPath: "$.size", Next: "Even?" },
    "Even?": { Type: "Choice", Choices: [{ And: [{ Variable: "$.n", IsNumeric: true }, { Variable: "$.size", StringEquals: "small" }], Next: "Tag" }], Default: "Tag" },
    Tag: { Type: "Pass", Parameters: { "n.$": "$.n", "size.$": "$.size", tagged: true }, Next: "Last?" },
    "Last?": { Type: "Choice", Choices: [{ Variable: "$.tagged", BooleanEquals: true, Next: "Stamp" }], Default: "Done" },
    Stamp: { Type: "Pass", Parameters: { "n.$": "$.n", "size.$": "$.size", "at.$": "$$.State.EnteredTime" }, Next: "Trim" },
    Trim: { Type: "Pass", OutputPath: "$.size", Next: "Done" },
    Done: { Type: "Succeed" },
  },
};

const tc = await startTestCloud();
const sfn = tc.cloud.stepfunctions;
const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }] };
await tc.cloud.iam.call("CreateRole", { RoleName: "bench", AssumeRolePolicyDocument: JSON.stringify(trust) });
const roleArn = "arn:aws:iam::000000000000:role/bench";
const standard = (await sfn.call("CreateStateMachine", { name: "standard", definition: JSON.stringify(definition), roleArn })).stateMachineArn as string;
const express = (await sfn.call("CreateStateMachine", { name: "express", definition: JSON.stringify(definition), roleArn, type: "EXPRESS" })).stateMachineArn as string;
await tc.cloud.dynamodb.call("CreateTable", { TableName: "base", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] });
const client = new SFNClient({ ...tc.clientConfig, disableHostPrefix: true });
const executions = (sfn as any).executions as { untilFinished(arn: string, signal: AbortSignal): Promise<void> };
const { machine } = checkDefinition(JSON.stringify(definition));
const context: ContextObject = {
  Execution: { Id: "arn:aws:states:us-east-1:000000000000:execution:x:y", Input: {}, Name: "y", RoleArn: roleArn, StartTime: new Date().toISOString(), RedriveCount: 0 },
  StateMachine: { Id: standard, Name: "standard" },
};

let seq = 0;
async function measure(n: number, run: (i: number) => Promise<unknown>, concurrent = false): Promise<{ perSecond: number; cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (concurrent) await Promise.all(Array.from({ length: n }, (_, i) => run(i)));
  else for (let i = 0; i < n; i++) await run(i);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: (n * 1000) / wall, cpuUs: (cpu.user + cpu.system) / n };
}

const startStandard = async (i: number) => {
  const { executionArn } = await sfn.call("StartExecution", { stateMachineArn: standard, name: `e${seq++}`, input: JSON.stringify({ n: i }) });
  await executions.untilFinished(executionArn, new AbortController().signal);
};
const syncExpress = async (i: number) => {
  const r = await sfn.call("StartSyncExecution", { stateMachineArn: express, input: JSON.stringify({ n: i }) });
  if (r.status !== "SUCCEEDED") throw new Error(JSON.stringify(r));
};
const syncOverHttp = async (i: number) => {
  await client.send(new StartSyncExecutionCommand({ stateMachineArn: express, input: JSON.stringify({ n: i }) }));
};
const describeOverHttp = async () => {
  await client.send(new DescribeStateMachineCommand({ stateMachineArn: express }));
};
const interpreterOnly = async (i: number) => {
  await new Interpreter(machine!, { tasks: { run: async () => ({}) }, record: () => {} }).run({ n: i }, context, new AbortController().signal);
};
const putItem = async (i: number) => {
  await tc.cloud.dynamodb.call("PutItem", { TableName: "base", Item: { id: { S: `k${seq++}` }, n: { N: String(i) } } });
};

const cases: Array<[string, (i: number) => Promise<unknown>, boolean]> = [
  ["STANDARD StartExecution → end (in-process, concurrent)", startStandard, true],
  ["STANDARD StartExecution → end (in-process, one at a time)", startStandard, false],
  ["EXPRESS StartSyncExecution (in-process)", syncExpress, false],
  ["EXPRESS StartSyncExecution (SDK v3 over HTTP)", syncOverHttp, false],
  ["SDK v3 DescribeStateMachine over HTTP (client + wire cost)", describeOverHttp, false],
  ["interpreter alone", interpreterOnly, false],
  ["baseline: DynamoDB PutItem (in-process)", putItem, false],
];
for (const [, run, concurrent] of cases) await measure(20, run, concurrent); // warm up
const results = cases.map(() => ({ perSecond: [] as number[], cpuUs: [] as number[] }));
for (let r = 0; r < rounds; r++) {
  for (const [i, [, run, concurrent]] of cases.entries()) {
    const m = await measure(count, run, concurrent);
    results[i]!.perSecond.push(m.perSecond);
    results[i]!.cpuUs.push(m.cpuUs);
  }
}
await tc.stop();

const baseline = median(results.at(-1)!.cpuUs);
console.log(`rounds: ${rounds} × ${count} executions (medians); 10-state Pass/Choice machine`);
console.log(`${"case".padEnd(56)} ${"exec/s".padStart(8)} ${"µs CPU".padStart(8)} ${"× PutItem".padStart(10)}`);
for (const [i, [name]] of cases.entries()) {
  const cpu = median(results[i]!.cpuUs);
  console.log(`${name.padEnd(56)} ${median(results[i]!.perSecond).toFixed(0).padStart(8)} ${cpu.toFixed(0).padStart(8)} ${(cpu / baseline).toFixed(1).padStart(10)}`);
}
