/** SubscribeToShard through the real AWS SDK v3 client: records pushed over an HTTP/2 event stream. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KinesisClient, CreateStreamCommand, PutRecordCommand, RegisterStreamConsumerCommand, SubscribeToShardCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import type { TestCloud } from "../../testing.js";
import { useTestCloud } from "../../test-fixtures.js";

let tc: TestCloud;
let kinesis: KinesisClient;

useTestCloud((started) => {
  tc = started;
  return (kinesis = new KinesisClient(tc.clientConfig));
});

test("SubscribeToShard: records written before and during the subscription arrive as events; the shard's end names its children", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "push", ShardCount: 1 }));
  const streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/push";
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: "live" }));
  const first = await kinesis.send(new PutRecordCommand({ StreamName: "push", PartitionKey: "k", Data: Buffer.from("one") }));
  const out = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }));
  const seen: string[] = [];
  let last: any;
  let wrote = false;
  for await (const event of out.EventStream!) {
    const e = event.SubscribeToShardEvent;
    assert.ok(e, `an event: ${JSON.stringify(event)}`);
    for (const r of e.Records!) {
      seen.push(Buffer.from(r.Data!).toString());
      assert.ok(r.ApproximateArrivalTimestamp instanceof Date);
      assert.equal(r.PartitionKey, "k");
    }
    assert.match(e.ContinuationSequenceNumber!, /^\d{56}$/);
    last = e;
    if (!wrote && seen.length === 1) {
      wrote = true;
      assert.equal(e.Records![0]!.SequenceNumber, first.SequenceNumber);
      await kinesis.send(new PutRecordCommand({ StreamName: "push", PartitionKey: "k", Data: Buffer.from("two") }));
    } else if (seen.length === 2 && !last.ChildShards) {
      await kinesis.send(new SplitShardCommand({ StreamName: "push", ShardToSplit: "shardId-000000000000", NewStartingHashKey: (1n << 127n).toString() }));
      // The split closes the shard: its next event is its last.
      await kinesis.send(new PutRecordCommand({ StreamName: "push", PartitionKey: "k", Data: Buffer.from("three") }));
    }
  }
  assert.deepEqual(seen, ["one", "two"], "the record after the split went to a child");
  assert.deepEqual(last.ChildShards.map((c: any) => c.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
});

test("SubscribeToShard: an unknown consumer is refused before any stream starts", async () => {
  await assert.rejects(
    kinesis.send(new SubscribeToShardCommand({ ConsumerARN: "arn:aws:kinesis:us-east-1:000000000000:stream/push/consumer/nobody:1", ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } })),
    (err: any) => (assert.equal(err.name, "ResourceNotFoundException"), true),
  );
});

test("SubscribeToShard: a subscriber that walks away ends its subscription; the cloud goes on", async () => {
  await kinesis.send(new CreateStreamCommand({ StreamName: "idle", ShardCount: 1 }));
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/idle", ConsumerName: "brief" }));
  const out = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }));
  for await (const event of out.EventStream!) {
    // An idle shard's first event comes at once, empty, with where to resume.
    assert.deepEqual(event.SubscribeToShardEvent!.Records, []);
    assert.match(event.SubscribeToShardEvent!.ContinuationSequenceNumber!, /^\d{56}$/);
    break;
  }
  const put = await kinesis.send(new PutRecordCommand({ StreamName: "idle", PartitionKey: "k", Data: Buffer.from("later") }));
  assert.equal(put.ShardId, "shardId-000000000000");
});
