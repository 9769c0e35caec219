/**
 * Asynchronous invocation settings through the Lambda API (SDK v3): validation,
 * retries as configured, on-failure and on-success destination records in SQS, and
 * resource-tag conditions on Lambda actions.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import {
  LambdaClient, CreateFunctionCommand, InvokeCommand, PutFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand, DeleteFunctionEventInvokeConfigCommand, ListFunctionEventInvokeConfigsCommand,
} from "@aws-sdk/client-lambda";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { createPollerRole, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let lambda: LambdaClient;
let sqs: SQSClient;
const ROLE = "arn:aws:iam::000000000000:role/fn-role";
const QUEUE_ARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

before(async () => {
  tc = await startTestCloud();
  await createPollerRole(tc.cloud, "fn-role");
  lambda = new LambdaClient(tc.clientConfig);
  sqs = new SQSClient(tc.clientConfig);
  // Retries a few milliseconds apart, so the test sees them.
  ((tc.cloud.lambda as any).asyncInvoker.retryDelaysMs as number[]).splice(0, 2, 10, 10);
});
after(async () => {
  lambda?.destroy();
  sqs?.destroy();
  await tc?.stop();
});

async function create(name: string, code: string, tags?: Record<string, string>) {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Tags: tags,
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(code) }) },
  }));
}

async function queue(name: string): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
}

async function receive(url: string): Promise<any> {
  for (let i = 0; i < 20; i++) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
    if (r.Messages?.length) return JSON.parse(r.Messages[0]!.Body!);
  }
  throw new Error(`no message in ${url}`);
}

test("Put/Get/Update/List/Delete with Lambda's validation", async () => {
  await create("cfg-fn", "export const handler = async () => 1;");
  const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn", MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600 }));
  assert.equal(put.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:cfg-fn:$LATEST");
  assert.ok(put.LastModified instanceof Date);
  const upd = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn", DestinationConfig: { OnFailure: { Destination: QUEUE_ARN("x") } } }));
  assert.equal(upd.MaximumRetryAttempts, 1, "update keeps what it does not name");
  assert.equal(upd.DestinationConfig?.OnFailure?.Destination, QUEUE_ARN("x"));
  const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn" }));
  assert.equal(got.MaximumEventAgeInSeconds, 600);
  const list = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: "cfg-fn" }));
  assert.equal(list.FunctionEventInvokeConfigs?.length, 1);
  await assert.rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn", MaximumRetryAttempts: 3 })),
    { name: "ValidationException", message: /maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2/ });
  await assert.rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn", DestinationConfig: { OnFailure: { Destination: "arn:aws:s3:::bucket" } } })),
    { name: "InvalidParameterValueException" });
  await assert.rejects(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "nope", MaximumRetryAttempts: 0 })), { name: "ResourceNotFoundException" });
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn" }));
  await assert.rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "cfg-fn" })),
    { name: "ResourceNotFoundException", message: "The function arn:aws:lambda:us-east-1:000000000000:function:cfg-fn:$LATEST doesn't have an EventInvokeConfig" });
});

test("a failed Event invocation is retried MaximumRetryAttempts times, then recorded at the on-failure destination", async () => {
  await create("fails", `let n = 0; export const handler = async (e) => { n++; throw new Error("attempt " + n + " of " + e.id); };`);
  const url = await queue("failures");
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "fails", MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: QUEUE_ARN("failures") } } }));
  const out = await lambda.send(new InvokeCommand({ FunctionName: "fails", InvocationType: "Event", Payload: Buffer.from(`{"id":"e1"}`) }));
  assert.equal(out.StatusCode, 202);
  const record = await receive(url);
  assert.equal(record.version, "1.0");
  assert.deepEqual(record.requestPayload, { id: "e1" });
  assert.equal(record.requestContext.functionArn, "arn:aws:lambda:us-east-1:000000000000:function:fails:$LATEST");
  assert.equal(record.requestContext.condition, "RetriesExhausted");
  assert.equal(record.requestContext.approximateInvokeCount, 2);
  assert.equal(record.responseContext.functionError, "Unhandled");
  assert.equal(record.responsePayload.errorMessage, "attempt 2 of e1");
});

test("a successful Event invocation is recorded at the on-success destination", async () => {
  await create("works", `export const handler = async (e) => ({ doubled: e.n * 2 });`);
  const url = await queue("successes");
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: "works", DestinationConfig: { OnSuccess: { Destination: QUEUE_ARN("successes") } } }));
  await lambda.send(new InvokeCommand({ FunctionName: "works", InvocationType: "Event", Payload: Buffer.from(`{"n":21}`) }));
  const record = await receive(url);
  assert.equal(record.requestContext.condition, "Success");
  assert.equal(record.requestContext.approximateInvokeCount, 1);
  assert.deepEqual(record.responsePayload, { doubled: 42 });
});

test("aws:ResourceTag conditions on Lambda actions see the function's tags", async () => {
  await create("tagged", "export const handler = async () => 1;", { "sst:app": "my-app", "sst:stage": "dev" });
  await create("other", "export const handler = async () => 1;", { "sst:app": "other-app", "sst:stage": "dev" });
  const iam = new IAMClient(tc.clientConfig);
  await iam.send(new CreateRoleCommand({ RoleName: "caller", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }));
  await iam.send(new PutRolePolicyCommand({
    RoleName: "caller", PolicyName: "p",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["lambda:GetFunction"], Resource: "arn:aws:lambda:us-east-1:000000000000:function:*", Condition: { StringEquals: { "aws:ResourceTag/sst:app": "my-app", "aws:ResourceTag/sst:stage": "dev" } } }] }),
  }));
  iam.destroy();
  await lambda.send(new CreateFunctionCommand({
    FunctionName: "caller", Role: "arn:aws:iam::000000000000:role/caller", Runtime: "nodejs20.x", Handler: "index.handler",
    Code: { ZipFile: zipSync({ "index.mjs": strToU8(`import { LambdaClient, GetFunctionCommand } from "@aws-sdk/client-lambda";
      const c = new LambdaClient({});
      export const handler = async (e) => { try { await c.send(new GetFunctionCommand({ FunctionName: e.name })); return "allowed"; } catch (err) { return err.name; } };`) }) },
  }));
  const call = async (name: string) => JSON.parse(Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: "caller", Payload: Buffer.from(JSON.stringify({ name })) }))).Payload!).toString());
  assert.equal(await call("tagged"), "allowed");
  assert.equal(await call("other"), "AccessDeniedException");
});
