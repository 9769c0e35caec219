import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateEventSourceMappingCommand, GetEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import { PutItemCommand, DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { CreateStreamCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { createRecorder, createStreamedTable, eventsOf, usePollerCloud } from "./recorder-fixture.js";
import { countInWindow, stateOfResponse, windowEvent, windowOf } from "./tumbling-window.js";

const env = usePollerCloud();

/** Counts records per partition key into the state; the final invocation answers nothing. */
const COUNTING = `event.isFinalInvokeForWindow ? {} : { state: event.Records.reduce((s, r) => ({ ...s, total: (s.total ?? 0) + 1 }), event.state) }`;

test("windows: aligned to their length since the epoch, bounds without milliseconds", () => {
  const w = windowOf(new Date("2026-12-07T18:04:59.999Z"), 300);
  assert.deepEqual(w, { startMs: Date.parse("2026-12-07T18:00:00Z"), endMs: Date.parse("2026-12-07T18:05:00Z") });
  const event = windowEvent([], w, { a: 1 }, "shardId-000000000000", "arn", { final: true, terminatedEarly: false });
  assert.deepEqual(event.window, { start: "2026-12-07T18:00:00Z", end: "2026-12-07T18:05:00Z" });
  const at = (iso: string) => ({ t: new Date(iso) });
  assert.equal(countInWindow([at("2026-12-07T18:01:00Z"), at("2026-12-07T18:04:00Z"), at("2026-12-07T18:05:00Z")], w, (r) => r.t), 2);
  assert.deepEqual(stateOfResponse(Buffer.from(`{"state":{"n":1}}`)), { n: 1 });
  for (const bad of [`{}`, `{"state":[1]}`, `{"state":"x"}`, `null`, `not json`]) assert.equal(stateOfResponse(Buffer.from(bad)), undefined, bad);
});

test("Kinesis tumbling window: state carried between batches of a window, then one final invocation", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "taps", ShardCount: 1 }));
  const streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/taps";
  await createRecorder(env.lambda, "tally", COUNTING);
  const rec = eventsOf(env.tc, "tally");
  // One PutRecords: the five records share an arrival time, so one window.
  const put = await env.kinesis.send(new PutRecordsCommand({ StreamName: "taps", Records: ["a", "b", "c", "d", "e"].map((k) => ({ Data: Buffer.from(k), PartitionKey: k })) }));
  const mapping = await env.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "tally", EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON", BatchSize: 2, TumblingWindowInSeconds: 2 }),
  );
  assert.equal(mapping.TumblingWindowInSeconds, 2);
  await rec.until(() => rec.events.some((e) => e.isFinalInvokeForWindow), 8000);
  const [e1, e2, e3, final] = rec.events;
  assert.equal(rec.events.length, 4, JSON.stringify(rec.events));
  assert.deepEqual([e1, e2, e3].map((e) => e.Records.map((r: any) => r.kinesis.partitionKey)), [["a", "b"], ["c", "d"], ["e"]]);
  assert.deepEqual([e1, e2, e3, final].map((e) => e.state), [{}, { total: 2 }, { total: 4 }, { total: 5 }]);
  assert.deepEqual(final.Records, []);
  assert.deepEqual([e1, e2, e3, final].map((e) => e.isFinalInvokeForWindow), [false, false, false, true]);
  for (const e of rec.events) {
    assert.deepEqual(Object.keys(e), ["Records", "window", "state", "shardId", "eventSourceARN", "isFinalInvokeForWindow", "isWindowTerminatedEarly"]);
    assert.equal(e.shardId, put.Records![0].ShardId);
    assert.equal(e.eventSourceARN, streamArn);
    assert.equal(e.isWindowTerminatedEarly, false);
    assert.deepEqual(e.window, e1.window);
  }
  const start = Date.parse(e1.window.start);
  assert.equal(start % 2000, 0, "windows start on a multiple of their length");
  assert.equal(Date.parse(e1.window.end) - start, 2000);
  const arrival = e1.Records[0].kinesis.approximateArrivalTimestamp * 1000;
  assert.ok(arrival >= start && arrival < start + 2000, "the records arrived within their window");
  rec.stop();
});

