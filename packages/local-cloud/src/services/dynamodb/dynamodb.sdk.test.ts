/** DynamoDB through the real AWS SDK v3 against a local cloud over HTTP. */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DynamoDBClient, CreateTableCommand, DescribeTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand,
  DeleteItemCommand, QueryCommand, ScanCommand, ListTablesCommand, TransactWriteItemsCommand, BatchWriteItemCommand,
  BatchGetItemCommand, UpdateTimeToLiveCommand, DeleteTableCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, ScanCommand as DocScan, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand, GetRecordsCommand, ListStreamsCommand } from "@aws-sdk/client-dynamodb-streams";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let ddb: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let streams: DynamoDBStreamsClient;

before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient(tc.clientConfig);
  doc = DynamoDBDocumentClient.from(ddb);
  streams = new DynamoDBStreamsClient(tc.clientConfig);
  await ddb.send(new CreateTableCommand({
    TableName: "Users",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }, { AttributeName: "email", AttributeType: "S" },
    ],
    GlobalSecondaryIndexes: [{ IndexName: "byEmail", KeySchema: [{ AttributeName: "email", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
    BillingMode: "PAY_PER_REQUEST",
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  }));
});
after(async () => {
  ddb.destroy();
  streams.destroy();
  await tc.stop();
});

test("describe table", async () => {
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: "Users" }));
  assert.equal(Table!.TableStatus, "ACTIVE");
  assert.equal(Table!.TableArn, "arn:aws:dynamodb:us-east-1:000000000000:table/Users");
  assert.equal(Table!.GlobalSecondaryIndexes![0]!.IndexName, "byEmail");
  assert.match(Table!.LatestStreamArn!, /^arn:aws:dynamodb:us-east-1:000000000000:table\/Users\/stream\/\d{4}-\d\d-\d\dT/);
  assert.ok(Table!.CreationDateTime instanceof Date);
  const list = await ddb.send(new ListTablesCommand({}));
  assert.deepEqual(list.TableNames, ["Users"]);
});

test("missing table: ResourceNotFoundException 400", async () => {
  await assert.rejects(ddb.send(new GetItemCommand({ TableName: "Nope", Key: { pk: { S: "a" } } })), (e: any) => {
    assert.equal(e.name, "ResourceNotFoundException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "Requested resource not found");
    return true;
  });
  await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: "Nope" })), /Requested resource not found: Table: Nope not found/);
});

