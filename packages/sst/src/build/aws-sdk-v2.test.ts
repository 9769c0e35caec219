/**
 * An app importing `aws-sdk` (v2) without declaring it, as SST v2's examples do: the
 * bundle includes the SDK (Node.js 18+ Lambda runtimes lack it), and on the local
 * cloud's Lambda runtime its calls reach the local cloud through AWS_ENDPOINT_URL.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { zipSync } from "fflate";
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { DynamoDBClient, CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { S3Client, CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../../local-cloud/src/testing.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";
import { bundleFunction } from "./bundle.js";

const root = writeApp({
  "src/v2.ts": `
import AWS from "aws-sdk";
import { DynamoDB } from "aws-sdk";
import S3 from "aws-sdk/clients/s3";
export async function handler(event: { queueUrl: string }) {
  const docs = new DynamoDB.DocumentClient();
  await docs.put({ TableName: "Counter", Item: { counter: "hits", tally: 41 } }).promise();
  await docs.update({ TableName: "Counter", Key: { counter: "hits" }, UpdateExpression: "SET tally = tally + :one", ExpressionAttributeValues: { ":one": 1 } }).promise();
  const { Item } = await docs.get({ TableName: "Counter", Key: { counter: "hits" } }).promise();
  await new S3().putObject({ Bucket: "uploads", Key: "hello.txt", Body: "from v2" }).promise();
  await new AWS.SQS().sendMessage({ QueueUrl: event.queueUrl, MessageBody: "queued by v2" }).promise();
  return { tally: Item!.tally, version: AWS.VERSION };
}
`,
});
after(() => removeApp(root));

function zipDir(dir: string): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) files[name] = fs.readFileSync(full);
  }
  return zipSync(files);
}

describe("aws-sdk v2 in a function bundle", () => {
  let tc: TestCloud;
  before(async () => {
    tc = await startTestCloud();
  });
  after(async () => {
    await tc?.stop();
  });

  it("is bundled (not left to the runtime) and reaches the local cloud", async () => {
    const out = path.join(root, ".sst/artifacts/v2");
    const r = await bundleFunction({ id: "v2", handler: "src/v2.handler", runtime: "nodejs22.x" }, root, out);
    assert.ok(r.inputs.some((i) => /[\\/]aws-sdk[\\/]lib[\\/]core\.js$/.test(i)), "the SDK's code is in the bundle");
    assert.doesNotMatch(fs.readFileSync(r.file, "utf8"), /from "aws-sdk"|require\("aws-sdk"\)/);

    const cfg = tc.clientConfig;
    await new DynamoDBClient(cfg).send(new CreateTableCommand({
      TableName: "Counter", BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "counter", AttributeType: "S" }], KeySchema: [{ AttributeName: "counter", KeyType: "HASH" }],
    }));
    const s3 = new S3Client(cfg);
    await s3.send(new CreateBucketCommand({ Bucket: "uploads" }));
    const sqs = new SQSClient(cfg);
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "jobs" }))).QueueUrl!;
    const iam = new IAMClient(cfg);
    await iam.send(new CreateRoleCommand({ RoleName: "v2-role", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "v2-role", PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:*", "s3:*", "sqs:*"], Resource: "*" }] }) }));

    const lambda = new LambdaClient(cfg);
    await lambda.send(new CreateFunctionCommand({
      FunctionName: "v2fn", Role: "arn:aws:iam::000000000000:role/v2-role", Runtime: "nodejs22.x", Handler: `index.${r.exportName}`,
      Timeout: 30, MemorySize: 1024, Code: { ZipFile: zipDir(out) },
    }));
    const res = await lambda.send(new InvokeCommand({ FunctionName: "v2fn", Payload: Buffer.from(JSON.stringify({ queueUrl })) }));
    const payload = JSON.parse(Buffer.from(res.Payload!).toString());
    assert.equal(res.FunctionError, undefined, JSON.stringify(payload));
    assert.equal(payload.tally, 42);
    assert.match(payload.version, /^2\./);
    const obj = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "hello.txt" }));
    assert.equal(await obj.Body!.transformToString(), "from v2");
    const msg = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    assert.equal(msg.Messages?.[0]?.Body, "queued by v2");
    for (const c of [lambda, iam, sqs, s3]) c.destroy();
  });
});
