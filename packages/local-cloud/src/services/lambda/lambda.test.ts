import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import {
  LambdaClient,
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  PublishVersionCommand,
  CreateAliasCommand,
  ListVersionsByFunctionCommand,
  AddPermissionCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  DeleteFunctionCommand,
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  ListTagsCommand,
  TagResourceCommand,
} from "@aws-sdk/client-lambda";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { S3Client, CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createPollerRole, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let lambda: LambdaClient;
const ROLE = "arn:aws:iam::000000000000:role/fn-role";

before(async () => {
  tc = await startTestCloud();
  await createPollerRole(tc.cloud, "fn-role");
  lambda = new LambdaClient(tc.clientConfig);
});
after(async () => {
  lambda?.destroy();
  await tc?.stop();
});

const zip = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
const text = (p?: Uint8Array) => Buffer.from(p ?? []).toString();

async function create(name: string, code: string, extra: Record<string, unknown> = {}) {
  return lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: ROLE,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zip({ "index.mjs": code }) },
      ...extra,
    }),
  );
}

test("CreateFunction with a zip, then Get/List/Invoke through the SDK", async () => {
  const created = await create("hello", `export const handler = async (e) => ({ hello: e.name, v: process.env.VER });`, {
    Environment: { Variables: { VER: "1" } },
    Timeout: 5,
    MemorySize: 256,
  });
  assert.equal(created.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:hello");
  assert.equal(created.State, "Active");
  assert.equal(created.Version, "$LATEST");
  assert.match(created.CodeSha256!, /^[A-Za-z0-9+/]{43}=$/);
  assert.ok(created.CodeSize! > 0);

  const got = await lambda.send(new GetFunctionCommand({ FunctionName: "hello" }));
  assert.equal(got.Configuration?.MemorySize, 256);
  assert.equal(got.Configuration?.Timeout, 5);
  assert.deepEqual(got.Configuration?.Environment?.Variables, { VER: "1" });

  const list = await lambda.send(new ListFunctionsCommand({}));
  assert.ok(list.Functions?.some((f) => f.FunctionName === "hello"));

  const out = await lambda.send(new InvokeCommand({ FunctionName: "hello", Payload: Buffer.from(JSON.stringify({ name: "sst" })), LogType: "Tail" }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, undefined);
  assert.equal(out.ExecutedVersion, "$LATEST");
  assert.deepEqual(JSON.parse(text(out.Payload)), { hello: "sst", v: "1" });
  const tail = Buffer.from(out.LogResult!, "base64").toString();
  assert.match(tail, /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n/);
  assert.match(tail, /REPORT RequestId: /);

  // By ARN and partial ARN too.
  const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:hello" }));
  assert.equal(byArn.FunctionName, "hello");
  const byPartial = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "000000000000:function:hello" }));
  assert.equal(byPartial.FunctionName, "hello");
});

test("errors carry Lambda's code, status and message", async () => {
  await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: "nope" })), (e: any) => {
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.$metadata.httpStatusCode, 404);
    assert.equal(e.message, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");
    return true;
  });
  await create("dupe", `export const handler = async () => 1;`);
  await assert.rejects(create("dupe", `export const handler = async () => 1;`), (e: any) => {
    assert.equal(e.name, "ResourceConflictException");
    assert.equal(e.$metadata.httpStatusCode, 409);
    assert.equal(e.message, "Function already exist: dupe");
    return true;
  });
  await assert.rejects(
    lambda.send(new CreateFunctionCommand({ FunctionName: "badzip", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: Buffer.from("not a zip") } })),
    (e: any) => e.name === "InvalidParameterValueException" && /Could not unzip uploaded file/.test(e.message) && e.$metadata.httpStatusCode === 400,
  );
  await assert.rejects(
    lambda.send(new CreateFunctionCommand({ FunctionName: "badruntime", Role: ROLE, Runtime: "nodejs12.x" as any, Handler: "index.handler", Code: { ZipFile: zip({ "index.js": "" }) } })),
    (e: any) => e.name === "InvalidParameterValueException" && /nodejs12\.x is no longer supported/.test(e.message),
  );
  await assert.rejects(
    lambda.send(new CreateFunctionCommand({ FunctionName: "bad name!", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zip({ "index.js": "" }) } })),
    (e: any) => e.name === "ValidationException" && /at 'functionName' failed to satisfy constraint/.test(e.message),
  );
  await assert.rejects(
    lambda.send(new CreateFunctionCommand({ FunctionName: "reserved", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zip({ "index.js": "" }) }, Environment: { Variables: { AWS_REGION: "x" } } })),
    (e: any) => e.name === "InvalidParameterValueException" && /Reserved keys used in this request: AWS_REGION/.test(e.message),
  );
  await assert.rejects(
    lambda.send(new InvokeCommand({ FunctionName: "dupe", Payload: Buffer.alloc(6_291_457, 32) })),
    (e: any) => e.name === "RequestTooLargeException" && e.$metadata.httpStatusCode === 413,
  );
  await assert.rejects(
    lambda.send(new InvokeCommand({ FunctionName: "dupe", Payload: Buffer.from("{not json") })),
    (e: any) => e.name === "InvalidRequestContentException" && e.$metadata.httpStatusCode === 400,
  );
});

