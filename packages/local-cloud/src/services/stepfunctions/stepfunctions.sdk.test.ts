/**
 * Step Functions through the AWS SDK v3 against a local cloud: the API's checks and
 * errors, executions that call Lambda, DynamoDB and SQS as the state machine's role,
 * task tokens, stopping, EXPRESS sync executions, tags, and executions surviving a
 * restart.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import {
  SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand,
  GetExecutionHistoryCommand, ListExecutionsCommand, StopExecutionCommand, StartSyncExecutionCommand, SendTaskSuccessCommand,
  SendTaskFailureCommand, CreateActivityCommand, GetActivityTaskCommand, TagResourceCommand, ListTagsForResourceCommand, UntagResourceCommand, UpdateStateMachineCommand,
  DeleteStateMachineCommand, ListStateMachinesCommand,
} from "@aws-sdk/client-sfn";
import { LambdaClient, CreateFunctionCommand } from "@aws-sdk/client-lambda";
import { DynamoDBClient, CreateTableCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { createRole, finished } from "./test-support.js";

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe("Step Functions (SDK v3)", () => {
  let tc: TestCloud;
  let sfn: SFNClient;
  let role: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfn-sdk-"));

  before(async () => {
    tc = await startTestCloud({ dir });
    sfn = new SFNClient({ ...tc.clientConfig, disableHostPrefix: true });
    role = await createRole(tc, "machine-role", ["lambda:InvokeFunction", "dynamodb:PutItem", "sqs:SendMessage"]);
    const fnRole = await createRole(tc, "fn-role", [], "lambda.amazonaws.com");
    const code = `export const handler = async (e) => { if (e.n < 0) { const err = new Error("negative " + e.n); err.name = "NegativeError"; throw err; } return { n: e.n * 2 }; };`;
    await new LambdaClient(tc.clientConfig).send(new CreateFunctionCommand({ FunctionName: "double", Runtime: "nodejs20.x", Handler: "index.handler", Role: fnRole, Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) } }));
    await new DynamoDBClient(tc.clientConfig).send(new CreateTableCommand({ TableName: "results", BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] }));
  });
  after(async () => {
    await tc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const create = (name: string, definition: object, type?: "EXPRESS" | "STANDARD", r = role) =>
    sfn.send(new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: r, type }));

  it("refuses bad definitions, names, roles and ARNs with Step Functions' codes", async () => {
    await assert.rejects(create("bad", { StartAt: "A", States: { A: { Type: "Pass", Next: "Nowhere" }, B: { Type: "Succeed" } } }), (e: any) => {
      assert.equal(e.name, "InvalidDefinition");
      assert.equal(e.message, "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere at /States/A/Next, UNREACHABLE_STATE: State \"B\" is not reachable. at /States/B'");
      return true;
    });
    await assert.rejects(sfn.send(new CreateStateMachineCommand({ name: "bad", definition: "{", roleArn: role })), (e: any) => e.name === "InvalidDefinition" && e.message.includes("INVALID_JSON_DESCRIPTION"));
    await assert.rejects(create("has space", { StartAt: "A", States: { A: { Type: "Succeed" } } }), { name: "InvalidName" });
    const lambdaRole = roleArn("fn-role");
    await assert.rejects(create("wrong-trust", { StartAt: "A", States: { A: { Type: "Succeed" } } }, undefined, lambdaRole), { name: "AccessDeniedException" });
    await assert.rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:activity:x` })), { name: "InvalidArn" });
    await assert.rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:none` })), {
      name: "StateMachineDoesNotExist", message: `State Machine Does Not Exist: 'arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:none'`,
    });
  });

  it("runs Lambda, Choice, Map, Retry/Catch and DynamoDB tasks as the role, and records the history", async () => {
    const { stateMachineArn } = await create("pipeline", {
      StartAt: "Double",
      States: {
        Double: {
          Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Parameters: { FunctionName: "double", "Payload.$": "$" },
          OutputPath: "$.Payload", Catch: [{ ErrorEquals: ["NegativeError"], ResultPath: "$.failure", Next: "Negative" }], Next: "Big?",
        },
        "Big?": { Type: "Choice", Choices: [{ Variable: "$.n", NumericGreaterThanEquals: 10, Next: "Range" }], Default: "Small" },
        Range: { Type: "Pass", Parameters: { "n.$": "$.n", "items.$": "States.ArrayRange(1, 3, 1)" }, Next: "Each" },
        Each: {
          Type: "Map", ItemsPath: "$.items", ItemSelector: { "n.$": "$$.Map.Item.Value" }, MaxConcurrency: 2, ResultPath: "$.doubled",
          ItemProcessor: { StartAt: "D", States: { D: { Type: "Task", Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:double`, End: true } } },
          Next: "Save",
        },
        Save: {
          Type: "Task", Resource: "arn:aws:states:::dynamodb:putItem", ResultPath: null, End: true,
          Parameters: { TableName: "results", Item: { id: { "S.$": "$$.Execution.Name" }, n: { "N.$": "States.Format('{}', $.n)" } } },
        },
        Small: { Type: "Succeed" },
        Negative: { Type: "Fail", Error: "Negative", CausePath: "$.failure.Cause" },
      },
    });
    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{" })), { name: "InvalidExecutionInput" });
    const big = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: "big", input: JSON.stringify({ n: 5 }) }));
    const d = await finished(sfn, big.executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    assert.deepEqual(JSON.parse(d.output!), { n: 10, items: [1, 2, 3], doubled: [{ n: 2 }, { n: 4 }, { n: 6 }] });
    const item = await new DynamoDBClient(tc.clientConfig).send(new GetItemCommand({ TableName: "results", Key: { id: { S: "big" } } }));
    assert.deepEqual(item.Item, { id: { S: "big" }, n: { N: "10" } });

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: big.executionArn! }));
    const types = history.events!.map((e) => e.type);
    assert.equal(types[0], "ExecutionStarted");
    assert.equal(types.at(-1), "ExecutionSucceeded");
    for (const t of ["TaskScheduled", "TaskSucceeded", "ChoiceStateEntered", "MapStateStarted", "MapIterationSucceeded", "LambdaFunctionSucceeded"]) assert.ok(types.includes(t as any), t);
    assert.deepEqual(history.events!.map((e) => e.id), types.map((_, i) => i + 1));
    const scheduled = history.events!.find((e) => e.type === "TaskScheduled")!;
    assert.equal(scheduled.taskScheduledEventDetails!.resourceType, "lambda");

    await assert.rejects(sfn.send(new StartExecutionCommand({ stateMachineArn, name: "big", input: "{}" })), { name: "ExecutionAlreadyExists" });

    const negative = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ n: -1 }) }));
    const failed = await finished(sfn, negative.executionArn!);
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "Negative");
    assert.equal(JSON.parse(failed.cause!).errorMessage, "negative -1");

    const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "FAILED" }));
    assert.deepEqual(list.executions!.map((e) => e.executionArn), [negative.executionArn]);
  });

  it("a task the role has no grant for fails with the service's error, and Catch can take it", async () => {
    const { stateMachineArn } = await create("no-grant", {
      StartAt: "Get",
      States: { Get: { Type: "Task", Resource: "arn:aws:states:::dynamodb:getItem", Parameters: { TableName: "results", Key: { id: { S: "big" } } }, End: true } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, "FAILED");
    assert.equal(d.error, "DynamoDB.AmazonDynamoDBException");
    assert.match(d.cause!, /assumed-role\/machine-role\/.* is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/results/);
  });

  it("waits for a task token sent through SQS, then SendTaskSuccess/SendTaskFailure end the task", async () => {
    const sqs = new SQSClient(tc.clientConfig);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "tokens" }));
    const { stateMachineArn } = await create("callback", {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken", ResultPath: "$.answer", End: true,
          Parameters: { QueueUrl, MessageBody: { "token.$": "$$.Task.Token", "who.$": "$.who" } },
        },
      },
    });
    const take = async () => {
      for (;;) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
        if (r.Messages?.length) return JSON.parse(r.Messages[0]!.Body!);
      }
    };
    const ok = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ who: "ann" }) }));
    const msg = await take();
    assert.equal(msg.who, "ann");
    await assert.rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: msg.token, output: "{" })), { name: "InvalidOutput" });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: msg.token, output: JSON.stringify({ yes: true }) }));
    assert.deepEqual(JSON.parse((await finished(sfn, ok.executionArn!)).output!), { who: "ann", answer: { yes: true } });
    await assert.rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: msg.token, output: "{}" })), { name: "TaskDoesNotExist" });
    await assert.rejects(sfn.send(new SendTaskSuccessCommand({ taskToken: "nonsense", output: "{}" })), { name: "InvalidToken" });

    const no = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ who: "bob" }) }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: (await take()).token, error: "Refused", cause: "bob said no" }));
    const d = await finished(sfn, no.executionArn!);
    assert.deepEqual([d.status, d.error, d.cause], ["FAILED", "Refused", "bob said no"]);
  });

  it("AWS SDK integrations, a .sync:2 child execution, Credentials and an activity worker", async () => {
    const ssmRole = await createRole(tc, "ssm-reader", ["ssm:GetParameter"]);
    const parentRole = await createRole(tc, "parent-role", ["states:StartExecution", "states:DescribeExecution", "states:StopExecution", "sts:AssumeRole"]);
    await tc.cloud.ssm.call("PutParameter", { Name: "/app/greeting", Value: "hello", Type: "String" });
    const child = await create("child", { StartAt: "Up", States: { Up: { Type: "Pass", Parameters: { "shout.$": "States.Format('{}!', $.word)" }, End: true } } });
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: "approver" }));
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
      name: "parent", roleArn: parentRole, definition: JSON.stringify({
        StartAt: "Read",
        States: {
          Read: {
            Type: "Task", Resource: "arn:aws:states:::aws-sdk:ssm:getParameter", Parameters: { Name: "/app/greeting" },
            Credentials: { RoleArn: ssmRole }, ResultSelector: { "word.$": "$.Parameter.Value" }, Next: "Child",
          },
          Child: { Type: "Task", Resource: "arn:aws:states:::states:startExecution.sync:2", Parameters: { StateMachineArn: child.stateMachineArn, "Input.$": "$" }, OutputPath: "$.Output", Next: "Approve" },
          Approve: { Type: "Task", Resource: activityArn, ResultPath: "$.approval", Next: "NoGrant" },
          NoGrant: {
            Type: "Task", Resource: "arn:aws:states:::aws-sdk:ssm:getParameter", Parameters: { Name: "/app/greeting" }, End: true,
            Catch: [{ ErrorEquals: ["Ssm.SsmException"], ResultPath: "$.denied", Next: "Done" }],
          },
          Done: { Type: "Succeed" },
        },
      }),
    }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: "w" }));
    assert.deepEqual(JSON.parse(task.input!), { shout: "hello!" });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify("ok") }));
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED", d.cause);
    const out = JSON.parse(d.output!);
    assert.deepEqual([out.shout, out.approval, out.denied.Error], ["hello!", "ok", "Ssm.SsmException"]);
    assert.match(out.denied.Cause, /parent-role\/.* is not authorized to perform: ssm:GetParameter/);
  });

  it("StopExecution aborts a running execution with its error and cause", async () => {
    const { stateMachineArn } = await create("waiter", { StartAt: "W", States: { W: { Type: "Wait", Seconds: 300, End: true } } });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, error: "Halt", cause: "test" }));
    assert.ok(stopDate instanceof Date);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    assert.deepEqual([d.status, d.error, d.cause], ["ABORTED", "Halt", "test"]);
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
    assert.equal(history.events![0]!.type, "ExecutionAborted");
    assert.ok(history.nextToken);
  });

  it("EXPRESS machines run StartSyncExecution; STANDARD ones refuse it", async () => {
    const { stateMachineArn } = await create("sync", {
      StartAt: "P", States: { P: { Type: "Pass", Parameters: { "hash.$": "States.Hash($.s, 'SHA-256')", "parts.$": "States.StringSplit($.s, ',')" }, End: true } },
    }, "EXPRESS");
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: JSON.stringify({ s: "a,b" }) }));
    assert.equal(r.status, "SUCCEEDED");
    assert.match(r.executionArn!, /^arn:aws:states:us-east-1:000000000000:express:sync:/);
    assert.deepEqual(JSON.parse(r.output!).parts, ["a", "b"]);
    await assert.rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn })), { name: "StateMachineTypeNotSupported" });
    const standard = await create("not-sync", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    await assert.rejects(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: standard.stateMachineArn })), { name: "StateMachineTypeNotSupported" });
  });

  it("updates, tags, lists and deletes state machines", async () => {
    const { stateMachineArn } = await create("lifecycle", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const again = await create("lifecycle", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    assert.equal(again.stateMachineArn, stateMachineArn);
    await assert.rejects(create("lifecycle", { StartAt: "Q", States: { Q: { Type: "Pass", End: true } } }), { name: "StateMachineAlreadyExists" });
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: JSON.stringify({ StartAt: "Q", States: { Q: { Type: "Succeed" } } }) }));
    assert.match((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).definition!, /"Q"/);
    await sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: "a", value: "1" }, { key: "b", value: "2" }] }));
    await sfn.send(new UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ["a"] }));
    assert.deepEqual((await sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }))).tags, [{ key: "b", value: "2" }]);
    assert.ok((await sfn.send(new ListStateMachinesCommand({}))).stateMachines!.some((m) => m.name === "lifecycle"));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    await assert.rejects(sfn.send(new DescribeStateMachineCommand({ stateMachineArn })), { name: "StateMachineDoesNotExist" });
  });

  it("a caller without states:StartExecution is refused", async () => {
    const { stateMachineArn } = await create("guarded", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const callerRole = await createRole(tc, "caller", ["states:DescribeStateMachine"], "lambda.amazonaws.com");
    const principal = { accessKeyId: "", arn: `arn:aws:sts::${ACCOUNT}:assumed-role/caller/s`, admin: false, roleArn: callerRole };
    await tc.cloud.stepfunctions.call("DescribeStateMachine", { stateMachineArn }, { principal });
    await assert.rejects(tc.cloud.stepfunctions.call("StartExecution", { stateMachineArn }, { principal }), (e: any) => e.code === "AccessDeniedException" && /not authorized to perform: states:StartExecution/.test(e.message));
  });

  it("an execution running when the cloud stops resumes when it starts again", async () => {
    const { stateMachineArn } = await create("durable", {
      StartAt: "First", States: { First: { Type: "Pass", Result: "one", ResultPath: "$.first", Next: "Pause" }, Pause: { Type: "Wait", Seconds: 1, Next: "Last" }, Last: { Type: "Pass", End: true } },
    });
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{}" }));
    await new Promise((r) => setTimeout(r, 100));
    await tc.cloud.stop();
    tc = await startTestCloud({ dir });
    sfn = new SFNClient({ ...tc.clientConfig, disableHostPrefix: true });
    const d = await finished(sfn, executionArn!);
    assert.equal(d.status, "SUCCEEDED");
    assert.deepEqual(JSON.parse(d.output!), { first: "one" });
  });
});