test("put/get/update/delete with the document client", async () => {
  await doc.send(new PutCommand({ TableName: "Users", Item: { pk: "u1", sk: 1, email: "a@x.io", name: "Ann", n: 1.5 } }));
  const got = await ddb.send(new GetItemCommand({ TableName: "Users", Key: { pk: { S: "u1" }, sk: { N: "1" } } }));
  assert.deepEqual(got.Item, { pk: { S: "u1" }, sk: { N: "1" }, email: { S: "a@x.io" }, name: { S: "Ann" }, n: { N: "1.5" } });
  const upd = await doc.send(new UpdateCommand({
    TableName: "Users", Key: { pk: "u1", sk: 1 },
    UpdateExpression: "SET #n = :n ADD visits :one", ExpressionAttributeNames: { "#n": "name" },
    ExpressionAttributeValues: { ":n": "Bob", ":one": 1 }, ReturnValues: "UPDATED_NEW",
  }));
  assert.deepEqual(upd.Attributes, { name: "Bob", visits: 1 });
  await assert.rejects(
    ddb.send(new PutItemCommand({ TableName: "Users", Item: { pk: { S: "u1" }, sk: { N: "1" } }, ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" })),
    (e: any) => {
      assert.equal(e.name, "ConditionalCheckFailedException");
      assert.equal(e.message, "The conditional request failed");
      assert.deepEqual(e.Item.name, { S: "Bob" });
      return true;
    },
  );
  await assert.rejects(ddb.send(new GetItemCommand({ TableName: "Users", Key: { pk: { S: "u1" } } })), (e: any) => {
    assert.equal(e.name, "ValidationException");
    assert.equal(e.message, "The provided key element does not match the schema");
    return true;
  });
  const del = await ddb.send(new DeleteItemCommand({ TableName: "Users", Key: { pk: { S: "u1" }, sk: { N: "1" } }, ReturnValues: "ALL_OLD" }));
  assert.equal(del.Attributes!.name!.S, "Bob");
});

test("query: key ranges, order, pagination, filter, GSI, count", async () => {
  for (let i = 0; i < 25; i++) {
    await ddb.send(new PutItemCommand({ TableName: "Users", Item: { pk: { S: "q" }, sk: { N: String(i - 10) }, email: { S: `e${i % 5}` }, even: { BOOL: i % 2 === 0 } } }));
  }
  const all = await ddb.send(new QueryCommand({ TableName: "Users", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "q" } } }));
  assert.equal(all.Count, 25);
  assert.deepEqual(all.Items!.slice(0, 3).map((i) => i.sk!.N), ["-10", "-9", "-8"]);
  const range = await ddb.send(new QueryCommand({
    TableName: "Users", KeyConditionExpression: "pk = :p AND sk BETWEEN :a AND :b", ScanIndexForward: false,
    ExpressionAttributeValues: { ":p": { S: "q" }, ":a": { N: "-2" }, ":b": { N: "2" } },
  }));
  assert.deepEqual(range.Items!.map((i) => i.sk!.N), ["2", "1", "0", "-1", "-2"]);
  // Limit counts items evaluated before the filter.
  const page1 = await ddb.send(new QueryCommand({
    TableName: "Users", KeyConditionExpression: "pk = :p", FilterExpression: "even = :t", Limit: 10,
    ExpressionAttributeValues: { ":p": { S: "q" }, ":t": { BOOL: true } },
  }));
  assert.equal(page1.ScannedCount, 10);
  assert.equal(page1.Count, 5);
  assert.deepEqual(page1.LastEvaluatedKey, { pk: { S: "q" }, sk: { N: "-1" } });
  const page2 = await ddb.send(new QueryCommand({
    TableName: "Users", KeyConditionExpression: "pk = :p", Limit: 100, ExclusiveStartKey: page1.LastEvaluatedKey,
    ExpressionAttributeValues: { ":p": { S: "q" } },
  }));
  assert.equal(page2.Count, 15);
  assert.equal(page2.LastEvaluatedKey, undefined);
  const gsi = await ddb.send(new QueryCommand({ TableName: "Users", IndexName: "byEmail", KeyConditionExpression: "email = :e", ExpressionAttributeValues: { ":e": { S: "e3" } } }));
  assert.equal(gsi.Count, 5);
  assert.deepEqual(Object.keys(gsi.Items![0]!).sort(), ["email", "pk", "sk"]);
  const count = await ddb.send(new QueryCommand({ TableName: "Users", Select: "COUNT", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "q" } } }));
  assert.equal(count.Count, 25);
  assert.equal(count.Items, undefined);
  await assert.rejects(
    ddb.send(new QueryCommand({ TableName: "Users", IndexName: "byEmail", ConsistentRead: true, KeyConditionExpression: "email = :e", ExpressionAttributeValues: { ":e": { S: "e3" } } })),
    /Consistent reads are not supported on global secondary indexes/,
  );
  await assert.rejects(
    ddb.send(new QueryCommand({ TableName: "Users", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "q" }, ":x": { S: "unused" } } })),
    (e: any) => e.name === "ValidationException" && e.message === "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
  );
  const scan = await doc.send(new DocScan({ TableName: "Users", TotalSegments: 2, Segment: 0 }));
  const scan2 = await doc.send(new DocScan({ TableName: "Users", TotalSegments: 2, Segment: 1 }));
  assert.equal(scan.Count! + scan2.Count!, 25);
});

test("1,000 concurrent ADD end at exactly 1,000", async () => {
  await Promise.all(Array.from({ length: 1000 }, () => doc.send(new UpdateCommand({
    TableName: "Users", Key: { pk: "counter", sk: 0 }, UpdateExpression: "ADD hits :one", ExpressionAttributeValues: { ":one": 1 },
  }))));
  const got = await ddb.send(new GetItemCommand({ TableName: "Users", Key: { pk: { S: "counter" }, sk: { N: "0" } } }));
  assert.equal(got.Item!.hits!.N, "1000");
});

test("transactions are all-or-nothing with reasons in order", async () => {
  await assert.rejects(ddb.send(new TransactWriteItemsCommand({
    TransactItems: [
      { Put: { TableName: "Users", Item: { pk: { S: "t1" }, sk: { N: "0" } } } },
      { ConditionCheck: { TableName: "Users", Key: { pk: { S: "counter" }, sk: { N: "0" } }, ConditionExpression: "hits = :h", ExpressionAttributeValues: { ":h": { N: "5" } } } },
    ],
  })), (e: any) => {
    assert.equal(e.name, "TransactionCanceledException");
    assert.deepEqual(e.CancellationReasons.map((r: any) => r.Code), ["None", "ConditionalCheckFailed"]);
    assert.match(e.message, /\[None, ConditionalCheckFailed\]/);
    return true;
  });
  const none = await ddb.send(new GetItemCommand({ TableName: "Users", Key: { pk: { S: "t1" }, sk: { N: "0" } } }));
  assert.equal(none.Item, undefined);
  const token = "tok-1";
  const req = { ClientRequestToken: token, TransactItems: [{ Update: { TableName: "Users", Key: { pk: { S: "t2" }, sk: { N: "0" } }, UpdateExpression: "ADD c :one", ExpressionAttributeValues: { ":one": { N: "1" } } } }] };
  await ddb.send(new TransactWriteItemsCommand(req));
  await ddb.send(new TransactWriteItemsCommand(req));
  const t2 = await ddb.send(new GetItemCommand({ TableName: "Users", Key: { pk: { S: "t2" }, sk: { N: "0" } } }));
  assert.equal(t2.Item!.c!.N, "1", "idempotent token applied once");
});

