/**
 * Kinesis through the AWS CLI v2 (botocore: its own JSON serializer, SigV4 signer and
 * error parsing, over HTTP/1.1) as a second real client. Skips when there is no AWS CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { useServiceCli } from "../../test-fixtures.js";

const cli = useServiceCli("kinesis");
const kinesis = cli.run;

test("AWS CLI v2: create, wait, put, read, describe, errors", { skip: cli.skip }, async () => {
  await kinesis("create-stream", "--stream-name", "cli", "--shard-count", "2");
  await kinesis("wait", "stream-exists", "--stream-name", "cli");
  const described = await kinesis("describe-stream", "--stream-name", "cli");
  assert.equal(described.StreamDescription.StreamStatus, "ACTIVE");
  assert.equal(described.StreamDescription.Shards.length, 2);
  // The CLI v2 takes --data as base64 unless told otherwise.
  const put = await kinesis("put-record", "--stream-name", "cli", "--partition-key", "k1", "--data", Buffer.from("from the cli").toString("base64"));
  assert.match(put.SequenceNumber, /^\d{56}$/);
  const batch = await kinesis("put-records", "--stream-name", "cli", "--records", JSON.stringify([{ Data: Buffer.from("two").toString("base64"), PartitionKey: "k1" }]));
  assert.equal(batch.FailedRecordCount, 0);
  const { ShardIterator } = await kinesis("get-shard-iterator", "--stream-name", "cli", "--shard-id", put.ShardId, "--shard-iterator-type", "TRIM_HORIZON");
  const got = await kinesis("get-records", "--shard-iterator", ShardIterator);
  assert.deepEqual(got.Records.map((r: any) => Buffer.from(r.Data, "base64").toString()), ["from the cli", "two"]);
  // The CLI prints the timestamp it parsed from epoch seconds as ISO 8601.
  assert.ok(Math.abs(Date.parse(got.Records[0].ApproximateArrivalTimestamp) - Date.now()) < 60_000);
  assert.equal(got.MillisBehindLatest, 0);
  const listed = await kinesis("list-streams");
  assert.deepEqual(listed.StreamNames, ["cli"]);
  assert.match(
    await cli.fails("describe-stream-summary", "--stream-name", "nope"),
    /An error occurred \(ResourceNotFoundException\) when calling the DescribeStreamSummary operation: Stream nope under account 000000000000 not found\./,
  );
  await kinesis("delete-stream", "--stream-name", "cli");
  assert.deepEqual((await kinesis("list-streams")).StreamNames, []);
});
