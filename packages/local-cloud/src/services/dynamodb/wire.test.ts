/** Wire shapes (status, __type, message) through DynamoDbService.handle, and IAM and durability. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { LocalCloud } from "../../cloud.js";
import type { AwsRequest } from "../../types.js";

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
  await tc.cloud.dynamodb.call("CreateTable", {
    TableName: "Tbl", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST",
  });
});
after(() => tc.stop());

function request(target: string, body: unknown): AwsRequest {
  return {
    requestId: "req-1", method: "POST", path: "/", query: new URLSearchParams(),
    headers: { "x-amz-target": target, "content-type": "application/x-amz-json-1.0" },
    body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)), service: "dynamodb", region: "us-east-1",
    principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
  };
}

async function send(target: string, body: unknown) {
  const res = await tc.cloud.dynamodb.handle(request(target, body));
  return { status: res.status, body: JSON.parse(String(res.body)) };
}

test("error __type prefixes and statuses", async () => {
  let r = await send("DynamoDB_20120810.GetItem", { TableName: "Missing", Key: { id: { S: "x" } } });
  assert.deepEqual(r, { status: 400, body: { __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "Requested resource not found" } });
  r = await send("DynamoDB_20120810.GetItem", { TableName: "Tbl", Key: { nope: { S: "x" } } });
  assert.deepEqual(r, { status: 400, body: { __type: "com.amazon.coral.validate#ValidationException", message: "The provided key element does not match the schema" } });
  r = await send("DynamoDB_20120810.Frobnicate", {});
  assert.equal(r.body.__type, "com.amazon.coral.service#UnknownOperationException");
  r = await send("DynamoDB_20120810.PutItem", "{not json");
  assert.equal(r.body.__type, "com.amazon.coral.service#SerializationException");
  r = await send("DynamoDB_20120810.PutItem", { TableName: "Tbl", Item: { id: { S: "" } } });
  assert.match(r.body.message, /cannot contain an empty string value. Key: id/);
  r = await send("DynamoDB_20120810.PutItem", { TableName: "Tbl", Item: { id: { S: "a" }, big: { S: "x".repeat(400 * 1024) } } });
  assert.equal(r.body.message, "Item size has exceeded the maximum allowed size");
  r = await send("DynamoDB_20120810.PutItem", { TableName: "Tbl", Item: { id: { S: "a" }, s: { SS: ["a", "a"] } } });
  assert.match(r.body.message, /contains duplicates/);
  r = await send("DynamoDB_20120810.UpdateItem", { TableName: "Tbl", Key: { id: { S: "a" } }, UpdateExpression: "SET id = :v", ExpressionAttributeValues: { ":v": { S: "b" } } });
  assert.equal(r.body.message, "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key");
  r = await send("DynamoDBStreams_20120810.GetRecords", { ShardIterator: "garbage" });
  assert.equal(r.status, 400);
  assert.equal(r.body.__type, "com.amazon.coral.validate#ValidationException");
});

test("legacy parameters run through the same evaluator", async () => {
  await send("DynamoDB_20120810.PutItem", { TableName: "Tbl", Item: { id: { S: "L" }, n: { N: "5" } } });
  let r = await send("DynamoDB_20120810.PutItem", { TableName: "Tbl", Item: { id: { S: "L" } }, Expected: { n: { Value: { N: "6" } } } });
  assert.equal(r.body.__type, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");
  r = await send("DynamoDB_20120810.UpdateItem", { TableName: "Tbl", Key: { id: { S: "L" } }, AttributeUpdates: { n: { Action: "ADD", Value: { N: "2" } } }, ReturnValues: "ALL_NEW" });
  assert.deepEqual(r.body.Attributes.n, { N: "7" });
  r = await send("DynamoDB_20120810.Scan", { TableName: "Tbl", ScanFilter: { n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "6" }] } }, AttributesToGet: ["id"] });
  assert.deepEqual(r.body.Items, [{ id: { S: "L" } }]);
});

test("a role session without a policy is denied with AccessDeniedException", async () => {
  const principal = { accessKeyId: "ASIA1", arn: "arn:aws:sts::000000000000:assumed-role/fn/s", admin: false, roleArn: "arn:aws:iam::000000000000:role/fn" };
  await assert.rejects(tc.cloud.dynamodb.call("GetItem", { TableName: "Tbl", Key: { id: { S: "x" } } }, { principal }), (e: any) => {
    assert.equal(e.code, "AccessDeniedException");
    assert.equal(e.status, 400);
    assert.match(e.message, /is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/Tbl/);
    return true;
  });
});

test("acknowledged writes survive kill -9", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ddb-durable-"));
  const script = `
    import { LocalCloud } from ${JSON.stringify(new URL("../../cloud.ts", import.meta.url).href)};
    const cloud = await LocalCloud.start({ dir: ${JSON.stringify(dir)}, port: 0 });
    await cloud.dynamodb.call("CreateTable", { TableName: "Dur", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" });
    for (let i = 0; i < 200; i++) await cloud.dynamodb.call("PutItem", { TableName: "Dur", Item: { id: { S: "k" + i } } });
    process.kill(process.pid, "SIGKILL");
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: process.cwd(), encoding: "utf8", timeout: 60000 });
  assert.equal(child.signal, "SIGKILL", child.stderr);
  const cloud = await LocalCloud.start({ dir, port: 0 });
  try {
    const r = await cloud.dynamodb.call("Scan", { TableName: "Dur", Select: "COUNT" });
    assert.equal(r.Count, 200);
  } finally {
    await cloud.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
