/** Operation semantics through DynamoDbService.call (in-process, as the CloudFormation engine and Lambda poller use it). */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import type { DynamoDbService } from "./index.js";

let tc: TestCloud;
let ddb: DynamoDbService;
const S = (s: string) => ({ S: s });
const N = (n: number | string) => ({ N: String(n) });

before(async () => {
  tc = await startTestCloud();
  ddb = tc.cloud.dynamodb;
  // The TTL tests drive sweeps themselves and count what each removes; the background
  // sweep would race them (on a loaded machine it ran between their calls).
  (ddb as any).ttl.stop();
});
after(() => tc.stop());

test("ListTables pages with ExclusiveStartTableName", async () => {
  for (const n of ["pg-a", "pg-b", "pg-c"]) {
    await ddb.call("CreateTable", { TableName: n, KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } });
  }
  const p1 = await ddb.call("ListTables", { Limit: 2 });
  assert.deepEqual(p1, { TableNames: ["pg-a", "pg-b"], LastEvaluatedTableName: "pg-b" });
  const p2 = await ddb.call("ListTables", { Limit: 2, ExclusiveStartTableName: p1.LastEvaluatedTableName });
  assert.deepEqual(p2.TableNames.filter((n: string) => n.startsWith("pg-")), ["pg-c"]);
  const d = await ddb.call("DescribeTable", { TableName: "pg-a" });
  assert.deepEqual(d.Table.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  await assert.rejects(ddb.call("CreateTable", { TableName: "bad", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "x", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }),
    /Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions/);
  await assert.rejects(ddb.call("CreateTable", { TableName: "bad", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }] }),
    /ReadCapacityUnits and WriteCapacityUnits must both be specified/);
});

