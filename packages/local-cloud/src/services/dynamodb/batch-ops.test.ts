/**
 * BatchGetItem answers stored item texts without parsing them (Responses is one JSON
 * text) unless a projection applies; BatchWriteItem reads only the replaced items' sizes
 * on tables without indexes or stream. Both must answer and count as before.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import type { DynamoDbService } from "./index.js";

let tc: TestCloud;
let ddb: DynamoDbService;
const S = (s: string) => ({ S: s });
const N = (n: number) => ({ N: String(n) });

before(async () => {
  tc = await startTestCloud();
  ddb = tc.cloud.dynamodb;
  for (const TableName of ["BatchA", "BatchB"]) {
    await ddb.call("CreateTable", { TableName, BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] });
  }
});
after(() => tc.stop());

test("BatchWriteItem then BatchGetItem over two tables, with and without projection", async () => {
  await ddb.call("BatchWriteItem", {
    RequestItems: {
      BatchA: [1, 2, 3, 4].map((i) => ({ PutRequest: { Item: { id: S(`a${i}`), n: N(i), m: { M: { x: S("y") } } } } })),
      BatchB: [1, 2].map((i) => ({ PutRequest: { Item: { id: S(`b${i}`), big: S("z".repeat(5000 * i)) } } })),
    },
  });
  // Replace one, delete one, delete one that does not exist.
  await ddb.call("BatchWriteItem", {
    RequestItems: {
      BatchA: [{ PutRequest: { Item: { id: S("a1"), n: N(10) } } }, { DeleteRequest: { Key: { id: S("a2") } } }, { DeleteRequest: { Key: { id: S("nope") } } }],
    },
  });
  const got = await ddb.call("BatchGetItem", {
    ReturnConsumedCapacity: "TOTAL",
    RequestItems: {
      BatchA: { Keys: ["a1", "a2", "a3"].map((id) => ({ id: S(id) })), ProjectionExpression: "id, #m.x", ExpressionAttributeNames: { "#m": "m" } },
      BatchB: { Keys: ["b2", "b1", "b9"].map((id) => ({ id: S(id) })), ConsistentRead: true },
    },
  });
  assert.deepEqual(got.Responses, {
    BatchA: [{ id: S("a1") }, { id: S("a3"), m: { M: { x: S("y") } } }],
    BatchB: [{ id: S("b2"), big: S("z".repeat(10000)) }, { id: S("b1"), big: S("z".repeat(5000)) }],
  });
  assert.deepEqual(got.UnprocessedKeys, {});
  // Eventually consistent: 3 × 0.5; consistent: 3 + 2 + 1 (two 4 KB units for b2, a miss still costs 1).
  assert.deepEqual(got.ConsumedCapacity, [{ TableName: "BatchA", CapacityUnits: 1.5 }, { TableName: "BatchB", CapacityUnits: 6 }]);
  const empty = await ddb.call("BatchGetItem", { RequestItems: { BatchA: { Keys: [{ id: S("none") }] } } });
  assert.deepEqual(empty.Responses, { BatchA: [] });
  const a = (await ddb.call("DescribeTable", { TableName: "BatchA" })).Table;
  const scan = await ddb.call("Scan", { TableName: "BatchA", ReturnConsumedCapacity: "TOTAL" });
  assert.equal(a.ItemCount, 3);
  assert.equal(scan.Count, 3);
  // a1 {id, n: 10} = 4 + 3; a3 and a4 {id, n, m: {x}} = 4 + 3 + (1 + 3 + 1 + 1 + 1) each.
  assert.equal(a.TableSizeBytes, 7 + 2 * 14);
});

test("BatchGetItem over HTTP is valid JSON with the stored items", async () => {
  const res = await ddb.handle({
    requestId: "r1", method: "POST", path: "/", query: new URLSearchParams(), service: "dynamodb", region: "us-east-1",
    headers: { "x-amz-target": "DynamoDB_20120810.BatchGetItem" },
    body: Buffer.from(JSON.stringify({ RequestItems: { BatchB: { Keys: [{ id: S("b1") }] }, BatchA: { Keys: [{ id: S("a3") }] } } })),
    principal: tc.cloud.adminContext().principal,
  });
  assert.equal(res.status, 200);
  const body = JSON.parse(String(res.body));
  assert.deepEqual(Object.keys(body.Responses), ["BatchB", "BatchA"]);
  assert.equal(body.Responses.BatchB[0].id.S, "b1");
  assert.deepEqual(body.Responses.BatchA[0], { id: S("a3"), n: N(3), m: { M: { x: S("y") } } });
});
