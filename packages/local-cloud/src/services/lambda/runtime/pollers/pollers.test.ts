import { test } from "node:test";
import assert from "node:assert/strict";
import { zipSync, strToU8 } from "fflate";
import { CreateFunctionCommand, CreateEventSourceMappingCommand, GetEventSourceMappingCommand, DeleteFunctionCommand } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, SendMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { PutItemCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, PutRecordCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { matchesPattern } from "./event-filter.js";
import { createRecorder as createRecorderIn, createStreamedTable, eventsOf as eventsOfIn, usePollerCloud } from "./recorder-fixture.js";

const env = usePollerCloud();

const createRecorder = (name: string, answer?: string) => createRecorderIn(env.lambda, name, answer);
const eventsOf = (functionName: string) => eventsOfIn(env.tc, functionName);

async function queueCounts(url: string) {
  const a = await env.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
  return { visible: Number(a.Attributes!.ApproximateNumberOfMessages), inFlight: Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible) };
}

test("SQS → Lambda: messages arrive as an SQS event and are deleted on success", async () => {
  const { QueueUrl } = await env.sqs.send(new CreateQueueCommand({ QueueName: "jobs" }));
  await createRecorder("worker");
  const rec = eventsOf("worker");
  const mapping = await env.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "worker", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:jobs" }));
  const started = Date.now();
  await env.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "hello", MessageAttributes: { kind: { DataType: "String", StringValue: "greeting" } } }));
  await rec.until(() => rec.events.length >= 1);
  const latency = Date.now() - started;
  const [record] = rec.events[0].Records;
  assert.equal(record.body, "hello");
  assert.equal(record.eventSource, "aws:sqs");
  assert.equal(record.eventSourceARN, "arn:aws:sqs:us-east-1:000000000000:jobs");
  assert.equal(record.awsRegion, "us-east-1");
  assert.match(record.messageId, /^[0-9a-f-]{36}$/);
  assert.ok(record.receiptHandle);
  assert.equal(record.md5OfBody, "5d41402abc4b2a76b9719d911017c592");
  assert.equal(record.attributes.ApproximateReceiveCount, "1");
  assert.ok(record.attributes.SentTimestamp);
  assert.deepEqual(record.messageAttributes.kind, { stringValue: "greeting", stringListValues: [], binaryListValues: [], dataType: "String" });
  assert.ok(latency < 1000, `delivered in ${latency} ms (woken by sqs:message)`);
  // Deleted after success.
  await rec.until(() => true);
  for (let i = 0; i < 40; i++) {
    const c = await queueCounts(QueueUrl!);
    if (c.visible === 0 && c.inFlight === 0) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.deepEqual(await queueCounts(QueueUrl!), { visible: 0, inFlight: 0 });
  const m = await env.lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
  assert.equal(m.LastProcessingResult, "OK");
  rec.stop();
});

test("SQS: ReportBatchItemFailures keeps only the failed messages; FilterCriteria drops the rest", async () => {
  const { QueueUrl } = await env.sqs.send(new CreateQueueCommand({ QueueName: "partial", Attributes: { VisibilityTimeout: "30" } }));
  // Fails every record whose body is "bad".
  await createRecorder("picky", `{ batchItemFailures: event.Records.filter(r => r.body.includes("bad")).map(r => ({ itemIdentifier: r.messageId })) }`);
  const rec = eventsOf("picky");
  for (const body of [`{"kind":"good"}`, `{"kind":"bad"}`, `{"kind":"skip"}`]) await env.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
  await env.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "picky",
      EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:partial",
      BatchSize: 10,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ body: { kind: ["good", "bad"] } }) }] },
    }),
  );
  await rec.until(() => rec.events.flatMap((e) => e.Records).length >= 2);
  const bodies = rec.events.flatMap((e) => e.Records.map((r: any) => r.body)).sort();
  assert.deepEqual(bodies, [`{"kind":"bad"}`, `{"kind":"good"}`]);
  let counts = await queueCounts(QueueUrl!);
  for (let i = 0; i < 40 && counts.inFlight !== 1; i++) {
    await new Promise((r) => setTimeout(r, 25));
    counts = await queueCounts(QueueUrl!);
  }
  // Only the failed message is left, invisible until its visibility timeout ends.
  assert.deepEqual(counts, { visible: 0, inFlight: 1 });
  rec.stop();
});

