/**
 * What the LogShipper ships is what was written to it — every line, its timestamp to the
 * millisecond, multi-byte text, tabs and newlines, lines of 100,000 characters, single
 * events and arrays — per stream and in order. (Written for an experiment that kept
 * waiting lines encoded off the heap, docs/api-route-cost.md; it holds any way of
 * keeping them.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LogShipper, type LogEvent, type LogsClient } from "./log-shipper.js";

test("lines come out of the shipper as they were written: text, timestamps, order, per stream", async () => {
  const shipped = new Map<string, LogEvent[]>();
  const client: LogsClient = {
    async call(operation, input) {
      if (operation !== "PutLogEvents") return {};
      const list = shipped.get(input.logStreamName) ?? [];
      list.push(...input.logEvents);
      shipped.set(input.logStreamName, list);
      return {};
    },
  };
  const shipper = new LogShipper(() => client, { createGroups: true });
  const t0 = 1_765_000_000_123;
  const expected = new Map<string, LogEvent[]>([["a", []], ["b", []]]);
  const texts = [
    "START RequestId: 6b1c… Version: $LATEST",
    "2026-12-07T23:00:00.000Z\tid\tINFO\tgrüße, 日本語, emoji 🎉",
    "multi\nline\ttabbed",
    "x".repeat(100_000),
    "é".repeat(40_000), // two bytes a character
  ];
  for (let i = 0; i < 300; i++) {
    const stream = i % 3 === 0 ? "b" : "a";
    const event = { timestamp: t0 + i, message: `${texts[i % texts.length]} #${i}` };
    // Single events and arrays of them both go in.
    if (i % 2) shipper.write("/aws/lambda/f", stream, event);
    else shipper.write("/aws/lambda/f", stream, [event]);
    expected.get(stream)!.push(event);
  }
  await shipper.flush();
  for (const [stream, events] of expected) {
    const got = shipped.get(stream) ?? [];
    assert.equal(got.length, events.length, stream);
    for (let i = 0; i < events.length; i++) {
      assert.equal(got[i]!.timestamp, events[i]!.timestamp);
      assert.equal(got[i]!.message, events[i]!.message);
    }
  }
});
