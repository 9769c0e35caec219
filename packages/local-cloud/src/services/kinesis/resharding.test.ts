/** Resharding through the real AWS SDK v3 client and the AWS CLI, and a Lambda mapping reading across a split. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  KinesisClient,
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  PutRecordCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  SplitShardCommand,
  MergeShardsCommand,
  UpdateShardCountCommand,
} from "@aws-sdk/client-kinesis";
import { LambdaClient, CreateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { awsCli, awsCliPath, createPollerRole, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError as rejects, useTestCloud } from "../../test-fixtures.js";
import { createRecorder, eventsOf } from "../lambda/runtime/pollers/recorder-fixture.js";
import { RESHARD_SETTLE_MS } from "./resharding.js";
import { hashKeyRange, hashOfPartitionKey } from "./shard-layout.js";

let tc: TestCloud;
let kinesis: KinesisClient;
let lambda: LambdaClient;

useTestCloud((started) => {
  tc = started;
  return [(kinesis = new KinesisClient(tc.clientConfig)), (lambda = new LambdaClient(tc.clientConfig))];
});

const settle = () => new Promise((r) => setTimeout(r, RESHARD_SETTLE_MS + 50));
const HALF = (1n << 127n).toString();

/** Reads a shard from its start to its end (or to what is there). */
async function readAll(stream: string, shardId: string) {
  let { ShardIterator: it } = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }));
  const records: string[] = [];
  for (let i = 0; i < 10 && it; i++) {
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
    records.push(...out.Records!.map((r) => Buffer.from(r.Data!).toString()));
    if (!out.NextShardIterator) return { records, end: out };
    it = out.NextShardIterator;
    if (out.Records!.length === 0) break;
  }
  return { records, end: undefined };
}