test("SQS: a mapping whose function disappears neither crashes nor loses messages", async () => {
  const { QueueUrl } = await env.sqs.send(new CreateQueueCommand({ QueueName: "orphan" }));
  await createRecorder("ghost");
  await env.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "ghost", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:orphan" }));
  await env.lambda.send(new DeleteFunctionCommand({ FunctionName: "ghost" }));
  await env.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "kept" }));
  await new Promise((r) => setTimeout(r, 300));
  const c = await queueCounts(QueueUrl!);
  assert.equal(c.visible + c.inFlight, 1);
  // The server still answers.
  const again = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
  assert.ok(Array.isArray(again.Messages ?? []));
});

test("DynamoDB Streams → Lambda: writes arrive as stream records", async () => {
  let streamArn = (await createStreamedTable(env.ddb, "Users", "NEW_AND_OLD_IMAGES")).LatestStreamArn;
  if (!streamArn) streamArn = (await env.ddb.send(new DescribeTableCommand({ TableName: "Users" }))).Table?.LatestStreamArn;
  assert.ok(streamArn);
  await createRecorder("on-user");
  const rec = eventsOf("on-user");
  await env.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "on-user",
      EventSourceArn: streamArn,
      StartingPosition: "LATEST",
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ["INSERT"] }) }] },
    }),
  );
  // Let the poller take its LATEST position before writing.
  await new Promise((r) => setTimeout(r, 200));
  await env.ddb.send(new PutItemCommand({ TableName: "Users", Item: { id: { S: "u1" }, name: { S: "Ada" } } }));
  await env.ddb.send(new PutItemCommand({ TableName: "Users", Item: { id: { S: "u1" }, name: { S: "Ada L." } } })); // MODIFY: filtered out
  await env.ddb.send(new PutItemCommand({ TableName: "Users", Item: { id: { S: "u2" }, name: { S: "Grace" } } }));
  await rec.until(() => rec.events.flatMap((e) => e.Records).length >= 2);
  await new Promise((r) => setTimeout(r, 200));
  const records = rec.events.flatMap((e) => e.Records);
  assert.deepEqual(records.map((r: any) => [r.eventName, r.dynamodb.Keys.id.S]), [["INSERT", "u1"], ["INSERT", "u2"]]);
  const r0 = records[0];
  assert.equal(r0.eventSource, "aws:dynamodb");
  assert.equal(r0.eventSourceARN, streamArn);
  assert.equal(r0.awsRegion, "us-east-1");
  assert.deepEqual(r0.dynamodb.NewImage, { id: { S: "u1" }, name: { S: "Ada" } });
  assert.equal(typeof r0.dynamodb.ApproximateCreationDateTime, "number");
  assert.ok(r0.dynamodb.SequenceNumber);
  rec.stop();
});

test("DynamoDB Streams: a poison record is bisected out, retried, then sent to the OnFailure queue", async () => {
  const streamArn = (await createStreamedTable(env.ddb, "Orders", "NEW_IMAGE")).LatestStreamArn!;
  const { QueueUrl: dlq } = await env.sqs.send(new CreateQueueCommand({ QueueName: "orders-dlq" }));
  for (const id of ["o1", "poison", "o3"]) await env.ddb.send(new PutItemCommand({ TableName: "Orders", Item: { id: { S: id } } }));
  await env.lambda.send(
    new CreateFunctionCommand({
      FunctionName: "orders",
      Role: "arn:aws:iam::000000000000:role/consumer",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: {
        ZipFile: zipSync({
          "index.mjs": strToU8(`export const handler = async (event) => {
            const ids = event.Records.map(r => r.dynamodb.Keys.id.S);
            if (ids.includes("poison")) throw new Error("poison in " + ids.join(","));
            console.log("EVENT " + JSON.stringify(ids));
          };`),
        }),
      },
    }),
  );
  const rec = eventsOf("orders");
  await env.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "orders",
      EventSourceArn: streamArn,
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 3,
      MaximumRetryAttempts: 1,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:orders-dlq" } },
    }),
  );
  await rec.until(() => rec.events.flat().length >= 2, 15000);
  assert.deepEqual(rec.events.flat().sort(), ["o1", "o3"]);
  let failure: any;
  for (let i = 0; i < 100 && !failure; i++) {
    const got = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 0 }));
    if (got.Messages?.length) failure = JSON.parse(got.Messages[0].Body!);
    else await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(failure, "a failure record reached the OnFailure queue");
  assert.equal(failure.requestContext.condition, "RetryAttemptsExhausted");
  assert.equal(failure.requestContext.approximateInvokeCount, 2);
  assert.equal(failure.DDBStreamBatchInfo.batchSize, 1);
  assert.equal(failure.DDBStreamBatchInfo.streamArn, streamArn);
  rec.stop();
});

