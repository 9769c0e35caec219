/** Streams and their records survive a restart of the cloud on the same directory; iterators stay valid. */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestCloud } from "../../testing.js";

test("streams, records and sequence numbers are durable", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kinesis-durable-"));
  try {
    const first = await startTestCloud({ dir });
    await first.cloud.kinesis.call("CreateStream", { StreamName: "kept", ShardCount: 1 });
    const a = await first.cloud.kinesis.call("PutRecord", { StreamName: "kept", Data: Buffer.from("one"), PartitionKey: "p" });
    const { ShardIterator } = await first.cloud.kinesis.call("GetShardIterator", { StreamName: "kept", ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" });
    await first.stop();

    const second = await startTestCloud({ dir });
    try {
      const b = await second.cloud.kinesis.call("PutRecord", { StreamName: "kept", Data: Buffer.from("two"), PartitionKey: "p" });
      assert.ok(BigInt(b.SequenceNumber) > BigInt(a.SequenceNumber), "sequence numbers keep growing across restarts");
      // The iterator taken before the restart reads what came after it.
      const after = await second.cloud.kinesis.call("GetRecords", { ShardIterator });
      assert.deepEqual(after.Records.map((r: any) => Buffer.from(r.Data).toString()), ["two"]);
      const it = await second.cloud.kinesis.call("GetShardIterator", { StreamName: "kept", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" });
      const all = await second.cloud.kinesis.call("GetRecords", { ShardIterator: it.ShardIterator });
      assert.deepEqual(all.Records.map((r: any) => Buffer.from(r.Data).toString()), ["one", "two"]);
    } finally {
      await second.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
