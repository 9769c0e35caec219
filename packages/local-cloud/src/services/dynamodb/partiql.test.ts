import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { DynamoDBClient, ExecuteStatementCommand, ExecuteTransactionCommand, BatchExecuteStatementCommand } from "@aws-sdk/client-dynamodb";

let tc: TestCloud;
let ddb: DynamoDBClient;
before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient(tc.clientConfig);
  await tc.cloud.dynamodb.call("CreateTable", {
    TableName: "Pql", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
  });
});
after(async () => {
  ddb.destroy();
  await tc.stop();
});

test("INSERT, SELECT, UPDATE, DELETE", async () => {
  await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "Pql" VALUE {'pk': 'a', 'sk': 1, 'n': 5, 'tags': <<'x', 'y'>>}` }));
  await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO Pql VALUE {'pk': ?, 'sk': ?}`, Parameters: [{ S: "a" }, { N: "2" }] }));
  await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO Pql VALUE {'pk': 'a', 'sk': 1}` })), (e: any) => e.name === "DuplicateItemException");
  const sel = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT pk, sk, n FROM "Pql" WHERE pk = 'a' AND sk >= 1` }));
  assert.deepEqual(sel.Items, [{ pk: { S: "a" }, sk: { N: "1" }, n: { N: "5" } }, { pk: { S: "a" }, sk: { N: "2" } }]);
  await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE "Pql" SET n = n + 1 SET m = 'hi' WHERE pk = 'a' AND sk = 1` }));
  const one = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql WHERE pk = 'a' AND sk = 1` }));
  assert.equal(one.Items![0]!.n!.N, "6");
  assert.equal(one.Items![0]!.m!.S, "hi");
  await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE Pql SET n = 1 WHERE pk = 'zz' AND sk = 1` })), (e: any) => e.name === "ConditionalCheckFailedException");
  await ddb.send(new ExecuteStatementCommand({ Statement: `DELETE FROM Pql WHERE pk = 'a' AND sk = 2` }));
  const rest = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql WHERE n IS NOT MISSING` }));
  assert.equal(rest.Items!.length, 1);
  await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `SELEKT * FROM Pql` })), /Statement wasn't well formed/);
});

