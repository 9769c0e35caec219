/**
 * UpdateStreamMode (PROVISIONED ↔ ON_DEMAND) through the AWS SDK v3 client, the AWS CLI
 * and CloudFormation: what the mode changes, AWS's refusals in AWS's order, the two
 * changes a day, and the StreamModeDetails property updated in place.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KinesisClient,
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
} from "@aws-sdk/client-kinesis";
import { awsCli, awsCliPath, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError as rejects, useTestCloud } from "../../test-fixtures.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { RESHARD_SETTLE_MS } from "./resharding.js";

let tc: TestCloud;
let kinesis: KinesisClient;
useTestCloud((started) => {
  tc = started;
  return (kinesis = new KinesisClient(tc.clientConfig));
});

const arn = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
const settle = () => new Promise((r) => setTimeout(r, RESHARD_SETTLE_MS + 50));
const summary = async (name: string) => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary!;

test("SDK v3: a provisioned stream goes on demand and back; the mode shows in both descriptions and governs resharding", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "modal", ShardCount: 2 }));
  await kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("modal"), StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
  // The change takes a moment, as on AWS: the stream is UPDATING, and another change is refused meanwhile.
  const during = await summary("modal");
  assert.equal(during.StreamStatus, "UPDATING");
  assert.deepEqual(during.StreamModeDetails, { StreamMode: "ON_DEMAND" });
  await rejects(
    kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("modal"), StreamModeDetails: { StreamMode: "PROVISIONED" } })),
    "ResourceInUseException",
    /^Stream modal under account 000000000000 not ACTIVE, instead in state UPDATING$/,
  );
  await settle();
  const described = (await kinesis.send(new DescribeStreamCommand({ StreamName: "modal" }))).StreamDescription!;
  assert.equal(described.StreamStatus, "ACTIVE");
  assert.deepEqual(described.StreamModeDetails, { StreamMode: "ON_DEMAND" });
  // The shards stay; records still go in; an on-demand stream takes no UpdateShardCount.
  assert.equal(described.Shards!.length, 2);
  assert.equal((await summary("modal")).OpenShardCount, 2);
  await kinesis.send(new PutRecordCommand({ StreamName: "modal", PartitionKey: "k", Data: Buffer.from("on demand") }));
  await rejects(kinesis.send(new UpdateShardCountCommand({ StreamName: "modal", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" })), "ValidationException", /ON_DEMAND mode/);

  await kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("modal"), StreamModeDetails: { StreamMode: "PROVISIONED" } }));
  await settle();
  assert.deepEqual((await summary("modal")).StreamModeDetails, { StreamMode: "PROVISIONED" });
  await kinesis.send(new UpdateShardCountCommand({ StreamName: "modal", TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
  await settle();
  assert.equal((await summary("modal")).OpenShardCount, 3);

  // Two changes in 24 hours is the most a stream gets.
  await rejects(
    kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("modal"), StreamModeDetails: { StreamMode: "ON_DEMAND" } })),
    "LimitExceededException",
    /modal under account 000000000000 has already changed its capacity mode 2 times in the last 24 hours/,
  );
});

test("SDK v3: refusals in AWS's order — the input's shape, the stream, its state, the mode asked for", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "fixed", ShardCount: 1 }));
  // The model's checks come first: a mode that is none of the two, a missing member, an ARN of the wrong form.
  await rejects(
    kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("fixed"), StreamModeDetails: { StreamMode: "ELASTIC" as never } })),
    "ValidationException",
    /Value 'ELASTIC' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: \[PROVISIONED, ON_DEMAND\]/,
  );
  await rejects(kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("fixed") } as never)), "ValidationException", /streamModeDetails.*must not be null/);
  await rejects(kinesis.send(new UpdateStreamModeCommand({ StreamARN: "fixed", StreamModeDetails: { StreamMode: "ON_DEMAND" } })), "ValidationException", /streamARN/);
  await rejects(
    kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("missing"), StreamModeDetails: { StreamMode: "ON_DEMAND" } })),
    "ResourceNotFoundException",
    /^Stream missing under account 000000000000 not found\.$/,
  );
  await rejects(
    kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("fixed"), StreamModeDetails: { StreamMode: "PROVISIONED" } })),
    "InvalidArgumentException",
    /^Stream fixed under account 000000000000 is already in PROVISIONED mode\.$/,
  );
  await rejects(
    kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("fixed"), StreamModeDetails: { StreamMode: "PROVISIONED" }, WarmThroughputMiBps: 10 })),
    "ValidationException",
    /WarmThroughputMiBps can only be set when the stream mode is updated to ON_DEMAND/,
  );
  // None of the refusals counted as a change: the stream still has its two.
  assert.deepEqual((await summary("fixed")).StreamModeDetails, { StreamMode: "PROVISIONED" });
  await kinesis.send(new UpdateStreamModeCommand({ StreamARN: arn("fixed"), StreamModeDetails: { StreamMode: "ON_DEMAND" }, WarmThroughputMiBps: 10 }));
  await settle();
  assert.deepEqual((await summary("fixed")).StreamModeDetails, { StreamMode: "ON_DEMAND" });
});

test("AWS CLI: update-stream-mode, describe-stream-summary, and AWS's error as the CLI prints it", { skip: awsCliPath() ? false : "no AWS CLI" }, async () => {
  const cli = (...args: string[]): Promise<any> => awsCli(tc.cloud.endpoint)!("kinesis", ...args);
  await cli("create-stream", "--stream-name", "by-cli", "--stream-mode-details", "StreamMode=ON_DEMAND");
  assert.deepEqual(await cli("update-stream-mode", "--stream-arn", arn("by-cli"), "--stream-mode-details", "StreamMode=PROVISIONED"), {});
  await settle();
  const out = await cli("describe-stream-summary", "--stream-name", "by-cli");
  assert.deepEqual(out.StreamDescriptionSummary.StreamModeDetails, { StreamMode: "PROVISIONED" });
  assert.equal(out.StreamDescriptionSummary.StreamStatus, "ACTIVE");
  await assert.rejects(cli("update-stream-mode", "--stream-arn", arn("by-cli"), "--stream-mode-details", "StreamMode=PROVISIONED"), (err: any) => {
    assert.match(String(err.stderr), /An error occurred \(InvalidArgumentException\) when calling the UpdateStreamMode operation: Stream by-cli under account 000000000000 is already in PROVISIONED mode\./);
    return true;
  });
});

test("CloudFormation: a new StreamModeDetails updates the stream in place, and ShardCount applies once it is provisioned again", async () => {
  const stack = (props: Record<string, unknown>) => ({
    Resources: { Stream: { Type: "AWS::Kinesis::Stream", Properties: { Name: "cfn-modal", ...props } } },
    Outputs: { Arn: { Value: { "Fn::GetAtt": ["Stream", "Arn"] } } },
  });
  const first = await deployTestStack(tc.cloud, "modes", stack({ ShardCount: 1 }));
  await kinesis.send(new PutRecordCommand({ StreamName: "cfn-modal", PartitionKey: "k", Data: Buffer.from("kept") }));
  const created = (await summary("cfn-modal")).StreamCreationTimestamp!.getTime();

  await deployTestStack(tc.cloud, "modes", stack({ StreamModeDetails: { StreamMode: "ON_DEMAND" } }), true);
  const onDemand = await summary("cfn-modal");
  assert.deepEqual(onDemand.StreamModeDetails, { StreamMode: "ON_DEMAND" });
  // Updated, not replaced: the same stream, created when it was.
  assert.equal(onDemand.StreamCreationTimestamp!.getTime(), created);
  assert.equal(onDemand.OpenShardCount, 1);

  const back = await deployTestStack(tc.cloud, "modes", stack({ StreamModeDetails: { StreamMode: "PROVISIONED" }, ShardCount: 2 }), true);
  assert.equal(back.outputs.Arn, first.outputs.Arn);
  await settle();
  const provisioned = await summary("cfn-modal");
  assert.deepEqual(provisioned.StreamModeDetails, { StreamMode: "PROVISIONED" });
  assert.equal(provisioned.OpenShardCount, 2);
  assert.equal(provisioned.StreamCreationTimestamp!.getTime(), created);
});