test("UpdateTable: create a GSI (backfilled), delete it, toggle streams and billing", async () => {
  await ddb.call("CreateTable", { TableName: "upd", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" });
  for (let i = 0; i < 10; i++) await ddb.call("PutItem", { TableName: "upd", Item: { id: S(`i${i}`), color: S(i % 2 ? "red" : "blue"), n: N(i) } });
  const u = await ddb.call("UpdateTable", {
    TableName: "upd", AttributeDefinitions: [{ AttributeName: "color", AttributeType: "S" }, { AttributeName: "n", AttributeType: "N" }],
    GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byColor", KeySchema: [{ AttributeName: "color", KeyType: "HASH" }, { AttributeName: "n", KeyType: "RANGE" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["id"] } } }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
  });
  assert.equal(u.TableDescription.GlobalSecondaryIndexes[0].ItemCount, 10);
  const q = await ddb.call("Query", { TableName: "upd", IndexName: "byColor", KeyConditionExpression: "color = :c AND n > :n", ExpressionAttributeValues: { ":c": S("red"), ":n": N(4) }, ScanIndexForward: false });
  assert.deepEqual(q.Items.map((i: any) => i.n.N), ["9", "7", "5"]);
  const arn1 = u.TableDescription.LatestStreamArn;
  await ddb.call("UpdateTable", { TableName: "upd", StreamSpecification: { StreamEnabled: false } });
  const it = await ddb.call("GetShardIterator", { StreamArn: arn1, ShardId: (await ddb.call("DescribeStream", { StreamArn: arn1 })).StreamDescription.Shards[0].ShardId, ShardIteratorType: "TRIM_HORIZON" });
  const recs = await ddb.call("GetRecords", { ShardIterator: it.ShardIterator });
  assert.deepEqual(recs.Records, []);
  assert.equal(recs.NextShardIterator, undefined, "closed shard ends");
  const d = await ddb.call("UpdateTable", { TableName: "upd", GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byColor" } }], BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
  assert.equal(d.TableDescription.GlobalSecondaryIndexes, undefined);
  assert.equal(d.TableDescription.StreamSpecification, undefined);
  await assert.rejects(ddb.call("Query", { TableName: "upd", IndexName: "byColor", KeyConditionExpression: "color = :c", ExpressionAttributeValues: { ":c": S("red") } }), /does not have the specified index: byColor/);
});

test("tags, TTL description, continuous backups, limits", async () => {
  const arn = "arn:aws:dynamodb:us-east-1:000000000000:table/pg-a";
  await ddb.call("TagResource", { ResourceArn: arn, Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] });
  await ddb.call("UntagResource", { ResourceArn: arn, TagKeys: ["a"] });
  assert.deepEqual((await ddb.call("ListTagsOfResource", { ResourceArn: arn })).Tags, [{ Key: "b", Value: "2" }]);
  assert.deepEqual(await ddb.call("DescribeTimeToLive", { TableName: "pg-a" }), { TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } });
  await ddb.call("UpdateTimeToLive", { TableName: "pg-a", TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true } });
  assert.deepEqual(await ddb.call("DescribeTimeToLive", { TableName: "pg-a" }), { TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: "ttl" } });
  await assert.rejects(ddb.call("UpdateTimeToLive", { TableName: "pg-a", TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true } }), /TimeToLive is already enabled/);
  const b = await ddb.call("UpdateContinuousBackups", { TableName: "pg-a", PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
  assert.equal(b.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus, "ENABLED");
  await assert.rejects(ddb.call("DescribeContinuousBackups", { TableName: "nope" }), (e: any) => e.code === "TableNotFoundException");
  assert.equal((await ddb.call("DescribeLimits", {})).TableMaxReadCapacityUnits, 40000);
});

test("LSI queries, ALL_ATTRIBUTES fetch from the table, sparse GSI", async () => {
  await ddb.call("CreateTable", {
    TableName: "lsi", BillingMode: "PAY_PER_REQUEST",
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    AttributeDefinitions: ["pk", "sk", "lsk", "g"].map((a) => ({ AttributeName: a, AttributeType: "S" })),
    LocalSecondaryIndexes: [{ IndexName: "byLsk", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "lsk", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
    GlobalSecondaryIndexes: [{ IndexName: "sparse", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
  });
  for (let i = 0; i < 5; i++) {
    await ddb.call("PutItem", { TableName: "lsi", Item: { pk: S("p"), sk: S(`s${i}`), lsk: S(`l${4 - i}`), extra: N(i), ...(i === 2 ? { g: S("yes") } : {}) } });
  }
  const q = await ddb.call("Query", { TableName: "lsi", IndexName: "byLsk", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("p") }, Select: "ALL_ATTRIBUTES", Limit: 2 });
  assert.deepEqual(q.Items.map((i: any) => [i.lsk.S, i.extra.N]), [["l0", "4"], ["l1", "3"]]);
  assert.deepEqual(q.LastEvaluatedKey, { pk: S("p"), sk: S("s3"), lsk: S("l1") });
  const q2 = await ddb.call("Query", { TableName: "lsi", IndexName: "byLsk", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("p") }, ExclusiveStartKey: q.LastEvaluatedKey });
  assert.deepEqual(q2.Items.map((i: any) => i.lsk.S), ["l2", "l3", "l4"]);
  assert.equal(q2.Items[0].extra, undefined, "KEYS_ONLY projection by default");
  const sparse = await ddb.call("Scan", { TableName: "lsi", IndexName: "sparse" });
  assert.equal(sparse.Count, 1);
  await assert.rejects(ddb.call("PutItem", { TableName: "lsi", Item: { pk: S("p"), sk: S("x"), g: N(1) } }), /Type mismatch for Index Key g Expected: S Actual: N IndexName: sparse/);
  const desc = await ddb.call("DescribeTable", { TableName: "lsi" });
  assert.equal(desc.Table.LocalSecondaryIndexes[0].ItemCount, 5);
  assert.equal(desc.Table.GlobalSecondaryIndexes[0].ItemCount, 1);
  assert.equal(desc.Table.ItemCount, 5);
});

test("ReturnValues forms and ConsumedCapacity", async () => {
  await ddb.call("CreateTable", { TableName: "rvals", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" });
  const put = await ddb.call("PutItem", { TableName: "rvals", Item: { id: S("a"), m: { M: { x: N(1), y: N(2) } }, big: S("z".repeat(3000)) }, ReturnConsumedCapacity: "TOTAL" });
  assert.deepEqual(put.ConsumedCapacity, { TableName: "rvals", CapacityUnits: 3 });
  const common = { TableName: "rvals", Key: { id: S("a") }, UpdateExpression: "SET m.x = :v", ExpressionAttributeValues: { ":v": N(5) } };
  assert.deepEqual((await ddb.call("UpdateItem", { ...common, ReturnValues: "UPDATED_OLD" })).Attributes, { m: { M: { x: N(1) } } });
  assert.deepEqual((await ddb.call("UpdateItem", { ...common, ReturnValues: "UPDATED_NEW" })).Attributes, { m: { M: { x: N(5) } } });
  const allNew = await ddb.call("UpdateItem", { ...common, ReturnValues: "ALL_NEW" });
  assert.equal(allNew.Attributes.big.S.length, 3000);
  assert.deepEqual(await ddb.call("UpdateItem", { ...common, ReturnValues: "NONE" }), {});
  await assert.rejects(ddb.call("PutItem", { TableName: "rvals", Item: { id: S("a") }, ReturnValues: "ALL_NEW" }), /ReturnValues can only be ALL_OLD or NONE/);
  const get = await ddb.call("GetItem", { TableName: "rvals", Key: { id: S("a") }, ReturnConsumedCapacity: "INDEXES" });
  assert.deepEqual(get.ConsumedCapacity, { TableName: "rvals", CapacityUnits: 0.5, Table: { CapacityUnits: 0.5 } });
  const nf = await ddb.call("UpdateItem", { TableName: "rvals", Key: { id: S("new") }, UpdateExpression: "SET a = :v", ExpressionAttributeValues: { ":v": N(1) }, ReturnValues: "ALL_NEW" });
  assert.deepEqual(nf.Attributes, { id: S("new"), a: N(1) });
});

test("binary keys order by bytes and round-trip", async () => {
  await ddb.call("CreateTable", { TableName: "bin", KeySchema: [{ AttributeName: "h", KeyType: "HASH" }, { AttributeName: "r", KeyType: "RANGE" }], AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }, { AttributeName: "r", AttributeType: "B" }], BillingMode: "PAY_PER_REQUEST" });
  for (const bytes of [[2], [1, 255], [1], [0, 0]]) await ddb.call("PutItem", { TableName: "bin", Item: { h: S("x"), r: { B: new Uint8Array(bytes) } } });
  const q = await ddb.call("Query", { TableName: "bin", KeyConditionExpression: "h = :h AND begins_with(r, :p)", ExpressionAttributeValues: { ":h": S("x"), ":p": { B: new Uint8Array([1]) } } });
  assert.deepEqual(q.Items.map((i: any) => [...Buffer.from(i.r.B, "base64")]), [[1], [1, 255]]);
});

test("Scan pagination visits every item once", async () => {
  const seen: string[] = [];
  let esk: any;
  do {
    const r = await ddb.call("Scan", { TableName: "upd", Limit: 3, ExclusiveStartKey: esk });
    seen.push(...r.Items.map((i: any) => i.id.S));
    esk = r.LastEvaluatedKey;
  } while (esk);
  assert.equal(new Set(seen).size, 10);
  assert.equal(seen.length, 10);
});

test("Query filter on a key attribute is refused; ItemCollectionMetrics on LSI tables", async () => {
  await assert.rejects(
    ddb.call("Query", { TableName: "lsi", KeyConditionExpression: "pk = :p", FilterExpression: "sk = :s", ExpressionAttributeValues: { ":p": S("p"), ":s": S("s1") } }),
    /Filter Expression can only contain non-primary key attributes: Primary key attribute: sk/,
  );
  const r = await ddb.call("PutItem", { TableName: "lsi", Item: { pk: S("p"), sk: S("z"), lsk: S("q") }, ReturnItemCollectionMetrics: "SIZE" });
  assert.deepEqual(r.ItemCollectionMetrics, { ItemCollectionKey: { pk: S("p") }, SizeEstimateRangeGB: [0, 1] });
  const none = await ddb.call("PutItem", { TableName: "upd", Item: { id: S("zz") }, ReturnItemCollectionMetrics: "SIZE" });
  assert.equal(none.ItemCollectionMetrics, undefined);
});

test("an expired shard iterator is refused", async () => {
  const arn = (await ddb.call("ListStreams", {})).Streams[0].StreamArn;
  const shardId = (await ddb.call("DescribeStream", { StreamArn: arn })).StreamDescription.Shards[0].ShardId;
  const old = Buffer.from(JSON.stringify({ a: arn, s: shardId, p: 0, t: Date.now() - 16 * 60 * 1000 })).toString("base64");
  await assert.rejects(ddb.call("GetRecords", { ShardIterator: old }), (e: any) => e.code === "ExpiredIteratorException");
});

test("TTL deletions appear in the stream as REMOVE by the DynamoDB service", async () => {
  await ddb.call("CreateTable", { TableName: "ttlstream", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST", StreamSpecification: { StreamEnabled: true, StreamViewType: "OLD_IMAGE" } });
  await ddb.call("PutItem", { TableName: "ttlstream", Item: { id: S("old"), exp: N(1000) } });
  await ddb.call("UpdateTimeToLive", { TableName: "ttlstream", TimeToLiveSpecification: { AttributeName: "exp", Enabled: true } });
  const arn = (await ddb.call("DescribeTable", { TableName: "ttlstream" })).Table.LatestStreamArn;
  const shardId = (await ddb.call("DescribeStream", { StreamArn: arn })).StreamDescription.Shards[0].ShardId;
  const it = (await ddb.call("GetShardIterator", { StreamArn: arn, ShardId: shardId, ShardIteratorType: "LATEST" })).ShardIterator;
  assert.equal((ddb as any).ttl.sweep(), 1);
  const { Records } = await ddb.call("GetRecords", { ShardIterator: it });
  assert.equal(Records.length, 1);
  assert.equal(Records[0].eventName, "REMOVE");
  assert.deepEqual(Records[0].userIdentity, { type: "Service", principalId: "dynamodb.amazonaws.com" });
  assert.deepEqual(Records[0].dynamodb.OldImage, { id: S("old"), exp: N(1000) });
  assert.equal(Records[0].dynamodb.NewImage, undefined);
});

test("request-level validation messages", async () => {
  await assert.rejects(ddb.call("GetItem", { TableName: "upd", Key: { id: S("a") }, ProjectionExpression: "#a", ExpressionAttributeNames: { a: "x" } }), /ExpressionAttributeNames contains invalid key: Syntax error; key: "a"/);
  await assert.rejects(ddb.call("Query", { TableName: "upd", Select: "SPECIFIC_ATTRIBUTES", KeyConditionExpression: "id = :i", ExpressionAttributeValues: { ":i": S("a") } }), /Must specify the AttributesToGet or ProjectionExpression/);
  await assert.rejects(ddb.call("Query", { TableName: "upd", KeyConditionExpression: "id = :i AND colour = :o", ExpressionAttributeValues: { ":i": S("a"), ":o": S("b") } }), /Query key condition not supported/);
  await assert.rejects(ddb.call("Query", { TableName: "lsi", KeyConditionExpression: "pk = :i AND colour = :o", ExpressionAttributeValues: { ":i": S("a"), ":o": S("b") } }), /Query condition missed key schema element: sk/);
  await assert.rejects(ddb.call("Query", { TableName: "lsi", KeyConditionExpression: "sk = :i", ExpressionAttributeValues: { ":i": S("a") } }), /Query condition missed key schema element: pk/);
  await assert.rejects(ddb.call("PutItem", { TableName: "upd", Item: { id: S("a"), s: { SS: [] } } }), /An string set  may not be empty/);
  await assert.rejects(ddb.call("PutItem", { TableName: "upd", Item: { id: N(1) } }), /Type mismatch for key id expected: S actual: N/);
  await assert.rejects(ddb.call("PutItem", { TableName: "upd", Item: { other: S("x") } }), /Missing the key id in the item/);
  await assert.rejects(ddb.call("PutItem", { TableName: "upd", Item: { id: S("a") }, ConditionExpression: "attribute_exists(id)", Expected: { id: { Exists: false } } }), /Can not use both expression and non-expression parameters/);
  await assert.rejects(ddb.call("Scan", { TableName: "upd", Segment: 3, TotalSegments: 3 }), /Segment: 3 is not less than TotalSegments: 3/);
  await assert.rejects(ddb.call("TransactWriteItems", { TransactItems: [
    { Put: { TableName: "upd", Item: { id: S("dup") } } }, { Delete: { TableName: "upd", Key: { id: S("dup") } } },
  ] }), /Transaction request cannot include multiple operations on one item/);
  const puts = (n: number) => Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { id: S(`b${i}`) } } }));
  // Over 25 for one table breaks the request map's value constraint; over 25 in all is DynamoDB's own check.
  await assert.rejects(ddb.call("BatchWriteItem", { RequestItems: { upd: puts(26) } }), /at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\]/);
  await assert.rejects(ddb.call("BatchWriteItem", { RequestItems: { upd: puts(13), lsi: puts(13) } }), /Too many items requested for the BatchWriteItem call/);
});

