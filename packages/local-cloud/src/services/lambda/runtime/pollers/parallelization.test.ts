import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand, DeleteEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { PutItemCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { createRecorder, createStreamedTable, eventsOf, usePollerCloud } from "./recorder-fixture.js";
import { laneOf } from "./stream-poller.js";

const env = usePollerCloud();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Which lane a key falls in is a stable hash (laneOf); the tests pick keys on both sides of it.

test("Kinesis ParallelizationFactor: batches of one shard run at once, never two of one partition key, each key in order", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "fanout", ShardCount: 1 }));
  // Logs when each call starts and ends; takes 150 ms.
  const log = `{ keys: event.Records.map((r) => r.kinesis.partitionKey), seqs: event.Records.map((r) => r.kinesis.sequenceNumber), data: event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString()), start: Date.now() }`;
  await createRecorder(env.lambda, "fanout", `await new Promise((r) => setTimeout(r, 150)), console.log("DONE " + Date.now())`, log);
  const rec = eventsOf(env.tc, "fanout");
  const keys = ["k0", "k1", "k2", "k3", "k4", "k5"];
  const records = [0, 1, 2].flatMap((round) => keys.map((k) => ({ Data: Buffer.from(`${k}-${round}`), PartitionKey: k })));
  await env.kinesis.send(new PutRecordsCommand({ StreamName: "fanout", Records: records }));
  const mapping = await env.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "fanout", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/fanout", StartingPosition: "TRIM_HORIZON", BatchSize: 2, ParallelizationFactor: 4 }),
  );
  assert.equal(mapping.ParallelizationFactor, 4);
  await rec.until(() => rec.events.flatMap((e) => e.keys).length >= records.length, 15000);
  const delivered = rec.events.flatMap((e) => e.data);
  assert.equal(delivered.length, records.length, "each record once");
  for (const k of keys) assert.deepEqual(delivered.filter((d: string) => d.startsWith(`${k}-`)), [`${k}-0`, `${k}-1`, `${k}-2`], `${k} in order`);
  // A batch only holds keys of one lane, and at most 4 lanes exist.
  const lanes = new Set<number>();
  for (const e of rec.events) {
    const own = new Set<number>(e.keys.map((k: string) => laneOf(k, 4)));
    assert.equal(own.size, 1, `one lane per batch: ${e.keys}`);
    lanes.add([...own][0]!);
  }
  // Batches overlapped: the calls started in fewer 150 ms steps than there were calls.
  const starts = rec.events.map((e) => e.start).sort((a, b) => a - b);
  const overlapping = starts.filter((s, i) => i > 0 && s - starts[i - 1] < 100).length;
  assert.ok(lanes.size > 1 && overlapping > 0, `concurrent batches from ${lanes.size} lanes; starts ${starts.map((s) => s - starts[0])}`);
  await env.lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
  rec.stop();
});

test("ParallelizationFactor: a failing batch holds back only its own lane's keys", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "mixed", ShardCount: 1 }));
  await createRecorder(env.lambda, "mixed", `(() => { if (event.Records.some((r) => r.kinesis.partitionKey === "poison")) throw new Error("poison"); })()`, `event.Records.map((r) => r.kinesis.partitionKey)`);
  const rec = eventsOf(env.tc, "mixed");
  const others = ["a", "b", "c", "d", "e", "f", "g", "h"];
  await env.kinesis.send(new PutRecordsCommand({ StreamName: "mixed", Records: ["poison", ...others].map((k) => ({ Data: Buffer.from(k), PartitionKey: k })) }));
  const mapping = await env.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "mixed", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/mixed", StartingPosition: "TRIM_HORIZON", BatchSize: 1, ParallelizationFactor: 3 }),
  );
  const free = others.filter((k) => laneOf(k, 3) !== laneOf("poison", 3));
  const stuck = others.filter((k) => laneOf(k, 3) === laneOf("poison", 3));
  assert.ok(free.length > 0 && stuck.length > 0, "the keys share and avoid poison's lane");
  await rec.until(() => free.every((k) => rec.events.some((e) => e[0] === k)), 8000);
  await sleep(500);
  const seen = new Set(rec.events.flat());
  for (const k of stuck) assert.ok(!seen.has(k), `${k} waits behind poison in its lane`);
  assert.ok(rec.events.filter((e) => e[0] === "poison").length >= 2, "poison is retried");
  await env.lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
  rec.stop();
});

test("DynamoDB Streams ParallelizationFactor: each item's changes stay in order; a factor changed later applies", async () => {
  await createStreamedTable(env.ddb, "counters", "NEW_IMAGE");
  const { Table } = await env.ddb.send(new DescribeTableCommand({ TableName: "counters" }));
  await createRecorder(env.lambda, "counters", "undefined", `event.Records.map((r) => r.dynamodb.NewImage.id.S + "=" + r.dynamodb.NewImage.n.N)`);
  const rec = eventsOf(env.tc, "counters");
  for (let n = 0; n < 4; n++) for (const id of ["p", "q", "r", "s", "t"]) await env.ddb.send(new PutItemCommand({ TableName: "counters", Item: { id: { S: id }, n: { N: String(n) } } }));
  const mapping = await env.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "counters", EventSourceArn: Table!.LatestStreamArn, StartingPosition: "TRIM_HORIZON", BatchSize: 3, ParallelizationFactor: 5 }),
  );
  await rec.until(() => rec.events.flat().length >= 20, 10000);
  const laneOfItem = (id: string) => laneOf(JSON.stringify([["id", { S: id }]]), 5);
  const changes: string[] = rec.events.flat();
  for (const id of ["p", "q", "r", "s", "t"]) assert.deepEqual(changes.filter((c) => c.startsWith(`${id}=`)), [0, 1, 2, 3].map((n) => `${id}=${n}`));
  for (const batch of rec.events) assert.equal(new Set(batch.map((c: string) => laneOfItem(c.split("=")[0]))).size, 1, "one lane per batch");
  assert.notEqual(laneOfItem("p"), laneOfItem("q"), "p and q had lanes of their own");
  const updated = await env.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, ParallelizationFactor: 1, MaximumBatchingWindowInSeconds: 1 }));
  assert.equal(updated.ParallelizationFactor, 1);
  await env.ddb.send(new PutItemCommand({ TableName: "counters", Item: { id: { S: "p" }, n: { N: "4" } } }));
  await env.ddb.send(new PutItemCommand({ TableName: "counters", Item: { id: { S: "q" }, n: { N: "4" } } }));
  await rec.until(() => rec.events.flat().length >= 22, 8000);
  assert.deepEqual(rec.events[rec.events.length - 1], ["p=4", "q=4"], "one lane again: both items in one batch");
  rec.stop();
});
