import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { InvocationLog } from "./invocation-log.js";

test("the live log keeps the last invocations, oldest first, each with its lines and outcome", () => {
  const events = new EventEmitter();
  const log = new InvocationLog(events, 300);
  for (let i = 0; i < 1000; i++) {
    const e = { functionName: i % 2 ? "odd" : "even", requestId: `r${i}` };
    events.emit("lambda:start", e);
    events.emit("lambda:log", { ...e, line: `START RequestId: r${i}` });
    events.emit("lambda:end", { ...e, status: i % 10 === 0 ? "error" : "success", durationMs: i });
  }
  const recent = log.recent();
  assert.deepEqual(recent.map((r) => r.requestId), Array.from({ length: 300 }, (_, k) => `r${700 + k}`));
  assert.deepEqual(recent[0]!.lines.map((l) => l.message), ["START RequestId: r700"]);
  assert.equal(recent[0]!.status, "error");
  assert.equal(recent[1]!.durationMs, 701);
  assert.equal(log.recent("odd").length, 150);
  // A late line of an invocation still kept lands on it.
  events.emit("lambda:log", { functionName: "even", requestId: "r998", line: "late" });
  assert.deepEqual(log.recent().at(-2)!.lines.map((l) => l.message), ["START RequestId: r998", "late"]);
  log.close();
});