test("Query pages stop at 1 MB of evaluated data", async () => {
  await ddb.call("CreateTable", { TableName: "bigitems", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }], BillingMode: "PAY_PER_REQUEST" });
  for (let i = 0; i < 25; i++) await ddb.call("PutItem", { TableName: "bigitems", Item: { pk: S("p"), sk: N(i), blob: S("x".repeat(100 * 1024)) } });
  const first = await ddb.call("Query", { TableName: "bigitems", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("p") } });
  assert.ok(first.Count >= 10 && first.Count <= 11, `page holds about 1 MB, got ${first.Count}`);
  assert.ok(first.LastEvaluatedKey);
  let total = first.Count;
  let esk = first.LastEvaluatedKey;
  while (esk) {
    const next = await ddb.call("Query", { TableName: "bigitems", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("p") }, ExclusiveStartKey: esk });
    total += next.Count;
    esk = next.LastEvaluatedKey;
  }
  assert.equal(total, 25);
  const d = await ddb.call("DescribeTable", { TableName: "bigitems" });
  assert.ok(d.Table.TableSizeBytes > 25 * 100 * 1024);
});

test("GSI backfill leaves out items whose attribute has another type", async () => {
  await ddb.call("CreateTable", { TableName: "backfill", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" });
  await ddb.call("PutItem", { TableName: "backfill", Item: { id: S("a"), v: S("text") } });
  await ddb.call("PutItem", { TableName: "backfill", Item: { id: S("b"), v: N(1) } });
  const u = await ddb.call("UpdateTable", { TableName: "backfill", AttributeDefinitions: [{ AttributeName: "v", AttributeType: "S" }], GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byV", KeySchema: [{ AttributeName: "v", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }] });
  assert.equal(u.TableDescription.GlobalSecondaryIndexes[0].ItemCount, 1);
  await assert.rejects(ddb.call("UpdateTable", { TableName: "backfill" }), /At least one of ProvisionedThroughput/);
});

test("legacy KeyConditions, Expected with operators and ConditionalOperator OR", async () => {
  const q = await ddb.call("Query", { TableName: "lsi", KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: [S("p")] }, sk: { ComparisonOperator: "BEGINS_WITH", AttributeValueList: [S("s")] } } });
  assert.equal(q.Count, 5);
  await ddb.call("PutItem", { TableName: "upd", Item: { id: S("leg"), n: N(5) } });
  await ddb.call("PutItem", {
    TableName: "upd", Item: { id: S("leg"), n: N(6) }, ConditionalOperator: "OR",
    Expected: { n: { ComparisonOperator: "GT", AttributeValueList: [N(100)] }, missing: { Exists: false } },
  });
  await assert.rejects(ddb.call("PutItem", {
    TableName: "upd", Item: { id: S("leg"), n: N(7) },
    Expected: { n: { ComparisonOperator: "BETWEEN", AttributeValueList: [N(1), N(5)] } },
  }), (e: any) => e.code === "ConditionalCheckFailedException");
  await assert.rejects(ddb.call("PutItem", { TableName: "upd", Item: { id: S("leg") }, Expected: { n: { ComparisonOperator: "EQ", AttributeValueList: [] } } }), /Invalid number of argument\(s\) for the EQ ComparisonOperator/);
});

test("TransactWriteItems token reused with other parameters", async () => {
  const base = { ClientRequestToken: "tok-x", TransactItems: [{ Put: { TableName: "upd", Item: { id: S("tx1") } } }] };
  await ddb.call("TransactWriteItems", base);
  await assert.rejects(ddb.call("TransactWriteItems", { ...base, TransactItems: [{ Put: { TableName: "upd", Item: { id: S("tx2") } } }] }), (e: any) => e.code === "IdempotentParameterMismatchException");
  const tg = await ddb.call("TransactGetItems", { TransactItems: [{ Get: { TableName: "upd", Key: { id: S("tx1") } } }, { Get: { TableName: "upd", Key: { id: S("none") } } }] });
  assert.deepEqual(tg.Responses, [{ Item: { id: S("tx1") } }, {}]);
});

test("GSI backfill and TTL refresh walk large tables in chunks", async () => {
  await ddb.call("CreateTable", { TableName: "chunky", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" });
  for (let i = 0; i < 2500; i += 25) {
    await ddb.call("BatchWriteItem", { RequestItems: { chunky: Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: { id: S(`k${i + j}`), g: S(`g${(i + j) % 7}`), exp: N(1) } } })) } });
  }
  const u = await ddb.call("UpdateTable", { TableName: "chunky", AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }], GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }] });
  assert.equal(u.TableDescription.GlobalSecondaryIndexes[0].ItemCount, 2500);
  await ddb.call("UpdateTimeToLive", { TableName: "chunky", TimeToLiveSpecification: { AttributeName: "exp", Enabled: true } });
  let removed = 0;
  for (let n; (n = (ddb as any).ttl.sweep()) > 0; ) removed += n;
  assert.equal(removed, 2500);
  assert.equal((await ddb.call("DescribeTable", { TableName: "chunky" })).Table.ItemCount, 0);
});
