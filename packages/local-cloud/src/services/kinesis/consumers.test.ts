/** Enhanced fan-out consumer registration through the real AWS SDK v3 client. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KinesisClient,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  DeregisterStreamConsumerCommand,
  ListStreamConsumersCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { LambdaClient, CreateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { createPollerRole, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError as rejects, useTestCloud } from "../../test-fixtures.js";
import { createRecorder, eventsOf } from "../lambda/runtime/pollers/recorder-fixture.js";
import { MAX_CONSUMERS_PER_STREAM } from "./consumers.js";

let tc: TestCloud;
let kinesis: KinesisClient;
const STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/fans";

useTestCloud((started) => {
  tc = started;
  return (kinesis = new KinesisClient(tc.clientConfig));
});

test("consumers: register, describe by ARN or by name, list, count, deregister; a stream with consumers needs EnforceConsumerDeletion", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "fans", ShardCount: 1 }));
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: "analytics" }));
  assert.equal(Consumer!.ConsumerName, "analytics");
  assert.equal(Consumer!.ConsumerStatus, "ACTIVE");
  assert.ok(Consumer!.ConsumerCreationTimestamp instanceof Date);
  assert.equal(Consumer!.ConsumerARN, `${STREAM_ARN}/consumer/analytics:${Math.floor(Consumer!.ConsumerCreationTimestamp!.getTime() / 1000)}`);

  const byArn = (await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).ConsumerDescription!;
  const byName = (await kinesis.send(new DescribeStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: "analytics" }))).ConsumerDescription!;
  assert.deepEqual(byArn, byName);
  assert.equal(byArn.StreamARN, STREAM_ARN);

  await rejects(kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: "analytics" })), "ResourceInUseException", /already exists/);
  await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: STREAM_ARN, ConsumerName: "archive" }));
  const page = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN, MaxResults: 1 }));
  const rest = await kinesis.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN, NextToken: page.NextToken }));
  assert.deepEqual([...page.Consumers!, ...rest.Consumers!].map((c) => c.ConsumerName), ["analytics", "archive"]);
  assert.equal(rest.NextToken, undefined);
  assert.equal((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "fans" }))).StreamDescriptionSummary!.ConsumerCount, 2);

  await kinesis.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
  await rejects(kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN })), "ResourceNotFoundException");
  await rejects(kinesis.send(new DescribeStreamConsumerCommand({ StreamARN: STREAM_ARN })), "InvalidArgumentException");
  await rejects(kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/none", ConsumerName: "x" })), "ResourceNotFoundException");

  await rejects(kinesis.send(new DeleteStreamCommand({ StreamName: "fans" })), "ResourceInUseException", /registered consumers/);
  await kinesis.send(new DeleteStreamCommand({ StreamName: "fans", EnforceConsumerDeletion: true }));
  await kinesis.send(new CreateStreamCommand({ StreamName: "fans", ShardCount: 1 }));
  assert.deepEqual((await kinesis.send(new ListStreamConsumersCommand({ StreamARN: STREAM_ARN }))).Consumers, [], "consumers went with their stream");
});

test(`consumers: at most ${MAX_CONSUMERS_PER_STREAM} a stream`, async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "crowd", ShardCount: 1 }));
  const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/crowd";
  for (let i = 0; i < MAX_CONSUMERS_PER_STREAM; i++) await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: `c${i}` }));
  await rejects(kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "one-more" })), "LimitExceededException");
});

test("a Lambda mapping on a consumer ARN gets the stream's records; the role must be allowed to subscribe", async () => {
  const lambda = new LambdaClient(tc.clientConfig);
  try {
    await createPollerRole(tc.cloud, "consumer");
    await kinesis.send(new CreateStreamCommand({ StreamName: "efo", ShardCount: 1 }));
    const streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/efo";
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: "fast" }));
    await createRecorder(lambda, "efo", "undefined", `event.Records.map((r) => [r.eventSourceARN, Buffer.from(r.kinesis.data, "base64").toString()])`);
    const mapping = () => lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "efo", EventSourceArn: Consumer!.ConsumerARN, StartingPosition: "TRIM_HORIZON" }));
    // The poller role may read the stream but not subscribe through a consumer.
    await assert.rejects(mapping(), (err: any) => (assert.equal(err.name, "InvalidParameterValueException"), assert.match(err.message, /SubscribeToShard and DescribeStreamConsumer/), true));
    await tc.cloud.iam.call("PutRolePolicy", {
      RoleName: "consumer",
      PolicyName: "fan-out",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kinesis:SubscribeToShard", "kinesis:DescribeStreamConsumer"], Resource: Consumer!.ConsumerARN }] }),
    });
    const rec = eventsOf(tc, "efo");
    await mapping();
    const started = Date.now();
    await kinesis.send(new PutRecordsCommand({ StreamName: "efo", Records: [{ Data: Buffer.from("pushed"), PartitionKey: "k" }] }));
    await rec.until(() => rec.events.length >= 1);
    assert.deepEqual(rec.events[0], [[streamArn, "pushed"]]);
    assert.ok(Date.now() - started < 1000, "woken by the stream's new records");
    rec.stop();
  } finally {
    lambda.destroy();
  }
});