test("a failing function answers 200 with FunctionError Unhandled and the error document", async () => {
  await create("boom", `export const handler = async () => { throw new Error("kaput"); };`);
  const out = await lambda.send(new InvokeCommand({ FunctionName: "boom" }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, "Unhandled");
  const doc = JSON.parse(text(out.Payload));
  assert.equal(doc.errorType, "Error");
  assert.equal(doc.errorMessage, "kaput");
  assert.ok(Array.isArray(doc.trace));
});

test("updates take effect on the next invocation; versions and aliases pin code", async () => {
  await create("evolve", `export const handler = async () => "v1:" + process.env.STAGE;`, { Environment: { Variables: { STAGE: "a" } } });
  const invoke = async (q?: string) => JSON.parse(text((await lambda.send(new InvokeCommand({ FunctionName: "evolve", Qualifier: q }))).Payload));
  assert.equal(await invoke(), "v1:a");
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: "evolve" }));
  assert.equal(v1.Version, "1");
  assert.equal(v1.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:evolve:1");
  await lambda.send(new CreateAliasCommand({ FunctionName: "evolve", Name: "live", FunctionVersion: "1" }));

  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "evolve", Environment: { Variables: { STAGE: "b" } } }));
  assert.equal(await invoke(), "v1:b");
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "evolve", ZipFile: zip({ "index.mjs": `export const handler = async () => "v2:" + process.env.STAGE;` }) }));
  assert.equal(await invoke(), "v2:b");
  assert.equal(await invoke("1"), "v1:a");
  assert.equal(await invoke("live"), "v1:a");
  const out = await lambda.send(new InvokeCommand({ FunctionName: "evolve:live" }));
  assert.equal(out.ExecutedVersion, "1");
  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "evolve" }));
  assert.deepEqual(versions.Versions?.map((v) => v.Version), ["$LATEST", "1"]);
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: "evolve", Qualifier: "7" })), (e: any) => e.name === "ResourceNotFoundException" && /function:evolve:7$/.test(e.message));
});

test("permissions: AddPermission, GetPolicy, RemovePermission", async () => {
  await create("guarded", `export const handler = async () => 1;`);
  const added = await lambda.send(
    new AddPermissionCommand({ FunctionName: "guarded", StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "apigateway.amazonaws.com", SourceArn: "arn:aws:execute-api:us-east-1:000000000000:abc/*" }),
  );
  const statement = JSON.parse(added.Statement!);
  assert.deepEqual(statement.Principal, { Service: "apigateway.amazonaws.com" });
  assert.equal(statement.Resource, "arn:aws:lambda:us-east-1:000000000000:function:guarded");
  assert.deepEqual(statement.Condition, { ArnLike: { "AWS:SourceArn": "arn:aws:execute-api:us-east-1:000000000000:abc/*" } });
  await assert.rejects(
    lambda.send(new AddPermissionCommand({ FunctionName: "guarded", StatementId: "apigw", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com" })),
    (e: any) => e.name === "ResourceConflictException" && e.$metadata.httpStatusCode === 409,
  );
  const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: "guarded" }))).Policy!);
  assert.equal(policy.Statement.length, 1);
  await lambda.send(new RemovePermissionCommand({ FunctionName: "guarded", StatementId: "apigw" }));
  await assert.rejects(lambda.send(new GetPolicyCommand({ FunctionName: "guarded" })), (e: any) => e.name === "ResourceNotFoundException");
  await assert.rejects(lambda.send(new RemovePermissionCommand({ FunctionName: "guarded", StatementId: "apigw" })), (e: any) => e.name === "ResourceNotFoundException");
});

