import { test } from "node:test";
import assert from "node:assert/strict";
import { LogShipper, SHIP_EVENTS, type LogsClient } from "./log-shipper.js";

/** Records the PutLogEvents a shipper makes. */
function recordingClient() {
  const puts: { stream: string; count: number }[] = [];
  const client: LogsClient = {
    async call(operation, input) {
      if (operation === "PutLogEvents") puts.push({ stream: input.logStreamName, count: input.logEvents.length });
      return {};
    },
  };
  return { client, puts };
}

test("a burst of lines ships without waiting for the timer, in PutLogEvents of at most SHIP_EVENTS lines", async () => {
  const { client, puts } = recordingClient();
  const shipper = new LogShipper(() => client, { createGroups: true });
  const now = Date.now();
  for (let i = 0; i < 3 * SHIP_EVENTS; i++) shipper.write("/aws/lambda/f", "s1", { timestamp: now + i, message: `line ${i}` });
  // Within a few event-loop turns, not at the 200 ms timer.
  for (let turn = 0; turn < 20 && puts.reduce((n, p) => n + p.count, 0) < 3 * SHIP_EVENTS; turn++) await new Promise((r) => setImmediate(r));
  assert.equal(puts.reduce((n, p) => n + p.count, 0), 3 * SHIP_EVENTS);
  assert.ok(puts.every((p) => p.count <= SHIP_EVENTS), JSON.stringify(puts));
});

test("a few lines wait for the timer and go out in one PutLogEvents per stream, in order", async () => {
  const written: { stream: string; messages: string[] }[] = [];
  const client: LogsClient = {
    async call(operation, input) {
      if (operation === "PutLogEvents") written.push({ stream: input.logStreamName, messages: input.logEvents.map((e: any) => e.message) });
      return {};
    },
  };
  const shipper = new LogShipper(() => client, { createGroups: false });
  const now = Date.now();
  shipper.write("g", "a", [{ timestamp: now, message: "a1" }, { timestamp: now + 1, message: "a2" }]);
  shipper.write("g", "b", { timestamp: now, message: "b1" });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(written, []);
  await shipper.flush();
  assert.deepEqual(written, [{ stream: "a", messages: ["a1", "a2"] }, { stream: "b", messages: ["b1"] }]);
  // A stream written to again after its batch shipped starts a new batch.
  shipper.write("g", "a", { timestamp: now + 2, message: "a3" });
  shipper.write("g", "b", { timestamp: now + 2, message: "b2" });
  shipper.write("g", "a", { timestamp: now + 3, message: "a4" });
  await shipper.flush();
  assert.deepEqual(written.slice(2), [{ stream: "a", messages: ["a3", "a4"] }, { stream: "b", messages: ["b2"] }]);
});

test("lines out of order (a clock step back) and empty or oversized lines still ship, ordered and bounded", async () => {
  const written: { timestamp: number; message: string }[][] = [];
  const client: LogsClient = {
    async call(operation, input) {
      if (operation === "PutLogEvents") written.push(input.logEvents);
      return {};
    },
  };
  const shipper = new LogShipper(() => client, { createGroups: false });
  const now = Date.now();
  shipper.write("g", "s", [
    { timestamp: now + 5, message: "later" },
    { timestamp: now, message: "" },
    { timestamp: now + 1, message: "x".repeat(300_000) },
  ]);
  await shipper.flush();
  assert.equal(written.length, 1);
  assert.deepEqual(written[0]!.map((e) => e.timestamp), [now, now + 1, now + 5]);
  assert.equal(written[0]![0]!.message, " ");
  assert.ok(Buffer.byteLength(written[0]![1]!.message) <= 262_144 - 26);
});
