/**
 * A Query without filter or projection takes its own path (query-scan.ts plainQueryPage:
 * raw rows, items joined as stored, reads in chunks without a Limit). It must answer
 * exactly what the general page loop (runPage) answers. An always-true filter forces the
 * general loop, so both are compared page by page over tables and indexes, Limits on
 * both sides of the chunk sizes, both directions, COUNT, and the 1 MB page cut.
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
  await ddb.call("CreateTable", {
    TableName: "Plain", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" },
      { AttributeName: "g", AttributeType: "S" }, { AttributeName: "lsk", AttributeType: "N" },
    ],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
    LocalSecondaryIndexes: [{ IndexName: "byL", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "lsk", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
  });
  const put = (items: any[]) => ddb.call("BatchWriteItem", { RequestItems: { Plain: items.map((Item) => ({ PutRequest: { Item } })) } });
  for (let start = 0; start < 250; start += 25) {
    // lsk repeats, so LSI entries tie on their sort key and order by the table key.
    await put(Array.from({ length: 25 }, (_, i) => ({ pk: S("small"), sk: N(start + i), lsk: N((start + i) % 7), g: S(i % 2 ? "odd" : "even"), v: S(`v${start + i}`) })));
  }
  // ~60 KB items: a page closes at 1 MB after 18 of them.
  for (let i = 0; i < 40; i += 5) {
    await put(Array.from({ length: 5 }, (_, j) => ({ pk: S("mid"), sk: N(i + j), lsk: N(i + j), g: S("mid"), blob: S("m".repeat(60_000)) })));
  }
});
after(() => tc.stop());

/** Every page of a query, as answered. */
async function pages(input: any): Promise<any[]> {
  const out: any[] = [];
  let ExclusiveStartKey: any;
  do {
    const r = await ddb.call("Query", { ...input, ExclusiveStartKey });
    out.push(r);
    ExclusiveStartKey = r.LastEvaluatedKey;
    assert.ok(out.length < 400, "runaway paging");
  } while (ExclusiveStartKey);
  return out;
}

const ALWAYS = { FilterExpression: "attribute_not_exists(#never)", ExpressionAttributeNames: { "#never": "never_set" } };

test("plain Query pages equal the general page loop's", async () => {
  const sources = [
    { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("small") } },
    { KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b", ExpressionAttributeValues: { ":p": S("small"), ":a": N(20), ":b": N(180) } },
    { KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("mid") } },
    { IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": S("odd") } },
    { IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": S("mid") } },
    { IndexName: "byL", KeyConditionExpression: "pk = :p AND lsk >= :l", ExpressionAttributeValues: { ":p": S("small"), ":l": N(2) } },
  ];
  let compared = 0;
  for (const src of sources) {
    for (const Limit of [undefined, 1, 7, 32, 33, 100, 101, 150]) {
      for (const ScanIndexForward of [true, false]) {
        for (const Select of [undefined, "COUNT"]) {
          const input = { TableName: "Plain", ...src, Limit, ScanIndexForward, Select, ReturnConsumedCapacity: "TOTAL" };
          const plain = await pages(input);
          const general = await pages({ ...input, ...ALWAYS });
          assert.deepEqual(plain, general, JSON.stringify({ src, Limit, ScanIndexForward, Select }));
          compared += plain.length;
        }
      }
    }
  }
  assert.ok(compared > 100);
});

test("without a Limit, a partition past the first read chunk comes whole, in order", async () => {
  const [page] = await pages({ TableName: "Plain", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("small") } });
  assert.equal(page.Count, 250);
  assert.deepEqual(page.Items.map((it: any) => Number(it.sk.N)), Array.from({ length: 250 }, (_, i) => i));
  const mid = await pages({ TableName: "Plain", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("mid") } });
  assert.deepEqual(mid.map((p) => p.Count), [18, 18, 4]);
});

test("a long partition read in growing chunks (32, 256, 512, …) comes whole and in order", async () => {
  for (let start = 0; start < 2000; start += 25) {
    await ddb.call("BatchWriteItem", { RequestItems: { Plain: Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: S("long"), sk: N(start + i) } } })) } });
  }
  const [page, ...rest] = await pages({ TableName: "Plain", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("long") } });
  assert.equal(rest.length, 0);
  assert.deepEqual(page.Items.map((it: any) => Number(it.sk.N)), Array.from({ length: 2000 }, (_, i) => i));
});