test("tags", async () => {
  const fn = await create("tagged", `export const handler = async () => 1;`, { Tags: { app: "my-app" } });
  await lambda.send(new TagResourceCommand({ Resource: fn.FunctionArn, Tags: { stage: "dev" } }));
  const tags = await lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn }));
  assert.deepEqual(tags.Tags, { app: "my-app", stage: "dev" });
});

test("Event invocations answer 202 and run in the background, retrying failures twice", async () => {
  await create("async-fn", `let n = 0; export const handler = async (e) => { n++; if (e.fail) throw new Error("try " + n); return n; };`);
  const service = tc.cloud.lambda as any;
  const ends: any[] = [];
  const onEnd = (e: any) => e.functionName === "async-fn" && ends.push(e);
  tc.cloud.events.on("lambda:end", onEnd);
  const ok = await lambda.send(new InvokeCommand({ FunctionName: "async-fn", InvocationType: "Event", Payload: Buffer.from("{}") }));
  assert.equal(ok.StatusCode, 202);
  await service.asyncInvoker.drain();
  assert.equal(ends.length, 1);
  assert.equal(ends[0].status, "success");

  // Shorten the retry delays for the test.
  (service.asyncInvoker as any).retryDelaysMs.splice(0, 2, 10, 10);
  await lambda.send(new InvokeCommand({ FunctionName: "async-fn", InvocationType: "Event", Payload: Buffer.from(`{"fail":true}`) }));
  await service.asyncInvoker.drain();
  tc.cloud.events.off("lambda:end", onEnd);
  const failed = ends.slice(1);
  assert.equal(failed.length, 3);
  assert.ok(failed.every((e) => e.status === "error" && e.requestId === failed[0].requestId));
});

test("functions call other services with credentials of their own role", async () => {
  await create(
    "whoami",
    `import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
     export const handler = async () => (await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn;`,
  );
  const out = await lambda.send(new InvokeCommand({ FunctionName: "whoami" }));
  assert.equal(out.FunctionError, undefined, text(out.Payload));
  assert.equal(JSON.parse(text(out.Payload)), "arn:aws:sts::000000000000:assumed-role/fn-role/whoami");
});

test("event source mappings: create, get, list, update, delete", async () => {
  await create("consumer", `export const handler = async () => {};`);
  const queueArn = "arn:aws:sqs:us-east-1:000000000000:no-such-queue";
  const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "consumer", EventSourceArn: queueArn, BatchSize: 5, Enabled: false }));
  assert.equal(created.State, "Creating");
  assert.equal(created.BatchSize, 5);
  assert.equal(created.FunctionArn, "arn:aws:lambda:us-east-1:000000000000:function:consumer");
  assert.ok(created.LastModified instanceof Date);
  await assert.rejects(
    lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "consumer", EventSourceArn: queueArn })),
    (e: any) => e.name === "ResourceConflictException" && e.message.includes(created.UUID!),
  );
  await assert.rejects(
    lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "consumer", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:other", BatchSize: 50 })),
    (e: any) => e.name === "InvalidParameterValueException" && /Maximum batch window/.test(e.message),
  );
  const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID }));
  assert.equal(got.State, "Disabled");
  const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: "consumer" }));
  assert.deepEqual(listed.EventSourceMappings?.map((m) => m.UUID), [created.UUID]);
  const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, BatchSize: 7 }));
  assert.equal(updated.BatchSize, 7);
  assert.equal(updated.State, "Updating");
  const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
  assert.equal(deleted.State, "Deleting");
  await assert.rejects(lambda.send(new GetEventSourceMappingCommand({ UUID: created.UUID })), (e: any) => e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 404);
});