test("Kinesis → Lambda: records arrive as Lambda delivers them, filtered on their JSON data", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "clicks", ShardCount: 2 }));
  const streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/clicks";
  await createRecorder("on-click");
  const rec = eventsOf("on-click");
  const before = Date.now();
  const put = await env.kinesis.send(new PutRecordCommand({ StreamName: "clicks", Data: Buffer.from(JSON.stringify({ page: "/home" })), PartitionKey: "user-1" }));
  await env.kinesis.send(new PutRecordCommand({ StreamName: "clicks", Data: Buffer.from(JSON.stringify({ page: "/admin" })), PartitionKey: "user-2" }));
  await env.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "on-click",
      EventSourceArn: streamArn,
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 10,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { page: [{ prefix: "/home" }, "/later"] } }) }] },
    }),
  );
  await rec.until(() => rec.events.length >= 1);
  const started = Date.now();
  await env.kinesis.send(new PutRecordsCommand({ StreamName: "clicks", Records: [{ Data: Buffer.from(JSON.stringify({ page: "/later" })), PartitionKey: "user-1" }] }));
  await rec.until(() => rec.events.flatMap((e) => e.Records).length >= 2);
  const latency = Date.now() - started;
  const records = rec.events.flatMap((e) => e.Records);
  assert.deepEqual(records.map((r: any) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).page), ["/home", "/later"], "the /admin record is filtered out");
  const r0 = records[0];
  assert.deepEqual(Object.keys(r0), ["kinesis", "eventSource", "eventVersion", "eventID", "eventName", "invokeIdentityArn", "awsRegion", "eventSourceARN"]);
  assert.deepEqual(Object.keys(r0.kinesis), ["kinesisSchemaVersion", "partitionKey", "sequenceNumber", "data", "approximateArrivalTimestamp"]);
  assert.equal(r0.kinesis.kinesisSchemaVersion, "1.0");
  assert.equal(r0.kinesis.partitionKey, "user-1");
  assert.equal(r0.kinesis.sequenceNumber, put.SequenceNumber);
  assert.equal(typeof r0.kinesis.approximateArrivalTimestamp, "number");
  assert.ok(Math.abs(r0.kinesis.approximateArrivalTimestamp * 1000 - before) < 5000, "arrival in epoch seconds");
  assert.equal(r0.eventSource, "aws:kinesis");
  assert.equal(r0.eventVersion, "1.0");
  assert.equal(r0.eventID, `${put.ShardId}:${put.SequenceNumber}`);
  assert.equal(r0.eventName, "aws:kinesis:record");
  assert.equal(r0.invokeIdentityArn, "arn:aws:iam::000000000000:role/consumer");
  assert.equal(r0.awsRegion, "us-east-1");
  assert.equal(r0.eventSourceARN, streamArn);
  assert.ok(latency < 1000, `delivered in ${latency} ms (woken by kinesis:records)`);
  rec.stop();
});

