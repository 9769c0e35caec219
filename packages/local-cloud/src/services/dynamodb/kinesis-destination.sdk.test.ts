/**
 * Kinesis Data Streams for DynamoDB through the real SDK clients: a table with a Kinesis
 * streaming destination publishes every item change to the stream, in DynamoDB's
 * Kinesis record format.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  DynamoDBClient,
  CreateTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  EnableKinesisStreamingDestinationCommand,
  DisableKinesisStreamingDestinationCommand,
  DescribeKinesisStreamingDestinationCommand,
} from "@aws-sdk/client-dynamodb";
import { KinesisClient, CreateStreamCommand, GetShardIteratorCommand, GetRecordsCommand } from "@aws-sdk/client-kinesis";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let ddb: DynamoDBClient;
let kinesis: KinesisClient;
const STREAM = "arn:aws:kinesis:us-east-1:000000000000:stream/changes";

before(async () => {
  tc = await startTestCloud();
  ddb = new DynamoDBClient(tc.clientConfig);
  kinesis = new KinesisClient(tc.clientConfig);
  await kinesis.send(new CreateStreamCommand({ StreamName: "changes", ShardCount: 1 }));
  await ddb.send(
    new CreateTableCommand({
      TableName: "Notes",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
});
after(async () => {
  ddb?.destroy();
  kinesis?.destroy();
  await tc?.stop();
});

/** Every record on the stream so far, parsed. */
async function published(): Promise<any[]> {
  await tc.cloud.dynamodb.kinesisForwarded();
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: "changes", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
  const out = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
  return out.Records!.map((r) => ({ partitionKey: r.PartitionKey, ...JSON.parse(Buffer.from(r.Data!).toString("utf8")) }));
}

test("enable, describe and disable a table's Kinesis streaming destination", async () => {
  await assert.rejects(ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: "Notes", StreamArn: "arn:aws:kinesis:us-east-1:000000000000:stream/nope" })), {
    name: "ResourceNotFoundException",
  });
  await assert.rejects(ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: "Missing", StreamArn: STREAM })), { name: "ResourceNotFoundException" });
  const enabled = await ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: "Notes", StreamArn: STREAM }));
  assert.equal(enabled.DestinationStatus, "ENABLING");
  assert.equal(enabled.EnableKinesisStreamingConfiguration?.ApproximateCreationDateTimePrecision, "MILLISECOND");
  const described = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: "Notes" }));
  assert.deepEqual(described.KinesisDataStreamDestinations, [{ StreamArn: STREAM, DestinationStatus: "ACTIVE", ApproximateCreationDateTimePrecision: "MILLISECOND" }]);
  await assert.rejects(ddb.send(new EnableKinesisStreamingDestinationCommand({ TableName: "Notes", StreamArn: STREAM })), { name: "ValidationException" });
});

test("item changes reach the stream in DynamoDB's Kinesis record format, and stop once disabled", async () => {
  const before = Date.now();
  await ddb.send(new PutItemCommand({ TableName: "Notes", Item: { pk: { S: "n1" }, text: { S: "hello" } } }));
  await ddb.send(new UpdateItemCommand({ TableName: "Notes", Key: { pk: { S: "n1" } }, UpdateExpression: "SET #t = :t", ExpressionAttributeNames: { "#t": "text" }, ExpressionAttributeValues: { ":t": { S: "bye" } } }));
  // A write that changes nothing publishes nothing.
  await ddb.send(new PutItemCommand({ TableName: "Notes", Item: { pk: { S: "n1" }, text: { S: "bye" } } }));
  await ddb.send(new DeleteItemCommand({ TableName: "Notes", Key: { pk: { S: "n1" } } }));
  const records = await published();
  assert.deepEqual(records.map((r) => r.eventName), ["INSERT", "MODIFY", "REMOVE"]);
  const [insert, modify, remove] = records;
  assert.deepEqual(Object.keys(insert).filter((k) => k !== "partitionKey").sort(), ["awsRegion", "dynamodb", "eventID", "eventName", "eventSource", "recordFormat", "tableName", "userIdentity"]);
  assert.equal(insert.awsRegion, "us-east-1");
  assert.match(insert.eventID, /^[0-9a-f-]{36}$/);
  assert.equal(insert.eventSource, "aws:dynamodb");
  assert.equal(insert.recordFormat, "application/json");
  assert.equal(insert.tableName, "Notes");
  assert.equal(insert.userIdentity, null);
  assert.deepEqual(insert.dynamodb.Keys, { pk: { S: "n1" } });
  assert.deepEqual(insert.dynamodb.NewImage, { pk: { S: "n1" }, text: { S: "hello" } });
  assert.equal(insert.dynamodb.OldImage, undefined);
  assert.ok(insert.dynamodb.ApproximateCreationDateTime >= before && insert.dynamodb.ApproximateCreationDateTime <= Date.now(), "milliseconds");
  assert.equal(typeof insert.dynamodb.SizeBytes, "number");
  assert.deepEqual(modify.dynamodb.OldImage, { pk: { S: "n1" }, text: { S: "hello" } });
  assert.deepEqual(modify.dynamodb.NewImage, { pk: { S: "n1" }, text: { S: "bye" } });
  assert.deepEqual(remove.dynamodb.OldImage, { pk: { S: "n1" }, text: { S: "bye" } });
  assert.equal(remove.dynamodb.NewImage, undefined);
  // One item's changes share a partition key (and so stay in order on one shard).
  assert.equal(new Set(records.map((r) => r.partitionKey)).size, 1);

  const disabled = await ddb.send(new DisableKinesisStreamingDestinationCommand({ TableName: "Notes", StreamArn: STREAM }));
  assert.equal(disabled.DestinationStatus, "DISABLING");
  await ddb.send(new PutItemCommand({ TableName: "Notes", Item: { pk: { S: "n2" } } }));
  assert.equal((await published()).length, 3);
  const described = await ddb.send(new DescribeKinesisStreamingDestinationCommand({ TableName: "Notes" }));
  assert.equal(described.KinesisDataStreamDestinations?.[0]?.DestinationStatus, "DISABLED");
});

test("microsecond precision, when asked for", async () => {
  await ddb.send(
    new EnableKinesisStreamingDestinationCommand({ TableName: "Notes", StreamArn: STREAM, EnableKinesisStreamingConfiguration: { ApproximateCreationDateTimePrecision: "MICROSECOND" } }),
  );
  await ddb.send(new PutItemCommand({ TableName: "Notes", Item: { pk: { S: "n3" } } }));
  const last = (await published()).at(-1);
  assert.equal(last.dynamodb.ApproximateCreationDateTimePrecision, "MICROSECOND");
  assert.ok(last.dynamodb.ApproximateCreationDateTime > Date.now() * 100, "microseconds");
});
