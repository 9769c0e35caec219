/**
 * Query pages through the SDK: small and large Limits (read eagerly or lazily by the
 * store), LastEvaluatedKey continuation in both directions, and the 1 MB page cut with
 * large items, so each read path of store.queryPartition is pinned.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, CreateTableCommand, BatchWriteItemCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let ddb: DynamoDBClient;
before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient(tc.clientConfig);
  await ddb.send(new CreateTableCommand({ TableName: "Pages", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }] }));
  for (let start = 0; start < 250; start += 25) {
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { Pages: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: "small" }, sk: { N: String(start + i) } } } })) } }));
  }
  for (let i = 0; i < 8; i++) {
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { Pages: [{ PutRequest: { Item: { pk: { S: "big" }, sk: { N: String(i) }, blob: { S: "b".repeat(300_000) } } } }] } }));
  }
});
after(async () => {
  ddb?.destroy();
  await tc?.stop();
});

/** Every page of a query; returns the sort keys seen per page. */
async function pages(input: QueryCommandInput): Promise<number[][]> {
  const out: number[][] = [];
  let ExclusiveStartKey: QueryCommandInput["ExclusiveStartKey"];
  do {
    const r = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    out.push(r.Items!.map((it) => Number(it.sk!.N)));
    assert.equal(r.Count, r.Items!.length);
    ExclusiveStartKey = r.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return out;
}

const small = { TableName: "Pages", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "small" } } };

test("a small Limit pages through every item in order", async () => {
  const p = await pages({ ...small, Limit: 40 });
  assert.deepEqual(p.map((x) => x.length), [40, 40, 40, 40, 40, 40, 10]);
  assert.deepEqual(p.flat(), Array.from({ length: 250 }, (_, i) => i));
});

test("a large Limit pages the same way, also backwards", async () => {
  const p = await pages({ ...small, Limit: 150, ScanIndexForward: false });
  assert.deepEqual(p.map((x) => x.length), [150, 100]);
  assert.deepEqual(p.flat(), Array.from({ length: 250 }, (_, i) => 249 - i));
  // Exactly Limit items left: DynamoDB still answers a LastEvaluatedKey, then an empty page.
  const exact = await pages({ ...small, Limit: 125 });
  assert.deepEqual(exact.map((x) => x.length), [125, 125, 0]);
});

test("the Limit counts items before the filter", async () => {
  const r = await ddb.send(new QueryCommand({ ...small, Limit: 10, FilterExpression: "attribute_exists(nothing)" }));
  assert.equal(r.Count, 0);
  assert.equal(r.ScannedCount, 10);
  assert.deepEqual(r.LastEvaluatedKey, { pk: { S: "small" }, sk: { N: "9" } });
});

test("a page stops at 1 MB of items, with or without a Limit", async () => {
  const big = { TableName: "Pages", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "big" } } };
  // 300 KB items: the first page closes once 1 MB is reached (4 items), whatever the
  // Limit; the rest follows. (Whether a page that ends the data exactly at 1 MB carries a
  // LastEvaluatedKey is not pinned.)
  for (const Limit of [undefined, 50, 500]) {
    const p = await pages({ ...big, Limit });
    assert.equal(p[0]!.length, 4);
    assert.deepEqual(p.flat(), [0, 1, 2, 3, 4, 5, 6, 7]);
  }
});