test("Kinesis: ReportBatchItemFailures retries from the failed record; exhausted retries go to the OnFailure queue", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "payments", ShardCount: 1 }));
  const streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/payments";
  const { QueueUrl: dlq } = await env.sqs.send(new CreateQueueCommand({ QueueName: "payments-dlq" }));
  // Reports the record keyed "bad" as failed.
  await createRecorder("payments", `{ batchItemFailures: event.Records.filter(r => r.kinesis.partitionKey === "bad").map(r => ({ itemIdentifier: r.kinesis.sequenceNumber })) }`);
  const rec = eventsOf("payments");
  const records = ["a", "bad", "c"].map((k) => ({ Data: Buffer.from(k), PartitionKey: k }));
  const put = await env.kinesis.send(new PutRecordsCommand({ StreamName: "payments", Records: records }));
  const mapping = await env.lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: "payments",
      EventSourceArn: streamArn,
      StartingPosition: "TRIM_HORIZON",
      BatchSize: 3,
      MaximumRetryAttempts: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:payments-dlq" } },
    }),
  );
  assert.equal(mapping.StartingPosition, "TRIM_HORIZON");
  assert.equal(mapping.MaximumRetryAttempts, 1);
  let failure: any;
  for (let i = 0; i < 200 && !failure; i++) {
    const got = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 0 }));
    if (got.Messages?.length) failure = JSON.parse(got.Messages[0].Body!);
    else await new Promise((r) => setTimeout(r, 50));
  }
  const keys = () => rec.events.map((e) => e.Records.map((r: any) => r.kinesis.partitionKey));
  assert.deepEqual(keys(), [["a", "bad", "c"], ["bad", "c"]], "the retry starts at the failed record");
  assert.ok(failure, "a failure record reached the OnFailure queue");
  assert.equal(failure.requestContext.condition, "RetryAttemptsExhausted");
  assert.equal(failure.KinesisBatchInfo.shardId, "shardId-000000000000");
  assert.equal(failure.KinesisBatchInfo.startSequenceNumber, put.Records![1]!.SequenceNumber);
  assert.equal(failure.KinesisBatchInfo.endSequenceNumber, put.Records![2]!.SequenceNumber);
  assert.equal(failure.KinesisBatchInfo.batchSize, 2);
  assert.equal(failure.KinesisBatchInfo.streamArn, streamArn);
  // The shard moves on.
  await env.kinesis.send(new PutRecordCommand({ StreamName: "payments", Data: Buffer.from("d"), PartitionKey: "d" }));
  await rec.until(() => rec.events.length >= 3);
  assert.deepEqual(keys()[2], ["d"]);
  rec.stop();
});

test("Kinesis: records older than MaximumRecordAgeInSeconds go to the OnFailure queue, not the function", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "stale", ShardCount: 1 }));
  const { QueueUrl: dlq } = await env.sqs.send(new CreateQueueCommand({ QueueName: "stale-dlq" }));
  await createRecorder("stale-consumer");
  const rec = eventsOf("stale-consumer");
  const put = await env.kinesis.send(new PutRecordCommand({ StreamName: "stale", Data: Buffer.from("old"), PartitionKey: "p" }));
  // The record is two minutes old by the time the mapping reads it.
  const realNow = Date.now;
  Date.now = () => realNow() + 120_000;
  let failure: any;
  try {
    await env.lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: "stale-consumer",
        EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/stale",
        StartingPosition: "TRIM_HORIZON",
        MaximumRecordAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:stale-dlq" } },
      }),
    );
    for (let i = 0; i < 200 && !failure; i++) {
      const got = await env.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 0 }));
      if (got.Messages?.length) failure = JSON.parse(got.Messages[0].Body!);
      else await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    Date.now = realNow;
  }
  assert.ok(failure, "the stale record reached the OnFailure queue");
  assert.equal(failure.requestContext.condition, "RecordAgeExceeded");
  assert.equal(failure.KinesisBatchInfo.startSequenceNumber, put.SequenceNumber);
  assert.equal(failure.KinesisBatchInfo.batchSize, 1);
  assert.deepEqual(rec.events, [], "the function never saw it");
  rec.stop();
});

