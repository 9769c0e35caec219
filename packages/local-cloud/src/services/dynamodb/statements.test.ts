/**
 * No error path leaves a SQLite statement busy. An iterator left open keeps its
 * connection busy, and then every write on every table fails ("This database connection
 * is busy executing a query") until a restart: one bad request (Scan with Limit 0 used
 * to) would wedge DynamoDB. Here errors are forced at every point after a statement is
 * opened — each row an iterator yields, each statement a write runs — and after each
 * the service must have closed every iterator, kept the data as it was, and take the
 * next write.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { DynamoDBClient, PutItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";

/** better-sqlite3's Statement prototype: every statement of the process goes through it. */
const Statement = Object.getPrototypeOf(new Database(":memory:").prepare("SELECT 1")) as { iterate: (...args: unknown[]) => IterableIterator<unknown>; run: (...args: unknown[]) => unknown };
const realIterate = Statement.iterate;
const realRun = Statement.run;

/** Iterators opened through the patched `iterate`, until they end or are closed. */
const openIterators = new Set<object>();
/** When set, the iterator opened next fails when asked for row `failAtRow` (0: its first). */
let failAtRow: number | undefined;
/** When set, the `failAtRun`-th statement run from now (1-based) fails instead of running. */
let failAtRun: number | undefined;
let runsSinceArmed = 0;
let faultsFired = 0;

class InjectedFault extends Error {
  readonly code = "SQLITE_IOERR";
}

Statement.iterate = function (this: unknown, ...args: unknown[]) {
  const inner = realIterate.apply(this, args);
  const failAt = failAtRow;
  failAtRow = undefined;
  let rows = 0;
  const tracked: IterableIterator<unknown> = {
    next() {
      if (failAt !== undefined && rows === failAt) {
        // As better-sqlite3 does when stepping fails: the statement is reset, then it throws.
        faultsFired++;
        openIterators.delete(tracked);
        inner.return?.();
        throw new InjectedFault("injected: stepping the statement failed");
      }
      const r = inner.next();
      if (r.done) openIterators.delete(tracked);
      rows++;
      if (failAt !== undefined && rows === failAt + 1 && !r.done) {
        // The consumer fails on this row (a poisoned row: any look inside throws).
        faultsFired++;
        return { done: false, value: new Proxy([], { get: () => { throw new InjectedFault("injected: the row could not be used"); } }) };
      }
      return r;
    },
    return(value?: unknown) {
      openIterators.delete(tracked);
      inner.return?.(value);
      return { done: true, value };
    },
    [Symbol.iterator]() {
      return tracked;
    },
  };
  openIterators.add(tracked);
  return tracked;
};

Statement.run = function (this: unknown, ...args: unknown[]) {
  if (failAtRun !== undefined && ++runsSinceArmed === failAtRun) {
    faultsFired++;
    failAtRun = undefined;
    throw new InjectedFault("injected: the statement failed (disk full, I/O error)");
  }
  return realRun.apply(this, args);
};

let tc: TestCloud;
let ddb: DynamoDBClient;
const call = (op: string, input: any) => tc.cloud.dynamodb.call(op, input);

before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient({ ...tc.clientConfig, maxAttempts: 1 });
  await call("CreateTable", {
    TableName: "Things",
    BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }, { AttributeName: "g", AttributeType: "S" }],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  });
  await putBaseline();
});

/** The six items every check expects. */
async function putBaseline(): Promise<void> {
  for (let i = 0; i < 6; i++) await call("PutItem", { TableName: "Things", Item: { pk: { S: "p" }, sk: { N: String(i) }, g: { S: "g" }, v: { N: "0" } } });
}
after(async () => {
  Statement.iterate = realIterate;
  Statement.run = realRun;
  ddb.destroy();
  await tc.stop();
});

/** What a healthy table answers: every item, each index entry, and writes taken. */
async function assertHealthy(what: string): Promise<void> {
  assert.equal(openIterators.size, 0, `${what}: an iterator was left open`);
  await call("PutItem", { TableName: "Things", Item: { pk: { S: "marker" }, sk: { N: "0" }, note: { S: what } } });
  await call("DeleteItem", { TableName: "Things", Key: { pk: { S: "marker" }, sk: { N: "0" } } });
  const scan = await call("Scan", { TableName: "Things" });
  assert.equal(scan.Count, 6, what);
  assert.deepEqual(scan.Items.map((i: any) => i.v.N), ["0", "0", "0", "0", "0", "0"], `${what}: a failed write left a change behind`);
  const byG = await call("Query", { TableName: "Things", IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "g" } } });
  assert.equal(byG.Count, 6, `${what}: the index drifted from the table`);
  const described = await call("DescribeTable", { TableName: "Things" });
  assert.equal(described.Table.ItemCount, 6, `${what}: ItemCount drifted`);
}

