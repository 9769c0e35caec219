/**
 * The preload `sst bind` gives Node children: aws-sdk v2 loaded from node_modules (a
 * Remix dev server's, not bundled) reaches the local cloud through AWS_ENDPOINT_URL,
 * which v2 itself ignores; without the variable it keeps AWS's endpoints.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { S3Client, CreateBucketCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { startTestCloud, type TestCloud } from "../../../local-cloud/src/testing.js";

const PRELOAD = fileURLToPath(new URL("./aws-sdk-v2-preload.cjs", import.meta.url));
const run = promisify(execFile);

/** Runs `code` (CommonJS) in a Node child with the preload, as `sst bind` starts one. */
async function withPreload(code: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ["-e", code], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    env: { PATH: process.env.PATH, NODE_OPTIONS: `--require ${JSON.stringify(PRELOAD)}`, ...env },
  });
  return stdout.trim();
}

describe("aws-sdk v2 preload for sst bind's children", () => {
  let tc: TestCloud;
  before(async () => {
    tc = await startTestCloud();
    const ddb = new DynamoDBClient(tc.clientConfig);
    await ddb.send(new CreateTableCommand({ TableName: "Counter", AttributeDefinitions: [{ AttributeName: "counter", AttributeType: "S" }], KeySchema: [{ AttributeName: "counter", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
    ddb.destroy();
    const s3 = new S3Client(tc.clientConfig);
    await s3.send(new CreateBucketCommand({ Bucket: "uploads" }));
    s3.destroy();
  });
  after(() => tc.stop());

  it("a DocumentClient and S3 (path-style) from node_modules reach the local cloud", async () => {
    const out = await withPreload(
      `
      const { DynamoDB, S3 } = require("aws-sdk");
      (async () => {
        const docs = new DynamoDB.DocumentClient();
        await docs.update({ TableName: "Counter", Key: { counter: "clicks" }, UpdateExpression: "ADD tally :one", ExpressionAttributeValues: { ":one": 1 } }).promise();
        const { Item } = await docs.get({ TableName: "Counter", Key: { counter: "clicks" } }).promise();
        await new S3().putObject({ Bucket: "uploads", Key: "v2.txt", Body: "from a bound process" }).promise();
        console.log(Item.tally);
      })().catch((e) => { console.error(e); process.exit(1); });
      `,
      { AWS_ENDPOINT_URL: tc.clientConfig.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
    );
    assert.equal(out, "1");
    const s3 = new S3Client(tc.clientConfig);
    const got = await s3.send(new GetObjectCommand({ Bucket: "uploads", Key: "v2.txt" }));
    assert.equal(await got.Body!.transformToString(), "from a bound process");
    s3.destroy();
  });

  it("without AWS_ENDPOINT_URL the SDK keeps AWS's endpoints", async () => {
    const out = await withPreload(`const AWS = require("aws-sdk"); console.log(new AWS.DynamoDB({ region: "us-east-1" }).endpoint.host)`, {});
    assert.equal(out, "dynamodb.us-east-1.amazonaws.com");
  });
});