test("Kinesis: a shard iterator that expired while the poller waited is replaced after the last record read", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "slow", ShardCount: 1 }));
  await createRecorder("slow-consumer");
  const rec = eventsOf("slow-consumer");
  await env.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "slow-consumer", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/slow", StartingPosition: "TRIM_HORIZON" }));
  await env.kinesis.send(new PutRecordCommand({ StreamName: "slow", Data: Buffer.from("first"), PartitionKey: "p" }));
  await rec.until(() => rec.events.length >= 1);
  // Six minutes pass: the iterator the poller holds is past Kinesis's five.
  const realNow = Date.now;
  Date.now = () => realNow() + 360_000;
  try {
    await env.kinesis.send(new PutRecordCommand({ StreamName: "slow", Data: Buffer.from("second"), PartitionKey: "p" }));
    await rec.until(() => rec.events.length >= 2);
  } finally {
    Date.now = realNow;
  }
  const data = rec.events.flatMap((e) => e.Records.map((r: any) => Buffer.from(r.kinesis.data, "base64").toString()));
  assert.deepEqual(data, ["first", "second"], "nothing lost, nothing delivered twice");
  rec.stop();
});

test("a Kinesis mapping is refused when the function's role cannot read the stream", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "private", ShardCount: 1 }));
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
  await env.tc.cloud.iam.call("CreateRole", { RoleName: "no-kinesis", AssumeRolePolicyDocument: JSON.stringify(trust) });
  await env.lambda.send(
    new CreateFunctionCommand({
      FunctionName: "outsider",
      Role: "arn:aws:iam::000000000000:role/no-kinesis",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(`export const handler = async () => {};`) }) },
    }),
  );
  const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/private";
  await assert.rejects(env.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "outsider", EventSourceArn: arn, StartingPosition: "LATEST" })), (e: any) => {
    assert.equal(e.name, "InvalidParameterValueException");
    assert.equal(e.message, `Cannot access stream ${arn}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.`);
    return true;
  });
  await assert.rejects(env.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "on-click", EventSourceArn: arn, StartingPosition: "AT_TIMESTAMP" })), (e: any) => {
    assert.equal(e.name, "InvalidParameterValueException");
    return true;
  });
});

test("an SQS mapping is refused when the queue's visibility timeout is shorter than the function's timeout", async () => {
  await env.sqs.send(new CreateQueueCommand({ QueueName: "short-visibility", Attributes: { VisibilityTimeout: "5" } }));
  await env.lambda.send(
    new CreateFunctionCommand({
      FunctionName: "slowpoke",
      Role: "arn:aws:iam::000000000000:role/consumer",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Timeout: 10,
      Code: { ZipFile: zipSync({ "index.mjs": strToU8(`export const handler = async () => {};`) }) },
    }),
  );
  await assert.rejects(
    env.lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "slowpoke", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:short-visibility" })),
    (e: any) => e.name === "InvalidParameterValueException" && e.message === "Queue visibility timeout: 5 seconds is less than Function timeout: 10 seconds",
  );
});

test("event filter patterns", () => {
  const rec = { eventName: "INSERT", dynamodb: { NewImage: { age: { N: "42" }, name: { S: "Ada" } } }, tags: ["a", "b"], n: 5 };
  assert.equal(matchesPattern({ eventName: ["INSERT", "MODIFY"] }, rec), true);
  assert.equal(matchesPattern({ eventName: ["REMOVE"] }, rec), false);
  assert.equal(matchesPattern({ dynamodb: { NewImage: { name: { S: [{ prefix: "Ad" }] } } } }, rec), true);
  assert.equal(matchesPattern({ dynamodb: { NewImage: { name: { S: [{ "anything-but": ["Ada"] }] } } } }, rec), false);
  assert.equal(matchesPattern({ dynamodb: { OldImage: [{ exists: false }] } }, rec), true);
  assert.equal(matchesPattern({ tags: ["b"] }, rec), true);
  assert.equal(matchesPattern({ n: [{ numeric: [">", 1, "<=", 5] }] }, rec), true);
  assert.equal(matchesPattern({ n: [{ numeric: [">", 5] }] }, rec), false);
  assert.equal(matchesPattern({ $or: [{ n: [1] }, { eventName: [{ "equals-ignore-case": "insert" }] }] }, rec), true);
});
