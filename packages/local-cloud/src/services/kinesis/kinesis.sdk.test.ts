/** Kinesis Data Streams through the real AWS SDK v3 client, over the wire. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  KinesisClient,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  ListStreamsCommand,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  AddTagsToStreamCommand,
  ListTagsForStreamCommand,
  RemoveTagsFromStreamCommand,
  IncreaseStreamRetentionPeriodCommand,
  UpdateMaxRecordSizeCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { LambdaClient, CreateFunctionCommand, InvokeCommand } from "@aws-sdk/client-lambda";
import { zipSync, strToU8 } from "fflate";
import type { TestCloud } from "../../testing.js";
import { useTestCloud } from "../../test-fixtures.js";
import { hashKeyRange, shardIndexFor } from "./shard-layout.js";
import { ITERATOR_LIFETIME_MS } from "./shard-iterators.js";

let tc: TestCloud;
let kinesis: KinesisClient;
const ARN = (name: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
const text = (data: Uint8Array | undefined) => Buffer.from(data ?? []).toString("utf8");

useTestCloud((started) => {
  tc = started;
  return (kinesis = new KinesisClient(tc.clientConfig));
});

async function iterator(stream: string, shardId: string, type: any, extra: Record<string, unknown> = {}) {
  const out = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: type, ...extra }));
  return out.ShardIterator!;
}

test("streams: create, wait, describe, summary, list, list shards, delete", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "orders", ShardCount: 3, Tags: { team: "a" } }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 20 }, { StreamName: "orders" });
  const { StreamDescription: d } = await kinesis.send(new DescribeStreamCommand({ StreamName: "orders" }));
  assert.equal(d!.StreamARN, ARN("orders"));
  assert.equal(d!.StreamStatus, "ACTIVE");
  assert.equal(d!.RetentionPeriodHours, 24);
  assert.equal(d!.StreamModeDetails?.StreamMode, "PROVISIONED");
  assert.ok(d!.StreamCreationTimestamp instanceof Date);
  assert.deepEqual(d!.Shards!.map((s) => s.ShardId), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
  // The ranges cover the whole 128-bit space without gaps.
  assert.equal(d!.Shards![0]!.HashKeyRange!.StartingHashKey, "0");
  assert.equal(d!.Shards![2]!.HashKeyRange!.EndingHashKey, ((1n << 128n) - 1n).toString());
  assert.equal(BigInt(d!.Shards![1]!.HashKeyRange!.StartingHashKey!), BigInt(d!.Shards![0]!.HashKeyRange!.EndingHashKey!) + 1n);

  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: ARN("orders") }));
  assert.equal(summary.StreamDescriptionSummary?.OpenShardCount, 3);
  assert.equal(summary.StreamDescriptionSummary?.EncryptionType, "NONE");

  const page = await kinesis.send(new ListShardsCommand({ StreamName: "orders", MaxResults: 2 }));
  assert.equal(page.Shards?.length, 2);
  assert.ok(page.NextToken);
  const rest = await kinesis.send(new ListShardsCommand({ NextToken: page.NextToken }));
  assert.deepEqual(rest.Shards?.map((s) => s.ShardId), ["shardId-000000000002"]);
  await assert.rejects(kinesis.send(new ListShardsCommand({ StreamName: "orders", NextToken: page.NextToken })), { name: "InvalidArgumentException" });

  await kinesis.send(new CreateStreamCommand({ StreamName: "audit", StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
  const listed = await kinesis.send(new ListStreamsCommand({ Limit: 1 }));
  assert.deepEqual(listed.StreamNames, ["audit"]);
  assert.equal(listed.HasMoreStreams, true);
  const next = await kinesis.send(new ListStreamsCommand({ NextToken: listed.NextToken }));
  assert.ok(next.StreamNames?.includes("orders"));
  assert.equal(next.StreamSummaries?.find((s) => s.StreamName === "orders")?.StreamARN, ARN("orders"));

  await assert.rejects(kinesis.send(new CreateStreamCommand({ StreamName: "orders", ShardCount: 1 })), (err: any) => {
    assert.equal(err.name, "ResourceInUseException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "Stream orders under account 000000000000 already exists.");
    return true;
  });
  await kinesis.send(new DeleteStreamCommand({ StreamName: "audit" }));
  await assert.rejects(kinesis.send(new DescribeStreamCommand({ StreamName: "audit" })), (err: any) => {
    assert.equal(err.name, "ResourceNotFoundException");
    assert.equal(err.message, "Stream audit under account 000000000000 not found.");
    return true;
  });
});

test("bad input: model validation, then the stream, then the record, each with AWS's error", async () => {
  await assert.rejects(kinesis.send(new CreateStreamCommand({ StreamName: "bad name!", ShardCount: 1 })), (err: any) => {
    assert.equal(err.name, "ValidationException");
    assert.match(err.message, /^1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
    return true;
  });
  await assert.rejects(kinesis.send(new CreateStreamCommand({ StreamName: "zero", ShardCount: 0 })), { name: "ValidationException" });
  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "missing", Data: Buffer.from("x"), PartitionKey: "k" })), { name: "ResourceNotFoundException" });
  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "orders", Data: Buffer.from("x") } as any)), (err: any) => {
    assert.equal(err.name, "ValidationException");
    assert.match(err.message, /'partitionKey' failed to satisfy constraint: Member must not be null/);
    return true;
  });
  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "orders", Data: Buffer.alloc(1024 * 1024), PartitionKey: "k" })), { name: "InvalidArgumentException" });
  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "orders", Data: Buffer.from("x"), PartitionKey: "k", ExplicitHashKey: (1n << 128n).toString() })), {
    name: "InvalidArgumentException",
  });
  await assert.rejects(kinesis.send(new GetShardIteratorCommand({ StreamName: "orders", ShardId: "shardId-000000000009", ShardIteratorType: "LATEST" })), (err: any) => {
    assert.equal(err.name, "ResourceNotFoundException");
    assert.equal(err.message, "Shard shardId-000000000009 in stream orders under account 000000000000 does not exist");
    return true;
  });
  await assert.rejects(kinesis.send(new GetShardIteratorCommand({ StreamName: "orders", ShardId: "shardId-000000000000", ShardIteratorType: "AT_SEQUENCE_NUMBER" })), {
    name: "InvalidArgumentException",
  });
  await assert.rejects(kinesis.send(new GetRecordsCommand({ ShardIterator: "bm90IGFuIGl0ZXJhdG9y" })), (err: any) => {
    assert.equal(err.name, "InvalidArgumentException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
});

test("records: MD5 of the partition key picks the shard; sequence numbers grow per shard; every iterator type", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "events", ShardCount: 4 }));
  const keys = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];
  const put = [];
  for (const [i, key] of keys.entries()) {
    put.push({ key, out: await kinesis.send(new PutRecordCommand({ StreamName: "events", Data: Buffer.from(`r${i}`), PartitionKey: key })) });
  }
  for (const { key, out } of put) {
    const hash = BigInt("0x" + createHash("md5").update(key).digest("hex"));
    const index = shardIndexFor(hash, 4);
    const range = hashKeyRange(index, 4);
    assert.ok(hash >= range.start && hash <= range.end);
    assert.equal(out.ShardId, `shardId-00000000000${index}`);
    assert.match(out.SequenceNumber!, /^\d{56}$/);
  }
  // An explicit hash key overrides the partition key.
  const explicit = await kinesis.send(new PutRecordCommand({ StreamName: "events", Data: Buffer.from("x"), PartitionKey: "alpha", ExplicitHashKey: hashKeyRange(3, 4).start.toString() }));
  assert.equal(explicit.ShardId, "shardId-000000000003");

  // Read every shard from TRIM_HORIZON: all records, each shard in put order.
  const seen: string[] = [];
  for (let s = 0; s < 4; s++) {
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("events", `shardId-00000000000${s}`, "TRIM_HORIZON") }));
    const seqs = got.Records!.map((r) => BigInt(r.SequenceNumber!));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => (a < b ? -1 : 1)), "sequence numbers grow within a shard");
    for (const r of got.Records!) {
      seen.push(text(r.Data));
      assert.ok(r.ApproximateArrivalTimestamp instanceof Date);
      assert.ok(typeof r.PartitionKey === "string");
    }
    assert.equal(got.MillisBehindLatest, 0);
    assert.ok(got.NextShardIterator);
  }
  assert.deepEqual(seen.sort(), [...keys.map((_k, i) => `r${i}`), "x"].sort());

  // Paging with Limit, then LATEST sees only what comes after it.
  const shard = put[0]!.out.ShardId!;
  const first = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("events", shard, "TRIM_HORIZON"), Limit: 1 }));
  assert.equal(first.Records!.length, 1);
  const latest = await iterator("events", shard, "LATEST");
  assert.equal((await kinesis.send(new GetRecordsCommand({ ShardIterator: latest }))).Records!.length, 0);
  const after = await kinesis.send(new PutRecordCommand({ StreamName: "events", Data: Buffer.from("late"), PartitionKey: put[0]!.key }));
  const fromLatest = await kinesis.send(new GetRecordsCommand({ ShardIterator: latest }));
  assert.deepEqual(fromLatest.Records!.map((r) => text(r.Data)), ["late"]);
  // The chained iterator continues after what was read: nothing new yet.
  assert.equal((await kinesis.send(new GetRecordsCommand({ ShardIterator: fromLatest.NextShardIterator }))).Records!.length, 0);

  // AT_SEQUENCE_NUMBER includes the record, AFTER_SEQUENCE_NUMBER starts after it.
  const seq = put[0]!.out.SequenceNumber!;
  const at = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("events", shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: seq }) }));
  assert.equal(at.Records![0]!.SequenceNumber, seq);
  const afterSeq = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("events", shard, "AFTER_SEQUENCE_NUMBER", { StartingSequenceNumber: seq }) }));
  assert.notEqual(afterSeq.Records![0]?.SequenceNumber, seq);
  assert.equal(afterSeq.Records!.length, at.Records!.length - 1);
  // A sequence number of another shard is refused.
  const other = put.find((p) => p.out.ShardId !== shard)!.out;
  await assert.rejects(iterator("events", shard, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: other.SequenceNumber }), (err: any) => {
    assert.equal(err.name, "InvalidArgumentException");
    assert.match(err.message, /^Invalid StartingSequenceNumber\. It encodes shardId-/);
    return true;
  });

  // AT_TIMESTAMP: records that arrived at or after the time.
  const atTime = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("events", shard, "AT_TIMESTAMP", { Timestamp: new Date(Date.now() - 60_000) }) }));
  assert.equal(atTime.Records!.length, at.Records!.length);
  const future = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("events", shard, "AT_TIMESTAMP", { Timestamp: new Date(Date.now() - 1) }) }));
  assert.ok(future.Records!.every((r) => r.ApproximateArrivalTimestamp!.getTime() >= Date.now() - 1000));
  assert.equal(after.ShardId, shard);
});

test("GetRecords reports how far behind the tip it is", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "lag", ShardCount: 1 }));
  for (let i = 0; i < 3; i++) await kinesis.send(new PutRecordCommand({ StreamName: "lag", Data: Buffer.from(String(i)), PartitionKey: "p" }));
  await new Promise((r) => setTimeout(r, 20));
  const first = await kinesis.send(new GetRecordsCommand({ ShardIterator: await iterator("lag", "shardId-000000000000", "TRIM_HORIZON"), Limit: 1 }));
  assert.ok(first.MillisBehindLatest! >= 20, `behind by ${first.MillisBehindLatest}`);
  const rest = await kinesis.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator }));
  assert.equal(rest.Records!.length, 2);
  assert.equal(rest.MillisBehindLatest, 0);
});

test("PutRecords: per-record results, and a provisioned shard's 1,000 records a second refused record by record", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "batch", ShardCount: 1 }));
  const ok = await kinesis.send(new PutRecordsCommand({ StreamName: "batch", Records: [{ Data: Buffer.from("a"), PartitionKey: "1" }, { Data: Buffer.from("b"), PartitionKey: "2" }] }));
  assert.equal(ok.FailedRecordCount, 0);
  assert.equal(ok.Records!.length, 2);
  assert.ok(BigInt(ok.Records![1]!.SequenceNumber!) > BigInt(ok.Records![0]!.SequenceNumber!));

  // Within one second, the shard takes 1,000 records: two batches of 500 fill it, and a
  // third batch is refused entry by entry. The clock is held inside one (later) second.
  const realNow = Date.now;
  const frozen = (Math.floor(realNow() / 1000) + 10) * 1000 + 1;
  Date.now = () => frozen;
  const entries = (n: number) => Array.from({ length: n }, (_v, i) => ({ Data: Buffer.from(`e${i}`), PartitionKey: `k${i}` }));
  let a, b, c;
  try {
    a = await kinesis.send(new PutRecordsCommand({ StreamName: "batch", Records: entries(500) }));
    b = await kinesis.send(new PutRecordsCommand({ StreamName: "batch", Records: entries(500) }));
    c = await kinesis.send(new PutRecordsCommand({ StreamName: "batch", Records: entries(10) }));
    await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "batch", Data: Buffer.from("x"), PartitionKey: "k" })), { name: "ProvisionedThroughputExceededException" });
  } finally {
    Date.now = realNow;
  }
  assert.equal(a.FailedRecordCount, 0);
  assert.equal(b.FailedRecordCount, 0);
  assert.equal(c.FailedRecordCount, 10);
  for (const refused of c.Records!) {
    assert.equal(refused.ErrorCode, "ProvisionedThroughputExceededException");
    assert.equal(refused.ErrorMessage, "Rate exceeded for shard shardId-000000000000 in stream batch under account 000000000000.");
    assert.equal(refused.SequenceNumber, undefined);
  }
  // The next second takes records again.
  const later = await kinesis.send(new PutRecordsCommand({ StreamName: "batch", Records: entries(10) }));
  assert.equal(later.FailedRecordCount, 0);
  assert.equal(c.Records!.length, 10, "one result per entry, in order");
});

test("MaxRecordSizeInKiB raises a stream's record size; DryRun checks and writes nothing", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "large", ShardCount: 1, MaxRecordSizeInKiB: 2048 }));
  assert.equal((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "large" }))).StreamDescriptionSummary?.MaxRecordSizeInKiB, 2048);
  const big = Buffer.alloc(1536 * 1024, 1);
  await kinesis.send(new PutRecordCommand({ StreamName: "large", Data: big, PartitionKey: "p" }));
  await kinesis.send(new UpdateMaxRecordSizeCommand({ StreamARN: ARN("large"), MaxRecordSizeInKiB: 1024 }));
  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "large", Data: big, PartitionKey: "p" })), (err: any) => {
    assert.equal(err.name, "InvalidArgumentException");
    assert.match(err.message, /exceeds the maximum record size of 1048576 bytes of stream large/);
    return true;
  });
  await assert.rejects(kinesis.send(new UpdateMaxRecordSizeCommand({ StreamARN: ARN("large"), MaxRecordSizeInKiB: 512 })), { name: "ValidationException" });

  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "large", Data: Buffer.from("x"), PartitionKey: "p", DryRun: true })), (err: any) => {
    assert.equal(err.name, "DryRunOperationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
  // A dry run still makes every check first.
  await assert.rejects(kinesis.send(new PutRecordCommand({ StreamName: "missing", Data: Buffer.from("x"), PartitionKey: "p", DryRun: true })), { name: "ResourceNotFoundException" });
  const it = await iterator("large", "shardId-000000000000", "TRIM_HORIZON");
  const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
  assert.equal(got.Records!.length, 1, "only the 1.5 MiB record; the dry run wrote nothing");
  assert.equal(got.Records![0]!.Data!.length, big.length);
});

test("tags and retention", async () => {
  await kinesis.send(new AddTagsToStreamCommand({ StreamName: "orders", Tags: { b: "2", c: "3" } }));
  await kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: "orders", TagKeys: ["c"] }));
  const tags = await kinesis.send(new ListTagsForStreamCommand({ StreamName: "orders" }));
  assert.deepEqual(tags.Tags, [{ Key: "b", Value: "2" }, { Key: "team", Value: "a" }]);
  assert.equal(tags.HasMoreTags, false);
  await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "orders", RetentionPeriodHours: 48 }));
  assert.equal((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "orders" }))).StreamDescriptionSummary?.RetentionPeriodHours, 48);
  await assert.rejects(kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: "orders", RetentionPeriodHours: 30 })), (err: any) => {
    assert.equal(err.name, "InvalidArgumentException");
    assert.match(err.message, /can not be shorter than existing retention period \(48 hours\)/);
    return true;
  });
});

test("iterators expire after five minutes, and die with their stream", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "short", ShardCount: 1 }));
  const it = await iterator("short", "shardId-000000000000", "TRIM_HORIZON");
  const realNow = Date.now;
  Date.now = () => realNow() + ITERATOR_LIFETIME_MS + 1000;
  try {
    await assert.rejects(kinesis.send(new GetRecordsCommand({ ShardIterator: it })), (err: any) => {
      assert.equal(err.name, "ExpiredIteratorException");
      assert.match(err.message, /^Iterator expired\. The iterator was created at time .* tolerated delay of 300000 milliseconds\.$/);
      return true;
    });
  } finally {
    Date.now = realNow;
  }
  await kinesis.send(new DeleteStreamCommand({ StreamName: "short" }));
  await kinesis.send(new CreateStreamCommand({ StreamName: "short", ShardCount: 1 }));
  await assert.rejects(kinesis.send(new GetRecordsCommand({ ShardIterator: it })), { name: "ResourceNotFoundException" });
});

test("IAM: a role needs kinesis:PutRecord / GetShardIterator / GetRecords on the stream", async () => {
  const iam = new IAMClient(tc.clientConfig);
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = await iam.send(new CreateRoleCommand({ RoleName: "producer", AssumeRolePolicyDocument: trust }));
  const creds = tc.cloud.iam.issueSessionCredentials(role.Role!.Arn!, "s");
  const asRole = new KinesisClient({ ...tc.clientConfig, credentials: creds });
  try {
    await assert.rejects(asRole.send(new PutRecordCommand({ StreamName: "orders", Data: Buffer.from("x"), PartitionKey: "k" })), (err: any) => {
      assert.equal(err.name, "AccessDeniedException");
      assert.equal(
        err.message,
        `User: arn:aws:sts::000000000000:assumed-role/producer/s is not authorized to perform: kinesis:PutRecord on resource: ${ARN("orders")} because no identity-based policy allows the kinesis:PutRecord action`,
      );
      return true;
    });
    await iam.send(new PutRolePolicyCommand({
      RoleName: "producer", PolicyName: "p",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kinesis:PutRecord", "kinesis:GetShardIterator"], Resource: ARN("orders") }] }),
    }));
    await asRole.send(new PutRecordCommand({ StreamARN: ARN("orders"), Data: Buffer.from("x"), PartitionKey: "k" }));
    const it = await asRole.send(new GetShardIteratorCommand({ StreamName: "orders", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
    await assert.rejects(asRole.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator })), (err: any) => {
      assert.equal(err.name, "AccessDeniedException");
      assert.match(err.message, /kinesis:GetRecords on resource: arn:aws:kinesis:us-east-1:000000000000:stream\/orders /);
      return true;
    });
    await assert.rejects(asRole.send(new PutRecordCommand({ StreamName: "events", Data: Buffer.from("x"), PartitionKey: "k" })), { name: "AccessDeniedException" });
  } finally {
    asRole.destroy();
    iam.destroy();
  }
});

test("a function puts records with the runtime's SDK v3 client (HTTP/2 to the local cloud), as its role", async () => {
  const iam = new IAMClient(tc.clientConfig);
  const lambda = new LambdaClient(tc.clientConfig);
  try {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const role = await iam.send(new CreateRoleCommand({ RoleName: "writer", AssumeRolePolicyDocument: trust }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: "writer", PolicyName: "p",
      PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: ARN("orders") }] }),
    }));
    await lambda.send(new CreateFunctionCommand({
      FunctionName: "writer", Role: role.Role!.Arn!, Runtime: "nodejs20.x", Handler: "index.handler",
      Code: {
        ZipFile: zipSync({
          "index.mjs": strToU8(`import { KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
            const kinesis = new KinesisClient({});
            export const handler = async (event) => {
              const out = await kinesis.send(new PutRecordCommand({ StreamName: event.stream, Data: Buffer.from("from a function"), PartitionKey: "fn" }));
              return out.SequenceNumber;
            };`),
        }),
      },
    }));
    const ok = await lambda.send(new InvokeCommand({ FunctionName: "writer", Payload: JSON.stringify({ stream: "orders" }) }));
    assert.equal(ok.FunctionError, undefined, Buffer.from(ok.Payload ?? []).toString());
    const seq = JSON.parse(Buffer.from(ok.Payload!).toString());
    assert.match(seq, /^\d{56}$/);
    const denied = await lambda.send(new InvokeCommand({ FunctionName: "writer", Payload: JSON.stringify({ stream: "events" }) }));
    assert.equal(denied.FunctionError, "Unhandled");
    assert.match(Buffer.from(denied.Payload!).toString(), /AccessDeniedException|not authorized to perform: kinesis:PutRecord/);
  } finally {
    iam.destroy();
    lambda.destroy();
  }
});