test("DeleteFunction removes it and its unpacked code", async () => {
  await create("doomed", `export const handler = async () => "unique code of doomed";`);
  const service = tc.cloud.lambda as any;
  const codeDir = service.store.getFunction("doomed").codeDir;
  const { existsSync } = await import("node:fs");
  assert.ok(existsSync(codeDir));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: "doomed" }));
  assert.equal(existsSync(codeDir), false);
  await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: "doomed" })), (e: any) => e.name === "ResourceNotFoundException");
  await assert.rejects(lambda.send(new DeleteFunctionCommand({ FunctionName: "doomed" })), (e: any) => e.name === "ResourceNotFoundException");
});

test("IAM: a function may call only what its role's policies allow", async () => {
  const iam = new IAMClient(tc.clientConfig);
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: "lister",
      AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
    }),
  );
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "lister",
      Role: role.Role!.Arn,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: {
        ZipFile: zip({
          "index.mjs": `import { SQSClient, ListQueuesCommand } from "@aws-sdk/client-sqs";
            export const handler = async () => { const r = await new SQSClient({}).send(new ListQueuesCommand({})); return r.QueueUrls ?? []; };`,
        }),
      },
    }),
  );
  const denied = await lambda.send(new InvokeCommand({ FunctionName: "lister" }));
  assert.equal(denied.FunctionError, "Unhandled");
  const doc = JSON.parse(text(denied.Payload));
  assert.match(doc.errorMessage, /assumed-role\/lister\/lister is not authorized to perform: sqs:listqueues/i);
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: "lister",
      PolicyName: "list",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:ListQueues", Resource: "*" }] }),
    }),
  );
  const allowed = await lambda.send(new InvokeCommand({ FunctionName: "lister" }));
  assert.equal(allowed.FunctionError, undefined, text(allowed.Payload));
  iam.destroy();
});

test("code from S3", async () => {
  const s3 = new S3Client(tc.clientConfig);
  await s3.send(new CreateBucketCommand({ Bucket: "assets" }));
  await s3.send(new PutObjectCommand({ Bucket: "assets", Key: "fn.zip", Body: zip({ "lib/main.js": `exports.go = async () => "from s3";` }) }));
  await lambda.send(new CreateFunctionCommand({ FunctionName: "s3code", Role: ROLE, Runtime: "nodejs18.x", Handler: "lib/main.go", Code: { S3Bucket: "assets", S3Key: "fn.zip" } }));
  const out = await lambda.send(new InvokeCommand({ FunctionName: "s3code" }));
  assert.equal(JSON.parse(text(out.Payload)), "from s3");
  await assert.rejects(
    lambda.send(new CreateFunctionCommand({ FunctionName: "s3missing", Role: ROLE, Runtime: "nodejs18.x", Handler: "a.b", Code: { S3Bucket: "assets", S3Key: "nope.zip" } })),
    (e: any) => e.name === "InvalidParameterValueException" && /Error occurred while GetObject. S3 Error Code: NoSuchKey/.test(e.message),
  );
  s3.destroy();
});