test("DynamoDB Streams tumbling window: a later window starts with a fresh state after the earlier one's final invocation; an answer without state is retried", async () => {
  await createStreamedTable(env.ddb, "votes", "NEW_IMAGE");
  const { Table } = await env.ddb.send(new DescribeTableCommand({ TableName: "votes" }));
  // Forgets the state on its first call for the item "x": Lambda counts that as a failure and retries the batch.
  const answer = `(globalThis.calls = (globalThis.calls ?? 0) + 1) === 1 ? { note: "no state" } : (${COUNTING})`;
  await createRecorder(env.lambda, "ballots", answer);
  const rec = eventsOf(env.tc, "ballots");
  const mapping = await env.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "ballots", EventSourceArn: Table!.LatestStreamArn, StartingPosition: "LATEST", TumblingWindowInSeconds: 1 }),
  );
  await new Promise((r) => setTimeout(r, 300)); // LATEST: let the poller open its iterator first
  await env.ddb.send(new PutItemCommand({ TableName: "votes", Item: { id: { S: "x" } } }));
  await rec.until(() => rec.events.filter((e) => e.isFinalInvokeForWindow).length >= 1, 8000);
  await env.ddb.send(new PutItemCommand({ TableName: "votes", Item: { id: { S: "y" } } }));
  await rec.until(() => rec.events.filter((e) => e.isFinalInvokeForWindow).length >= 2, 8000);
  const shape = rec.events.map((e) => ({ keys: e.Records.map((r: any) => r.dynamodb.Keys.id.S), state: e.state, final: e.isFinalInvokeForWindow, window: e.window.start }));
  assert.deepEqual(
    shape.map(({ window, ...rest }) => rest),
    [
      { keys: ["x"], state: {}, final: false }, // answered without state: retried
      { keys: ["x"], state: {}, final: false },
      { keys: [], state: { total: 1 }, final: true },
      { keys: ["y"], state: {}, final: false },
      { keys: [], state: { total: 1 }, final: true },
    ],
  );
  assert.equal(shape[0].window, shape[2].window);
  assert.ok(shape[3].window > shape[2].window, "y arrived in a later window");
  assert.equal(shape[3].window, shape[4].window);
  assert.ok(rec.events.every((e) => e.shardId === rec.events[0].shardId && e.eventSourceARN === Table!.LatestStreamArn));
  const m = await env.lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID }));
  assert.equal(m.LastProcessingResult, "OK");
  rec.stop();
});

test("a state over 1 MB ends the window early; the window goes on with a fresh state", async () => {
  await env.kinesis.send(new CreateStreamCommand({ StreamName: "bulky", ShardCount: 1 }));
  // The first batch answers a 1.1 MB state; the log line only says how big the state was.
  const answer = `event.isFinalInvokeForWindow ? {} : { state: event.Records[0].kinesis.partitionKey === "big" ? { pad: "x".repeat(1100000) } : { n: 1 } }`;
  const log = `{ keys: event.Records.map((r) => r.kinesis.partitionKey), stateBytes: JSON.stringify(event.state).length, final: event.isFinalInvokeForWindow, early: event.isWindowTerminatedEarly, window: event.window }`;
  await createRecorder(env.lambda, "bulky", answer, log);
  const rec = eventsOf(env.tc, "bulky");
  await env.kinesis.send(new PutRecordsCommand({ StreamName: "bulky", Records: ["big", "small"].map((k) => ({ Data: Buffer.from(k), PartitionKey: k })) }));
  await env.lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: "bulky", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/bulky", StartingPosition: "TRIM_HORIZON", BatchSize: 1, TumblingWindowInSeconds: 2 }),
  );
  await rec.until(() => rec.events.filter((e) => e.final).length >= 2, 8000);
  assert.deepEqual(
    rec.events.map(({ window, ...rest }) => rest),
    [
      { keys: ["big"], stateBytes: 2, final: false, early: false },
      { keys: [], stateBytes: 1100010, final: true, early: true },
      { keys: ["small"], stateBytes: 2, final: false, early: false },
      { keys: [], stateBytes: 7, final: true, early: false },
    ],
  );
  assert.ok(rec.events.every((e) => e.window.start === rec.events[0].window.start), "one window throughout");
  rec.stop();
});
