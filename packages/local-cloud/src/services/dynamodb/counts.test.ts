/**
 * ItemCount / TableSizeBytes are summed in memory while a group commit is open and written
 * to ddb_counts just before its COMMIT (store.ts). They must stay exact: while the group
 * is open (DescribeTable adds what is pending), after it commits, when a request in it
 * fails (its own changes undone, the others kept), when the COMMIT itself fails (all
 * discarded) and when a failing request had already written pending counts (dropIndex).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import type { DynamoDbService } from "./index.js";
import type { DynamoStore } from "./store.js";

let tc: TestCloud;
let ddb: DynamoDbService;
let store: DynamoStore;
const S = (s: string) => ({ S: s });

before(async () => {
  tc = await startTestCloud();
  ddb = tc.cloud.dynamodb;
  store = ddb.store;
  await ddb.call("CreateTable", {
    TableName: "Counted", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
  });
  await ddb.call("CreateTable", { TableName: "Plain", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] });
});
after(() => tc.stop());

/** What the rows say: count and summed size of a table's items or an index's entries. */
function truth(table: string, index = ""): { itemCount: number; sizeBytes: number } {
  const meta = store.table(table)!;
  const row = (index
    ? store.db.prepare("SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM ddb_index_items WHERE tid = ? AND idx = ?").get(meta.id, index)
    : store.db.prepare("SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM ddb_items WHERE tid = ?").get(meta.id)) as { n: number; b: number };
  return { itemCount: row.n, sizeBytes: row.b };
}

/** The ddb_counts row as stored (without what is pending in memory). */
function stored(table: string, index = ""): { itemCount: number; sizeBytes: number } {
  const row = store.db.prepare("SELECT items, bytes FROM ddb_counts WHERE tid = ? AND idx = ?").get(store.table(table)!.id, index) as { items: number; bytes: number };
  return { itemCount: row.items, sizeBytes: row.bytes };
}

function assertExact(where: string, committed: boolean): void {
  for (const [table, index] of [["Counted", ""], ["Counted", "byG"], ["Plain", ""]] as const) {
    assert.deepEqual(store.counts(store.table(table)!, index), truth(table, index), `${where}: ${table}/${index || "table"}`);
    if (committed) assert.deepEqual(stored(table, index), truth(table, index), `${where}: stored ${table}/${index || "table"}`);
  }
}

async function settle(promises: Promise<unknown>[]): Promise<PromiseSettledResult<unknown>[]> {
  return Promise.all(promises.map((p) => p.then((v) => ({ status: "fulfilled" as const, value: v }), (e) => ({ status: "rejected" as const, reason: e }))));
}