test("ExecuteTransaction is all-or-nothing; batch reports per-statement errors", async () => {
  await assert.rejects(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `INSERT INTO Pql VALUE {'pk': 't', 'sk': 1}` },
    { Statement: `INSERT INTO Pql VALUE {'pk': 'a', 'sk': 1}` },
  ] })), (e: any) => e.name === "TransactionCanceledException" && e.CancellationReasons[1].Code === "DuplicateItem");
  const t = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql WHERE pk = 't'` }));
  assert.deepEqual(t.Items, []);
  const b = await ddb.send(new BatchExecuteStatementCommand({ Statements: [
    { Statement: `INSERT INTO Pql VALUE {'pk': 'b', 'sk': 1}` },
    { Statement: `INSERT INTO Pql VALUE {'pk': 'a', 'sk': 1}` },
  ] }));
  assert.equal(b.Responses![0]!.Error, undefined);
  assert.equal(b.Responses![1]!.Error!.Code, "DuplicateItem");
});

test("UPDATE and DELETE … RETURNING answer with the item's image", async () => {
  await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO Pql VALUE {'pk': 'r', 'sk': 1, 'n': 1, 'keep': 'k'}` }));
  const allNew = await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE Pql SET n = n + 1 WHERE pk = 'r' AND sk = 1 RETURNING ALL NEW *` }));
  assert.deepEqual(allNew.Items, [{ pk: { S: "r" }, sk: { N: "1" }, n: { N: "2" }, keep: { S: "k" } }]);
  const modOld = await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE Pql SET n = 10 WHERE pk = 'r' AND sk = 1 RETURNING MODIFIED OLD *` }));
  assert.deepEqual(modOld.Items, [{ n: { N: "2" } }]);
  const modNew = await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE Pql SET n = 11 WHERE pk = 'r' AND sk = 1 RETURNING modified new *` }));
  assert.deepEqual(modNew.Items, [{ n: { N: "11" } }]);
  const plain = await ddb.send(new ExecuteStatementCommand({ Statement: `UPDATE Pql SET n = 12 WHERE pk = 'r' AND sk = 1` }));
  assert.deepEqual(plain.Items, []);
  await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `DELETE FROM Pql WHERE pk = 'r' AND sk = 1 RETURNING ALL NEW *` })), (e: any) => e.name === "ValidationException");
  const del = await ddb.send(new ExecuteStatementCommand({ Statement: `DELETE FROM Pql WHERE pk = 'r' AND sk = 1 RETURNING ALL OLD *` }));
  assert.deepEqual(del.Items, [{ pk: { S: "r" }, sk: { N: "1" }, n: { N: "12" }, keep: { S: "k" } }]);
});

test("EXISTS is a condition check inside ExecuteTransaction", async () => {
  await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO Pql VALUE {'pk': 'e', 'sk': 1, 'state': 'open'}` }));
  await ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `EXISTS(SELECT * FROM Pql WHERE pk = 'e' AND sk = 1 AND state = 'open')` },
    { Statement: `INSERT INTO Pql VALUE {'pk': 'e', 'sk': 2}` },
  ] }));
  await assert.rejects(ddb.send(new ExecuteTransactionCommand({ TransactStatements: [
    { Statement: `EXISTS(SELECT * FROM Pql WHERE pk = 'e' AND sk = 1 AND state = ?)`, Parameters: [{ S: "closed" }] },
    { Statement: `INSERT INTO Pql VALUE {'pk': 'e', 'sk': 3}` },
  ] })), (e: any) => e.name === "TransactionCanceledException" && e.CancellationReasons[0].Code === "ConditionalCheckFailed" && e.CancellationReasons[1].Code === "None");
  const rows = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT sk FROM Pql WHERE pk = 'e'` }));
  assert.deepEqual(rows.Items, [{ sk: { N: "1" } }, { sk: { N: "2" } }]);
  await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `EXISTS(SELECT * FROM Pql WHERE pk = 'e')` })), (e: any) => e.name === "ValidationException");
});

test("ReturnConsumedCapacity: statements report what the equivalent item operations would", async () => {
  const big = "x".repeat(5000); // 5 KB: 5 write units, 2 strongly consistent read units
  const ins = await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO Pql VALUE {'pk': 'cap', 'sk': 1, 'blob': ?}`, Parameters: [{ S: big }], ReturnConsumedCapacity: "TOTAL" }));
  assert.deepEqual(ins.ConsumedCapacity, { TableName: "Pql", CapacityUnits: 5 });
  const eventual = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql WHERE pk = 'cap' AND sk = 1`, ReturnConsumedCapacity: "TOTAL" }));
  assert.deepEqual(eventual.ConsumedCapacity, { TableName: "Pql", CapacityUnits: 1 });
  const strong = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql WHERE pk = 'cap' AND sk = 1`, ConsistentRead: true, ReturnConsumedCapacity: "INDEXES" }));
  assert.deepEqual(strong.ConsumedCapacity, { TableName: "Pql", CapacityUnits: 2, Table: { CapacityUnits: 2 } });
  const none = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql WHERE pk = 'cap'` }));
  assert.equal(none.ConsumedCapacity, undefined);

  const batch = await ddb.send(new BatchExecuteStatementCommand({ ReturnConsumedCapacity: "TOTAL", Statements: [
    { Statement: `UPDATE Pql SET n = 1 WHERE pk = 'cap' AND sk = 1` },
    { Statement: `INSERT INTO Pql VALUE {'pk': 'cap', 'sk': 2}` },
  ] }));
  assert.deepEqual(batch.ConsumedCapacity, [{ TableName: "Pql", CapacityUnits: 6 }]);

  const txn = await ddb.send(new ExecuteTransactionCommand({ ReturnConsumedCapacity: "TOTAL", TransactStatements: [
    { Statement: `SELECT * FROM Pql WHERE pk = 'cap' AND sk = 1` },
    { Statement: `SELECT * FROM Pql WHERE pk = 'cap' AND sk = 2` },
  ] }));
  // Transactional reads: strongly consistent, doubled: (2 + 1) × 2.
  assert.deepEqual(txn.ConsumedCapacity, [{ TableName: "Pql", CapacityUnits: 6, ReadCapacityUnits: 6 }]);
  const txw = await ddb.send(new ExecuteTransactionCommand({ ReturnConsumedCapacity: "TOTAL", TransactStatements: [
    { Statement: `EXISTS(SELECT * FROM Pql WHERE pk = 'cap' AND sk = 1)` },
    { Statement: `DELETE FROM Pql WHERE pk = 'cap' AND sk = 2` },
  ] }));
  assert.deepEqual(txw.ConsumedCapacity, [{ TableName: "Pql", CapacityUnits: 12, WriteCapacityUnits: 12 }]);
  await assert.rejects(ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM Pql`, ReturnConsumedCapacity: "ALL" as any })), (e: any) => e.name === "ValidationException");
});
