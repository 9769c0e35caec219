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
