/**
 * DynamoDB through the AWS CLI v2 (Debian's awscli, botocore) as a second real client:
 * its own JSON serializer, its own SigV4 signer and its own error parsing. Uses
 * /usr/bin/aws when installed (see awsCliPath in testing.ts); skips when there is no AWS CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServiceCli } from "../../test-fixtures.js";

const cli = useServiceCli("dynamodb");
const ddb = cli.run;
const ddbFails = cli.fails;

const json = (v: unknown) => JSON.stringify(v);

test("AWS CLI v2: tables, items, query, scan, update, transactions and errors", { skip: cli.skip }, async () => {
  const created = await ddb(
    "create-table", "--table-name", "Cli",
    "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
    "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
    "--billing-mode", "PAY_PER_REQUEST",
  );
  assert.equal(created.TableDescription.TableName, "Cli");
  assert.deepEqual(created.TableDescription.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }]);
  assert.equal(created.TableDescription.BillingModeSummary.BillingMode, "PAY_PER_REQUEST");

  for (let i = 1; i <= 3; i++) {
    await ddb("put-item", "--table-name", "Cli", "--item", json({ pk: { S: "user" }, sk: { N: String(i) }, name: { S: `n${i}` }, tags: { SS: ["a", "b"] }, blob: { B: Buffer.from(`b${i}`).toString("base64") } }));
  }
  const got = await ddb("get-item", "--table-name", "Cli", "--key", json({ pk: { S: "user" }, sk: { N: "2" } }), "--consistent-read", "--return-consumed-capacity", "TOTAL");
  assert.deepEqual(got.Item.name, { S: "n2" });
  assert.deepEqual([...got.Item.tags.SS].sort(), ["a", "b"]);
  // botocore decodes B to bytes and the CLI prints them base64 again.
  assert.equal(got.Item.blob.B, Buffer.from("b2").toString("base64"));
  assert.deepEqual(got.ConsumedCapacity, { TableName: "Cli", CapacityUnits: 1 });

  const q = await ddb("query", "--table-name", "Cli", "--key-condition-expression", "pk = :p AND sk >= :s", "--expression-attribute-values", json({ ":p": { S: "user" }, ":s": { N: "2" } }), "--no-scan-index-forward");
  assert.equal(q.Count, 2);
  assert.deepEqual(q.Items.map((it: any) => it.sk.N), ["3", "2"]);

  const s = await ddb("scan", "--table-name", "Cli", "--select", "COUNT");
  assert.equal(s.Count, 3);

  const u = await ddb("update-item", "--table-name", "Cli", "--key", json({ pk: { S: "user" }, sk: { N: "1" } }), "--update-expression", "ADD visits :one SET #n = :name", "--expression-attribute-names", json({ "#n": "name" }), "--expression-attribute-values", json({ ":one": { N: "1" }, ":name": { S: "renamed" } }), "--return-values", "UPDATED_NEW");
  assert.deepEqual(u.Attributes, { visits: { N: "1" }, name: { S: "renamed" } });

  // A transaction whose condition fails changes nothing and names the reason per action.
  const txErr = await ddbFails("transact-write-items", "--transact-items", json([
    { Put: { TableName: "Cli", Item: { pk: { S: "user" }, sk: { N: "9" } } } },
    { ConditionCheck: { TableName: "Cli", Key: { pk: { S: "user" }, sk: { N: "1" } }, ConditionExpression: "attribute_not_exists(pk)" } },
  ]));
  assert.match(txErr, /TransactionCanceledException/);
  assert.match(txErr, /Transaction cancelled, please refer cancellation reasons for specific reasons \[None, ConditionalCheckFailed\]/);
  const none = await ddb("get-item", "--table-name", "Cli", "--key", json({ pk: { S: "user" }, sk: { N: "9" } }));
  assert.equal(none.Item, undefined);

  await ddb("transact-write-items", "--transact-items", json([
    { Put: { TableName: "Cli", Item: { pk: { S: "user" }, sk: { N: "9" } }, ConditionExpression: "attribute_not_exists(pk)" } },
    { Update: { TableName: "Cli", Key: { pk: { S: "user" }, sk: { N: "1" } }, UpdateExpression: "ADD visits :one", ExpressionAttributeValues: { ":one": { N: "1" } } } },
  ]));
  const after = await ddb("get-item", "--table-name", "Cli", "--key", json({ pk: { S: "user" }, sk: { N: "1" } }), "--projection-expression", "visits");
  assert.deepEqual(after.Item, { visits: { N: "2" } });

  const described = await ddb("describe-table", "--table-name", "Cli");
  assert.equal(described.Table.TableStatus, "ACTIVE");
  assert.equal(described.Table.ItemCount, 4);
  assert.match(described.Table.TableArn, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Cli$/);

  const condErr = await ddbFails("put-item", "--table-name", "Cli", "--item", json({ pk: { S: "user" }, sk: { N: "1" } }), "--condition-expression", "attribute_not_exists(pk)");
  assert.match(condErr, /An error occurred \(ConditionalCheckFailedException\) when calling the PutItem operation: The conditional request failed/);
  const missing = await ddbFails("get-item", "--table-name", "Nope", "--key", json({ pk: { S: "x" } }));
  assert.match(missing, /An error occurred \(ResourceNotFoundException\) when calling the GetItem operation: Requested resource not found/);
  const invalid = await ddbFails("query", "--table-name", "Cli", "--key-condition-expression", "pk = :p", "--expression-attribute-values", json({ ":p": { S: "user" }, ":unused": { S: "x" } }));
  assert.match(invalid, /ValidationException.*Value provided in ExpressionAttributeValues unused in expressions: keys: \{:unused\}/);
});