describe("reads close their iterators on every error", () => {
  const reads: Record<string, any> = {
    "Scan": ["Scan", { TableName: "Things" }],
    "Scan of an index": ["Scan", { TableName: "Things", IndexName: "byG" }],
    "Scan after a start key": ["Scan", { TableName: "Things", ExclusiveStartKey: { pk: { S: "p" }, sk: { N: "1" } } }],
    "Scan with a filter": ["Scan", { TableName: "Things", FilterExpression: "v = :z", ExpressionAttributeValues: { ":z": { N: "0" } } }],
    "Query with a filter": ["Query", { TableName: "Things", KeyConditionExpression: "pk = :p", FilterExpression: "v = :z", ExpressionAttributeValues: { ":p": { S: "p" }, ":z": { N: "0" } } }],
    "Query with a filter and a large Limit": ["Query", { TableName: "Things", Limit: 500, KeyConditionExpression: "pk = :p", FilterExpression: "v = :z", ExpressionAttributeValues: { ":p": { S: "p" }, ":z": { N: "0" } } }],
    "PartiQL SELECT over the table": ["ExecuteStatement", { Statement: `SELECT * FROM "Things" WHERE v = 0` }],
    "PartiQL SELECT of a partition": ["ExecuteStatement", { Statement: `SELECT * FROM "Things" WHERE pk = 'p' AND v = 0` }],
  };
  for (const [name, [op, input]] of Object.entries(reads)) {
    test(name, async () => {
      for (let row = 0; row <= 3; row++) {
        const fired = faultsFired;
        failAtRow = row;
        await assert.rejects(call(op, input), InjectedFault, `${name}, row ${row}`);
        assert.equal(faultsFired, fired + 1);
        failAtRow = undefined;
        await assertHealthy(`${name}, error at row ${row}`);
      }
    });
  }
});

describe("writes leave nothing half-done when any statement fails", () => {
  const writes: Record<string, any> = {
    "PutItem (table, index, stream)": ["PutItem", { TableName: "Things", Item: { pk: { S: "p" }, sk: { N: "2" }, g: { S: "g" }, v: { N: "1" } } }],
    "UpdateItem": ["UpdateItem", { TableName: "Things", Key: { pk: { S: "p" }, sk: { N: "3" } }, UpdateExpression: "SET v = :one", ExpressionAttributeValues: { ":one": { N: "1" } } }],
    "DeleteItem": ["DeleteItem", { TableName: "Things", Key: { pk: { S: "p" }, sk: { N: "4" } } }],
    "BatchWriteItem": ["BatchWriteItem", { RequestItems: { Things: [{ PutRequest: { Item: { pk: { S: "p" }, sk: { N: "0" }, g: { S: "g" }, v: { N: "1" } } } }, { DeleteRequest: { Key: { pk: { S: "p" }, sk: { N: "5" } } } }] } }],
    "TransactWriteItems": ["TransactWriteItems", { TransactItems: [{ Put: { TableName: "Things", Item: { pk: { S: "p" }, sk: { N: "1" }, g: { S: "g" }, v: { N: "1" } } } }, { Delete: { TableName: "Things", Key: { pk: { S: "p" }, sk: { N: "5" } } } }] }],
    "PartiQL UPDATE": ["ExecuteStatement", { Statement: `UPDATE "Things" SET v = 1 WHERE pk = 'p' AND sk = 2` }],
  };
  for (const [name, [op, input]] of Object.entries(writes)) {
    test(name, async () => {
      // Fail the 1st statement the operation runs, then the 2nd, … until it runs through
      // without reaching the fault; each time the table must be as it was.
      for (let k = 1; k < 40; k++) {
        const fired = faultsFired;
        runsSinceArmed = 0;
        failAtRun = k;
        const outcome = await call(op, input).then(() => "done", (err) => err);
        failAtRun = undefined;
        if (faultsFired === fired) {
          assert.equal(outcome, "done", `${name}: failed without a fault: ${outcome}`);
          assert.ok(k > 2, `${name}: ran only ${k - 1} statements`);
          await putBaseline();
          return;
        }
        assert.notEqual(outcome, "done", `${name}: a failed statement ${k} went unnoticed`);
        await assertHealthy(`${name}, statement ${k} failed`);
      }
      assert.fail(`${name}: still failing after 40 statements`);
    });
  }
});

test("Scan and Query with Limit 0 answer DynamoDB's validation error, and writes go on (the seed app's GET /users?limit=0)", async () => {
  for (const input of [{ TableName: "Things", Limit: 0 }, { TableName: "Things", Limit: -1 }]) {
    await assert.rejects(ddb.send(new ScanCommand(input)), (err: any) => {
      assert.equal(err.name, "ValidationException");
      assert.match(err.message, /at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1/);
      return true;
    });
  }
  await assert.rejects(call("Query", { TableName: "Things", Limit: 0, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } }), { name: "ValidationException" });
  await assert.rejects(call("ExecuteStatement", { Statement: `SELECT * FROM "Things"`, Limit: 0 }), { name: "ValidationException" });
  await ddb.send(new PutItemCommand({ TableName: "Things", Item: { pk: { S: "after-limit-0" }, sk: { N: "0" } } }));
  await call("DeleteItem", { TableName: "Things", Key: { pk: { S: "after-limit-0" }, sk: { N: "0" } } });
  await assertHealthy("after Limit 0");
});