test("batch write and get", async () => {
  await ddb.send(new BatchWriteItemCommand({ RequestItems: { Users: [1, 2, 3].map((i) => ({ PutRequest: { Item: { pk: { S: "b" }, sk: { N: String(i) } } } })) } }));
  const got = await ddb.send(new BatchGetItemCommand({ RequestItems: { Users: { Keys: [1, 3, 9].map((i) => ({ pk: { S: "b" }, sk: { N: String(i) } })) } } }));
  assert.equal(got.Responses!.Users!.length, 2);
  assert.deepEqual(got.UnprocessedKeys, {});
});

test("streams: records for INSERT/MODIFY/REMOVE with images", async () => {
  const { Streams } = await streams.send(new ListStreamsCommand({ TableName: "Users" }));
  const arn = Streams![0]!.StreamArn!;
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const shardId = StreamDescription!.Shards![0]!.ShardId!;
  assert.match(shardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
  const latest = await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: "LATEST" }));
  let woke = 0;
  tc.cloud.events.on("dynamodb:stream", (e: any) => { if (e.streamArn === arn) woke++; });
  await ddb.send(new PutItemCommand({ TableName: "Users", Item: { pk: { S: "s" }, sk: { N: "1" }, v: { N: "1" } } }));
  await ddb.send(new UpdateItemCommand({ TableName: "Users", Key: { pk: { S: "s" }, sk: { N: "1" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "2" } } }));
  await ddb.send(new DeleteItemCommand({ TableName: "Users", Key: { pk: { S: "s" }, sk: { N: "1" } } }));
  const recs = await streams.send(new GetRecordsCommand({ ShardIterator: latest.ShardIterator }));
  assert.deepEqual(recs.Records!.map((r) => r.eventName), ["INSERT", "MODIFY", "REMOVE"]);
  const mod = recs.Records![1]!;
  assert.equal(mod.eventSource, "aws:dynamodb");
  assert.equal(mod.eventVersion, "1.1");
  assert.deepEqual(mod.dynamodb!.Keys, { pk: { S: "s" }, sk: { N: "1" } });
  assert.deepEqual(mod.dynamodb!.OldImage!.v, { N: "1" });
  assert.deepEqual(mod.dynamodb!.NewImage!.v, { N: "2" });
  assert.match(mod.dynamodb!.SequenceNumber!, /^\d{21}$/);
  assert.ok(BigInt(recs.Records![2]!.dynamodb!.SequenceNumber!) > BigInt(mod.dynamodb!.SequenceNumber!));
  assert.ok(woke >= 1, "dynamodb:stream event emitted");
  const empty = await streams.send(new GetRecordsCommand({ ShardIterator: recs.NextShardIterator }));
  assert.deepEqual(empty.Records, []);
  assert.ok(empty.NextShardIterator);
});

test("TTL sweep deletes expired items with service identity", async (t) => {
  // The background sweep (every 2 s) must not beat the explicit one below on a slow machine.
  const sweeper = (tc.cloud.dynamodb as any).ttl;
  sweeper.stop();
  t.after(() => sweeper.start());
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: "Users", TimeToLiveSpecification: { AttributeName: "exp", Enabled: true } }));
  await ddb.send(new PutItemCommand({ TableName: "Users", Item: { pk: { S: "ttl" }, sk: { N: "1" }, exp: { N: String(Math.floor(Date.now() / 1000) - 10) } } }));
  await ddb.send(new PutItemCommand({ TableName: "Users", Item: { pk: { S: "ttl" }, sk: { N: "2" }, exp: { N: String(Math.floor(Date.now() / 1000) + 3600) } } }));
  const removed = (tc.cloud.dynamodb as any).ttl.sweep();
  assert.equal(removed, 1);
  const q = await ddb.send(new QueryCommand({ TableName: "Users", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "ttl" } } }));
  assert.deepEqual(q.Items!.map((i) => i.sk!.N), ["2"]);
});

test("delete table", async () => {
  await ddb.send(new CreateTableCommand({ TableName: "Tmp", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }));
  await assert.rejects(ddb.send(new CreateTableCommand({ TableName: "Tmp", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" })), (e: any) => e.name === "ResourceInUseException");
  const d = await ddb.send(new DeleteTableCommand({ TableName: "Tmp" }));
  assert.equal(d.TableDescription!.TableStatus, "DELETING");
  await assert.rejects(ddb.send(new DescribeTableCommand({ TableName: "Tmp" })), (e: any) => e.name === "ResourceNotFoundException");
});
