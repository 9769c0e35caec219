/**
 * Writes that arrive together share one SQLite transaction (group commit), each in its
 * own savepoint: a request that fails part-way — a transaction whose last check fails
 * after its writes ran, a conditional put — must roll back only itself, never the
 * neighbours committed with it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let ddb: DynamoDBClient;
before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient({ ...tc.clientConfig, maxAttempts: 1 });
  await ddb.send(new CreateTableCommand({ TableName: "Group", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }], StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }));
  await ddb.send(new PutItemCommand({ TableName: "Group", Item: { id: { S: "keep" }, v: { N: "1" } } }));
  await ddb.send(new PutItemCommand({ TableName: "Group", Item: { id: { S: "guard" }, v: { N: "1" } } }));
});
after(async () => {
  ddb?.destroy();
  await tc?.stop();
});

const get = async (id: string) => (await ddb.send(new GetItemCommand({ TableName: "Group", Key: { id: { S: id } }, ConsistentRead: true }))).Item;

test("a failed transaction inside a commit group leaves no trace; its neighbours commit", async () => {
  for (let round = 0; round < 5; round++) {
    const results = await Promise.allSettled([
      ddb.send(new PutItemCommand({ TableName: "Group", Item: { id: { S: `ok-a${round}` } } })),
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [
        { Put: { TableName: "Group", Item: { id: { S: `tx-new${round}` } } } },
        { Update: { TableName: "Group", Key: { id: { S: "keep" } }, UpdateExpression: "SET v = v + :one", ExpressionAttributeValues: { ":one": { N: "1" } } } },
        { Delete: { TableName: "Group", Key: { id: { S: `ok-a${round}` } } } },
        { ConditionCheck: { TableName: "Group", Key: { id: { S: "guard" } }, ConditionExpression: "v = :never", ExpressionAttributeValues: { ":never": { N: "-1" } } } },
      ] })),
      ddb.send(new PutItemCommand({ TableName: "Group", Item: { id: { S: "keep" } }, ConditionExpression: "attribute_not_exists(id)" })),
      ddb.send(new UpdateItemCommand({ TableName: "Group", Key: { id: { S: "counter" } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } })),
      ddb.send(new PutItemCommand({ TableName: "Group", Item: { id: { S: `ok-b${round}` } } })),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "rejected", "fulfilled", "fulfilled"]);
    assert.equal((results[1] as PromiseRejectedResult).reason.name, "TransactionCanceledException");
    assert.equal((results[2] as PromiseRejectedResult).reason.name, "ConditionalCheckFailedException");
    assert.equal(await get(`tx-new${round}`), undefined);
    assert.deepEqual(await get("keep"), { id: { S: "keep" }, v: { N: "1" } });
    assert.ok(await get(`ok-a${round}`), "the transaction's delete was rolled back");
    assert.ok(await get(`ok-b${round}`));
    assert.equal((await get("counter"))!.n!.N, String(round + 1));
  }
  // Only committed writes reached the stream: 3 per round (ok-a, counter, ok-b).
  const desc = await tc.cloud.dynamodb.call("DescribeTable", { TableName: "Group" });
  const streamArn = desc.Table.LatestStreamArn;
  const shard = (await tc.cloud.dynamodb.call("DescribeStream", { StreamArn: streamArn })).StreamDescription.Shards[0].ShardId;
  const it = (await tc.cloud.dynamodb.call("GetShardIterator", { StreamArn: streamArn, ShardId: shard, ShardIteratorType: "TRIM_HORIZON" })).ShardIterator;
  const records = (await tc.cloud.dynamodb.call("GetRecords", { ShardIterator: it })).Records;
  assert.equal(records.length, 2 + 5 * 3);
  assert.ok(records.every((r: any) => !String(r.dynamodb.Keys.id.S).startsWith("tx-")));
});
