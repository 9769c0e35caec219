/**
 * Item size as DynamoDB computes it (names + values, base-100 numbers, container
 * overhead) at the exact 400 KB (409,600-byte) boundary, and ConsumedCapacity as it
 * charges: 4 KB read units (halved when eventually consistent), 1 KB write units,
 * transactions double and split into Read/WriteCapacityUnits, through the SDK.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, QueryCommand, TransactWriteItemsCommand, TransactGetItemsCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let ddb: DynamoDBClient;
const LIMIT = 409_600;

before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient(tc.clientConfig);
  await ddb.send(new CreateTableCommand({ TableName: "Sizes", BillingMode: "PAY_PER_REQUEST", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "S" }] }));
});
after(async () => {
  ddb?.destroy();
  await tc?.stop();
});

type Item = Record<string, AttributeValue>;
/** `base` padded with attribute `p` (a string) so that the item measures exactly `total` bytes, given base's size. */
const padded = (base: Item, baseSize: number, total: number): Item => ({ ...base, p: { S: "x".repeat(total - baseSize - 1) } });
const key = (sk: string): Item => ({ pk: { S: "k" }, sk: { S: sk } });
// pk:"k" → 2 + 1, sk:"<sk>" → 2 + sk.length
const keySize = (sk: string) => 3 + 2 + sk.length;

async function putRefused(item: Item, message = "Item size has exceeded the maximum allowed size") {
  await assert.rejects(ddb.send(new PutItemCommand({ TableName: "Sizes", Item: item })), (e: any) => {
    assert.equal(e.name, "ValidationException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, message);
    return true;
  });
}

test("an item of exactly 409,600 bytes is accepted; one byte more is refused", async () => {
  await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(key("a"), keySize("a"), LIMIT) }));
  await putRefused(padded(key("b"), keySize("b"), LIMIT + 1));
});

test("numbers are sized base-100 on the decimal point, not by their text", async () => {
  // name "n" (1) + the number's own size.
  for (const [literal, cost] of [["3.14159", 5], ["123456", 4], ["1E125", 2], ["-1", 3], ["0042.1200", 3], ["120", 3], ["1200", 2]] as const) {
    const base = { ...key(`n${literal}`), n: { N: literal } };
    const size = keySize(`n${literal}`) + 1 + cost;
    await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(base, size, LIMIT) }));
    await putRefused(padded({ ...base, sk: { S: `o${literal}` } }, size, LIMIT + 1));
  }
});

test("maps and lists cost 3 bytes plus 1 per element; sets cost their members", async () => {
  // m: name 1 + 3 + (1 + "a" 1 + S "xy" 2) + (1 + "b" 1 + BOOL 1) = 11
  // l: name 1 + 3 + (1 + N "7" 2) + (1 + NULL 1) = 9
  // s: name 1 + "ab" 2 + "c" 1 = 4
  const base: Item = { ...key("c"), m: { M: { a: { S: "xy" }, b: { BOOL: true } } }, l: { L: [{ N: "7" }, { NULL: true }] }, s: { SS: ["ab", "c"] } };
  const size = keySize("c") + 11 + 9 + 4;
  await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(base, size, LIMIT) }));
  await putRefused(padded({ ...base, sk: { S: "d" } }, size, LIMIT + 1));
});

test("an update that grows an item past the limit is refused with the update wording", async () => {
  await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(key("u"), keySize("u"), LIMIT - 10) }));
  await assert.rejects(
    ddb.send(new UpdateItemCommand({ TableName: "Sizes", Key: key("u"), UpdateExpression: "SET q = :v", ExpressionAttributeValues: { ":v": { S: "0123456789" } } })),
    (e: any) => e.name === "ValidationException" && e.message === "Item size to update has exceeded the maximum allowed size",
  );
});

test("reads cost 4 KB units, halved when eventually consistent", async () => {
  await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(key("r4096"), keySize("r4096"), 4096) }));
  await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(key("r4097"), keySize("r4097"), 4097) }));
  const get = async (sk: string, consistent: boolean) =>
    (await ddb.send(new GetItemCommand({ TableName: "Sizes", Key: key(sk), ConsistentRead: consistent, ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity;
  assert.deepEqual(await get("r4096", true), { TableName: "Sizes", CapacityUnits: 1 });
  assert.deepEqual(await get("r4096", false), { TableName: "Sizes", CapacityUnits: 0.5 });
  assert.deepEqual(await get("r4097", true), { TableName: "Sizes", CapacityUnits: 2 });
  assert.deepEqual(await get("r4097", false), { TableName: "Sizes", CapacityUnits: 1 });
  // A missing item still costs the minimum unit.
  assert.deepEqual(await get("missing", false), { TableName: "Sizes", CapacityUnits: 0.5 });
});

test("a Query is charged on the summed size of the items it read", async () => {
  for (const sk of ["q1", "q2", "q3"]) await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: { ...padded(key(sk), keySize(sk), 2000), pk: { S: "q" } } }));
  const q = await ddb.send(new QueryCommand({ TableName: "Sizes", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "q" } }, ReturnConsumedCapacity: "INDEXES" }));
  // pk "q" is as long as "k": 3 × 2000 = 6000 bytes → 2 units, eventually consistent → 1.
  assert.deepEqual(q.ConsumedCapacity, { TableName: "Sizes", CapacityUnits: 1, Table: { CapacityUnits: 1 } });
});

test("writes cost 1 KB units (the larger of old and new item); transactions cost double and report the split", async () => {
  const put = async (sk: string, size: number) =>
    (await ddb.send(new PutItemCommand({ TableName: "Sizes", Item: padded(key(sk), keySize(sk), size), ReturnConsumedCapacity: "TOTAL" }))).ConsumedCapacity;
  assert.deepEqual(await put("w", 1024), { TableName: "Sizes", CapacityUnits: 1 });
  assert.deepEqual(await put("w2", 1025), { TableName: "Sizes", CapacityUnits: 2 });
  // Shrinking w2 to 10 bytes is charged on the old 1,025.
  assert.deepEqual(await put("w2", 20), { TableName: "Sizes", CapacityUnits: 2 });

  const tw = await ddb.send(new TransactWriteItemsCommand({ ReturnConsumedCapacity: "TOTAL", TransactItems: [{ Put: { TableName: "Sizes", Item: padded(key("t"), keySize("t"), 1025) } }] }));
  assert.deepEqual(tw.ConsumedCapacity, [{ TableName: "Sizes", CapacityUnits: 4, WriteCapacityUnits: 4 }]);
  const tg = await ddb.send(new TransactGetItemsCommand({ ReturnConsumedCapacity: "TOTAL", TransactItems: [{ Get: { TableName: "Sizes", Key: key("r4097") } }, { Get: { TableName: "Sizes", Key: key("r4096") } }] }));
  assert.deepEqual(tg.ConsumedCapacity, [{ TableName: "Sizes", CapacityUnits: 6, ReadCapacityUnits: 6 }]);
});