test("SplitShard: the parent closes with its records and its children; writes go to the children", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "split", ShardCount: 1 }));
  await kinesis.send(new PutRecordCommand({ StreamName: "split", PartitionKey: "k", Data: Buffer.from("before") }));
  await kinesis.send(new SplitShardCommand({ StreamName: "split", ShardToSplit: "shardId-000000000000", NewStartingHashKey: HALF }));
  // Resharding takes a moment: the stream is UPDATING and refuses another reshard.
  assert.equal((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "split" }))).StreamDescriptionSummary!.StreamStatus, "UPDATING");
  await rejects(kinesis.send(new SplitShardCommand({ StreamName: "split", ShardToSplit: "shardId-000000000001", NewStartingHashKey: "1" })), "ResourceInUseException", /not ACTIVE, instead in state UPDATING/);
  await settle();
  const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "split" }))).StreamDescriptionSummary!;
  assert.equal(summary.StreamStatus, "ACTIVE");
  assert.equal(summary.OpenShardCount, 2);

  const shards = (await kinesis.send(new DescribeStreamCommand({ StreamName: "split" }))).StreamDescription!.Shards!;
  assert.deepEqual(shards.map((s) => [s.ShardId, s.ParentShardId, s.HashKeyRange!.StartingHashKey, Boolean(s.SequenceNumberRange!.EndingSequenceNumber)]), [
    ["shardId-000000000000", undefined, "0", true],
    ["shardId-000000000001", "shardId-000000000000", "0", false],
    ["shardId-000000000002", "shardId-000000000000", HALF, false],
  ]);
  assert.equal(shards[1]!.HashKeyRange!.EndingHashKey, (BigInt(HALF) - 1n).toString());

  const put = await kinesis.send(new PutRecordCommand({ StreamName: "split", PartitionKey: "k", Data: Buffer.from("after") }));
  assert.equal(put.ShardId, hashOfPartitionKey("k") < BigInt(HALF) ? "shardId-000000000001" : "shardId-000000000002");
  assert.ok(BigInt(put.SequenceNumber!) > BigInt(shards[put.ShardId === "shardId-000000000001" ? 1 : 2]!.SequenceNumberRange!.StartingSequenceNumber!) - 1n);

  // The parent reads to its end, then names its children instead of an iterator.
  const parent = await readAll("split", "shardId-000000000000");
  assert.deepEqual(parent.records, ["before"]);
  assert.ok(parent.end, "the closed shard ended");
  assert.equal(parent.end!.NextShardIterator, undefined);
  assert.deepEqual(parent.end!.ChildShards!.map((c) => [c.ShardId, c.ParentShards]), [
    ["shardId-000000000001", ["shardId-000000000000"]],
    ["shardId-000000000002", ["shardId-000000000000"]],
  ]);
  assert.deepEqual((await readAll("split", put.ShardId!)).records, ["after"]);

  // ListShards' filters.
  const ids = async (ShardFilter: any) => (await kinesis.send(new ListShardsCommand({ StreamName: "split", ShardFilter }))).Shards!.map((s) => s.ShardId);
  assert.deepEqual(await ids({ Type: "AT_LATEST" }), ["shardId-000000000001", "shardId-000000000002"]);
  assert.deepEqual(await ids({ Type: "AT_TRIM_HORIZON" }), ["shardId-000000000000"]);
  assert.deepEqual(await ids({ Type: "FROM_TRIM_HORIZON" }), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
  assert.deepEqual(await ids({ Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000001" }), ["shardId-000000000002"]);
  assert.deepEqual(await ids({ Type: "AT_TIMESTAMP", Timestamp: new Date() }), ["shardId-000000000001", "shardId-000000000002"]);
  assert.deepEqual(await ids({ Type: "FROM_TIMESTAMP", Timestamp: new Date(Date.now() - 3_600_000) }), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
  await rejects(kinesis.send(new ListShardsCommand({ StreamName: "split", ShardFilter: { Type: "AFTER_SHARD_ID" } })), "InvalidArgumentException", /ShardId/);
  const paged = await kinesis.send(new ListShardsCommand({ StreamName: "split", ShardFilter: { Type: "FROM_TRIM_HORIZON" }, MaxResults: 2 }));
  const rest = await kinesis.send(new ListShardsCommand({ NextToken: paged.NextToken }));
  assert.deepEqual([...paged.Shards!, ...rest.Shards!].map((s) => s.ShardId), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);

  // A closed shard can be neither split nor merged; a key outside the shard is refused.
  await rejects(kinesis.send(new SplitShardCommand({ StreamName: "split", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "5" })), "InvalidArgumentException", /already been merged or split/);
  await rejects(kinesis.send(new SplitShardCommand({ StreamName: "split", ShardToSplit: "shardId-000000000002", NewStartingHashKey: "5" })), "InvalidArgumentException", /must be greater than the shard's StartingHashKey/);
  await rejects(kinesis.send(new SplitShardCommand({ StreamName: "split", ShardToSplit: "shardId-000000000009", NewStartingHashKey: "5" })), "ResourceNotFoundException");
});

test("MergeShards: two adjacent open shards become one with both as parents", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "merge", ShardCount: 3 }));
  await rejects(kinesis.send(new MergeShardsCommand({ StreamName: "merge", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000002" })), "InvalidArgumentException", /not an adjacent pair/);
  await kinesis.send(new MergeShardsCommand({ StreamName: "merge", ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000001" }));
  const open = (await kinesis.send(new ListShardsCommand({ StreamName: "merge", ShardFilter: { Type: "AT_LATEST" } }))).Shards!;
  assert.deepEqual(
    open.map((s) => [s.ShardId, s.ParentShardId, s.AdjacentParentShardId, s.HashKeyRange!.StartingHashKey, s.HashKeyRange!.EndingHashKey]),
    [
      ["shardId-000000000000", undefined, undefined, "0", hashKeyRange(0, 3).end.toString()],
      ["shardId-000000000003", "shardId-000000000002", "shardId-000000000001", hashKeyRange(1, 3).start.toString(), hashKeyRange(2, 3).end.toString()],
    ],
  );
});

test("UpdateShardCount (UNIFORM_SCALING): even new shards, limits, on-demand streams refused — through the AWS CLI", { skip: awsCliPath() ? false : "no AWS CLI" }, async () => {
  const cli = (...args: string[]): Promise<any> => awsCli(tc.cloud.endpoint)!("kinesis", ...args);
  await cli("create-stream", "--stream-name", "scale", "--shard-count", "2");
  const out = await cli("update-shard-count", "--stream-name", "scale", "--target-shard-count", "3", "--scaling-type", "UNIFORM_SCALING");
  assert.deepEqual(out, { StreamName: "scale", CurrentShardCount: 2, TargetShardCount: 3, StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/scale" });
  await settle();
  const open = (await cli("list-shards", "--stream-name", "scale", "--shard-filter", "Type=AT_LATEST")).Shards;
  assert.deepEqual(open.map((s: any) => s.HashKeyRange.StartingHashKey), [0, 1, 2].map((i) => hashKeyRange(i, 3).start.toString()));
  // The middle shard overlaps both old shards: both are its parents.
  assert.deepEqual(open.map((s: any) => [s.ParentShardId, s.AdjacentParentShardId]), [
    ["shardId-000000000000", undefined],
    ["shardId-000000000000", "shardId-000000000001"],
    ["shardId-000000000001", undefined],
  ]);
  const fails = async (args: string[], pattern: RegExp) => {
    await assert.rejects(cli(...args), (err: any) => (assert.match(String(err.stderr), pattern), true));
  };
  await fails(["update-shard-count", "--stream-name", "scale", "--target-shard-count", "7", "--scaling-type", "UNIFORM_SCALING"], /\(LimitExceededException\).*more than double/);
  await fails(["update-shard-count", "--stream-name", "scale", "--target-shard-count", "1", "--scaling-type", "UNIFORM_SCALING"], /\(LimitExceededException\).*less than half/);
  await cli("create-stream", "--stream-name", "elastic", "--stream-mode-details", "StreamMode=ON_DEMAND");
  await fails(["update-shard-count", "--stream-name", "elastic", "--target-shard-count", "5", "--scaling-type", "UNIFORM_SCALING"], /\(ValidationException\).*ON_DEMAND/);
});

test("a Lambda mapping reads a split shard to its end before its children: each key stays in order", async () => {
  await createPollerRole(tc.cloud, "consumer");
  await kinesis.send(new CreateStreamCommand({ StreamName: "orders", ShardCount: 1 }));
  const keys = ["a", "b", "c", "d"];
  const put = async (round: number) => {
    for (const k of keys) await kinesis.send(new PutRecordCommand({ StreamName: "orders", PartitionKey: k, Data: Buffer.from(`${k}${round}`) }));
  };
  await put(1);
  await put(2);
  await kinesis.send(new SplitShardCommand({ StreamName: "orders", ShardToSplit: "shardId-000000000000", NewStartingHashKey: HALF }));
  await put(3);
  await settle();
  await kinesis.send(new MergeShardsCommand({ StreamName: "orders", ShardToMerge: "shardId-000000000001", AdjacentShardToMerge: "shardId-000000000002" }));
  await put(4);
  await createRecorder(lambda, "orders", "undefined", `event.Records.map((r) => r.eventID.split(":")[0] + " " + Buffer.from(r.kinesis.data, "base64").toString())`);
  const rec = eventsOf(tc, "orders");
  await lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "orders", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/orders", StartingPosition: "TRIM_HORIZON", BatchSize: 2 }),
  );
  await rec.until(() => rec.events.flat().length >= 16, 10000);
  const seen: string[] = rec.events.flat();
  for (const k of keys) {
    const mine = seen.filter((s) => s.endsWith(` ${k}1`) || s.endsWith(` ${k}2`) || s.endsWith(` ${k}3`) || s.endsWith(` ${k}4`));
    assert.deepEqual(mine.map((s) => s.split(" ")[1]), [`${k}1`, `${k}2`, `${k}3`, `${k}4`], `${k} in order across two reshards`);
    assert.deepEqual(mine.map((s) => s.split(" ")[0].slice(-1)), ["0", "0", hashOfPartitionKey(k) < BigInt(HALF) ? "1" : "2", "3"]);
  }
  rec.stop();
});