test("the wire error shape: x-amzn-ErrorType header and {Type, message} body", async () => {
  const service = tc.cloud.lambda as any;
  const res = await service.handle({
    requestId: "r-1",
    method: "GET",
    path: "/2015-03-31/functions/missing-fn",
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.alloc(0),
    service: "lambda",
    region: "us-east-1",
    principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
  });
  assert.equal(res.status, 404);
  assert.equal(res.headers["x-amzn-errortype"], "ResourceNotFoundException");
  assert.deepEqual(JSON.parse(res.body), { Type: "User", message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing-fn" });
  const bad = await service.handle({
    requestId: "r-2", method: "POST", path: "/2015-03-31/functions", query: new URLSearchParams(), headers: {}, body: Buffer.from("{oops"),
    service: "lambda", region: "us-east-1", principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers["x-amzn-errortype"], "InvalidRequestContentException");
});

test("invocation logs land in CloudWatch Logs under /aws/lambda/{name}", async () => {
  await create("chatty", `export const handler = async () => { console.log("hello logs"); return 1; };`);
  const out = await lambda.send(new InvokeCommand({ FunctionName: "chatty" }));
  assert.equal(out.StatusCode, 200);
  const service = tc.cloud.lambda as any;
  await service.runtime.logs.flush();
  const logs = tc.cloud.logs as any;
  const streams = await logs.call("DescribeLogStreams", { logGroupName: "/aws/lambda/chatty" });
  assert.equal(streams.logStreams.length, 1);
  assert.match(streams.logStreams[0].logStreamName, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  const events = await logs.call("GetLogEvents", { logGroupName: "/aws/lambda/chatty", logStreamName: streams.logStreams[0].logStreamName, startFromHead: true });
  const messages = events.events.map((e: any) => e.message);
  assert.match(messages[0], /^START RequestId: /);
  assert.ok(messages.some((m: string) => /\tINFO\thello logs$/.test(m)));
  assert.match(messages[messages.length - 1], /^REPORT RequestId: /);
});

test("sst dev surface: invoke(), setCodeResolver() and recycle()", async () => {
  await create("devfn", `export const handler = async (e) => "deployed:" + e.n;`);
  const service = tc.cloud.lambda as any;
  const first = await service.invoke("devfn", { n: 1 });
  assert.equal(first.statusCode, 200);
  assert.equal(JSON.parse(first.payload.toString()), "deployed:1");
  assert.match(Buffer.from(first.logResult, "base64").toString(), /REPORT RequestId/);

  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "devsrc-"));
  const file = join(dir, "handler.mjs");
  writeFileSync(file, `export const main = async (e) => "source:" + e.n + ":" + process.env.AWS_LAMBDA_FUNCTION_NAME;`);
  service.setCodeResolver(async (fn: any) => (fn.functionName === "devfn" ? { file, exportName: "main", version: "1" } : undefined));
  try {
    const dev = await service.invoke("devfn", { n: 2 });
    assert.equal(JSON.parse(dev.payload.toString()), "source:2:devfn");
    const failing = await service.invoke("boom", {});
    assert.equal(failing.functionError, "Unhandled");
    const queued = await service.invoke("devfn", { n: 3 }, { invocationType: "Event" });
    assert.equal(queued.statusCode, 202);
    await service.asyncInvoker.drain();
    service.recycle("devfn");
    assert.equal(service.runtime.workerCount("devfn"), 0);
  } finally {
    service.setCodeResolver(undefined);
  }
  assert.equal(JSON.parse((await service.invoke("devfn", { n: 4 })).payload.toString()), "deployed:4");
});

test("a mapping whose function's role cannot poll the source is refused, as Lambda does", async () => {
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = await tc.cloud.iam.call("CreateRole", { RoleName: "cannot-poll", AssumeRolePolicyDocument: trust });
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "cannot-poll",
      Role: role.Role.Arn,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zip({ "index.mjs": "export const handler = async () => {};" }) },
    }),
  );
  const queueArn = "arn:aws:sqs:us-east-1:000000000000:cannot-poll-queue";
  await assert.rejects(
    lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "cannot-poll", EventSourceArn: queueArn })),
    (err: any) =>
      err.name === "InvalidParameterValueException" &&
      err.$metadata.httpStatusCode === 400 &&
      /The provided execution role does not have permissions to call ReceiveMessage on SQS/.test(err.message),
  );
  const streamArn = "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000";
  await assert.rejects(
    lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "cannot-poll", EventSourceArn: streamArn, StartingPosition: "LATEST" })),
    /Cannot access stream .*GetRecords, GetShardIterator, DescribeStream, and ListStreams/,
  );
  // Once the role may read the queue, the same mapping is accepted.
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: queueArn }] };
  await tc.cloud.iam.call("PutRolePolicy", { RoleName: "cannot-poll", PolicyName: "read", PolicyDocument: JSON.stringify(policy) });
  const ok = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "cannot-poll", EventSourceArn: queueArn, Enabled: false }));
  assert.ok(ok.UUID);
});
