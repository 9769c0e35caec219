/** Bad input never crashes the service: every malformed request gets a 4xx, never a 500. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import type { AwsRequest } from "../../types.js";

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
  await tc.cloud.dynamodb.call("CreateTable", {
    TableName: "Fuzz", BillingMode: "PAY_PER_REQUEST", StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
  });
});
after(() => tc.stop());

const OPS = [
  "CreateTable", "DescribeTable", "DeleteTable", "ListTables", "UpdateTable", "UpdateTimeToLive", "DescribeTimeToLive", "TagResource",
  "UntagResource", "ListTagsOfResource", "DescribeContinuousBackups", "UpdateContinuousBackups", "PutItem", "GetItem", "UpdateItem",
  "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems", "ExecuteStatement",
  "BatchExecuteStatement", "ExecuteTransaction",
];
const STREAM_OPS = ["ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"];

const BAD: unknown[] = [
  {}, { TableName: 5 }, { TableName: "Fuzz", Key: 5 }, { TableName: "Fuzz", Key: { pk: { S: 1 }, sk: { N: "x" } } },
  { TableName: "Fuzz", Item: { pk: { S: "a" }, sk: { N: "1" }, x: { Q: 1 } } }, { TableName: "Fuzz", Item: [] },
  { TableName: "Fuzz", Key: { pk: { S: "a" }, sk: { N: "1" } }, UpdateExpression: "SET", ConditionExpression: "((" },
  { TableName: "Fuzz", KeyConditionExpression: 7 }, { TableName: "Fuzz", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": null } },
  { TableName: "Fuzz", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "a" } }, ExclusiveStartKey: "x" },
  { TableName: "Fuzz", Limit: -1, Segment: "a", TotalSegments: {} }, { RequestItems: "x" }, { RequestItems: { Fuzz: "x" } },
  { RequestItems: { Fuzz: [null] } }, { RequestItems: { Fuzz: { Keys: [null] } } }, { TransactItems: "x" }, { TransactItems: [null, 5] },
  { TransactItems: [{ Put: { TableName: "Fuzz" } }] }, { Statement: 5 }, { Statement: "SELECT * FROM" }, { Statements: [null] },
  { TransactStatements: [{ Statement: "DELETE FROM Fuzz WHERE pk = 'a'" }] }, { ResourceArn: 5, Tags: "x" },
  { TableName: "Fuzz", GlobalSecondaryIndexUpdates: [null, { Create: {} }] }, { TableName: "Fuzz", TimeToLiveSpecification: "x" },
  { StreamArn: "arn:aws:dynamodb:us-east-1:000000000000:table/Fuzz/stream/x", ShardId: 5, ShardIteratorType: "LATEST" },
  { ShardIterator: Buffer.from('{"a":1}').toString("base64") }, { ShardIterator: 5, Limit: "x" },
  { TableName: "Fuzz", AttributeDefinitions: "x", KeySchema: [{}] }, { TableName: "Fuzz", KeySchema: [{ KeyType: "HASH", AttributeName: "pk" }], AttributeDefinitions: [null] },
];

function request(target: string, body: string): AwsRequest {
  return {
    requestId: "fuzz", method: "POST", path: "/", query: new URLSearchParams(), headers: { "x-amz-target": target },
    body: Buffer.from(body), service: "dynamodb", region: "us-east-1",
    principal: { accessKeyId: "test", arn: "arn:aws:iam::000000000000:root", admin: true },
  };
}

test("malformed requests get client errors", async () => {
  const failures: string[] = [];
  for (const [prefix, ops] of [["DynamoDB_20120810", OPS], ["DynamoDBStreams_20120810", STREAM_OPS]] as const) {
    for (const op of ops) {
      for (const input of [...BAD, "[]", "null", "\"x\""]) {
        const body = typeof input === "string" ? input : JSON.stringify(input);
        const res = await tc.cloud.dynamodb.handle(request(`${prefix}.${op}`, body));
        if (res.status >= 500) failures.push(`${op} ${body} → ${res.status} ${String(res.body)}`);
      }
    }
  }
  // The table survived the barrage (DeleteTable with bad input must not have deleted it... unless valid).
  assert.deepEqual(failures, []);
});