test("counts are exact within an open group, after failed requests in it, and after its commit", async () => {
  for (let i = 0; i < 5; i++) await ddb.call("PutItem", { TableName: "Counted", Item: { id: S(`seed${i}`), g: S("x"), v: S("v".repeat(i * 10)) } });
  // Everything below runs in one event-loop turn, so in one group.
  const calls = [
    ddb.call("PutItem", { TableName: "Plain", Item: { id: S("a"), v: S("hello") } }),
    ddb.call("PutItem", { TableName: "Plain", Item: { id: S("a"), v: S("hello, again") } }),
    ddb.call("PutItem", { TableName: "Plain", Item: { id: S("b"), v: S("b") } }),
    ddb.call("DeleteItem", { TableName: "Plain", Key: { id: S("b") } }),
    ddb.call("DeleteItem", { TableName: "Plain", Key: { id: S("never") } }),
    ddb.call("PutItem", { TableName: "Counted", Item: { id: S("n1"), g: S("y"), v: S("new") } }),
    ddb.call("PutItem", { TableName: "Counted", Item: { id: S("seed0"), v: S("no longer indexed") } }),
    ddb.call("UpdateItem", { TableName: "Counted", Key: { id: S("seed1") }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": S("longer value") } }),
    ddb.call("UpdateItem", { TableName: "Plain", Key: { id: S("u") }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": S("created by update") } }),
    ddb.call("BatchWriteItem", { RequestItems: { Counted: [{ PutRequest: { Item: { id: S("b1"), g: S("z") } } }, { DeleteRequest: { Key: { id: S("seed2") } } }] } }),
    // Failing requests: their own changes must not count.
    ddb.call("PutItem", { TableName: "Plain", Item: { id: S("a"), v: S("x") }, ConditionExpression: "attribute_not_exists(id)" }),
    ddb.call("DeleteItem", { TableName: "Counted", Key: { id: S("seed3") }, ConditionExpression: "v = :nope", ExpressionAttributeValues: { ":nope": S("nope") } }),
    ddb.call("TransactWriteItems", {
      TransactItems: [
        { Put: { TableName: "Counted", Item: { id: S("t1"), g: S("t") } } },
        { Delete: { TableName: "Counted", Key: { id: S("seed4") } } },
        { Put: { TableName: "Plain", Item: { id: S("t2") }, ConditionExpression: "attribute_exists(id)" } },
      ],
    }),
    // An index key of the wrong type fails after the table row was written: rolled back.
    ddb.call("PutItem", { TableName: "Counted", Item: { id: S("badg"), g: { N: "1" } } }),
  ];
  assertExact("open group", false);
  const described = ddb.call("DescribeTable", { TableName: "Plain" });
  const results = await settle(calls);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "fulfilled", "rejected", "rejected", "rejected", "rejected"]);
  const d = (await described).Table;
  assert.deepEqual({ itemCount: d.ItemCount, sizeBytes: d.TableSizeBytes }, truth("Plain"));
  assert.equal(d.ItemCount, 2); // a, u
  assertExact("committed", true);
  assert.equal(truth("Counted").itemCount, 6); // seed0, seed1, seed3, seed4, n1, b1
  assert.equal(truth("Counted", "byG").itemCount, 5); // seed1, seed3, seed4, n1, b1
});

test("a failed COMMIT discards the group's count changes with its writes", async () => {
  const before = { plain: truth("Plain"), counted: truth("Counted"), byG: truth("Counted", "byG") };
  const txn = (store as any).commits.txn; // the GroupCommit's prepared statements
  const commit = txn.commit;
  txn.commit = { run: () => { throw new Error("simulated disk full"); } };
  try {
    const calls = [
      ddb.call("PutItem", { TableName: "Plain", Item: { id: S("lost1"), v: S("x") } }),
      ddb.call("PutItem", { TableName: "Counted", Item: { id: S("lost2"), g: S("x") } }),
      ddb.call("DeleteItem", { TableName: "Counted", Key: { id: S("seed1") } }),
    ];
    assertExact("open group before failed commit", false);
    const results = await settle(calls);
    assert.ok(results.every((r) => r.status === "rejected"));
  } finally {
    txn.commit = commit;
  }
  assert.deepEqual({ plain: truth("Plain"), counted: truth("Counted"), byG: truth("Counted", "byG") }, before);
  assertExact("after failed commit", true);
  // The next group works and counts on from the right numbers.
  await ddb.call("PutItem", { TableName: "Plain", Item: { id: S("after"), v: S("x") } });
  assertExact("next group", true);
  assert.equal(truth("Plain").itemCount, before.plain.itemCount + 1);
});

test("pending counts written by a request that then fails become pending again", async () => {
  const calls = [
    ddb.call("PutItem", { TableName: "Counted", Item: { id: S("p1"), g: S("q"), v: S("pending") } }),
    ddb.call("PutItem", { TableName: "Plain", Item: { id: S("p2") } }),
  ];
  const meta = store.table("Counted")!;
  // dropIndex writes every pending change to ddb_counts first (inside this request's
  // savepoint); the failure rolls those writes back, and they must not be lost.
  assert.throws(() =>
    store.transaction(() => {
      store.dropIndex(meta, "byG");
      throw new Error("boom");
    }),
  /boom/);
  assertExact("after failed request", false);
  await Promise.all(calls);
  assertExact("committed", true);
  assert.ok(truth("Counted", "byG").itemCount > 0);
});
