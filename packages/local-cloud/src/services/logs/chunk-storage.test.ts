/**
 * How chunks are stored: a batch larger than a page is deflated (a BLOB a tenth of its
 * JSON for log lines that repeat themselves), a small one stays JSON text, and rows
 * written as text before deflating existed are read as they were.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { LogsStore } from "./store.js";

function store(): { store: LogsStore; db: Database.Database } {
  const db = new Database(":memory:");
  const s = new LogsStore(db);
  s.createGroup("g", 0, undefined, "STANDARD");
  s.createStream("g", "s", 0);
  return { store: s, db };
}

const report = (i: number) => `REPORT RequestId: 0d6f5f3c-2b57-4d0e-9f5f-${String(i).padStart(12, "0")}\tDuration: 0.12 ms\tBilled Duration: 1 ms\tMemory Size: 1024 MB\tMax Memory Used: 73 MB`;

test("a large batch is stored deflated and reads back event for event", () => {
  const { store: s, db } = store();
  const events = Array.from({ length: 512 }, (_, i) => ({ timestamp: 1000 + i, message: `${report(i)} ✓` }));
  s.appendEvents("g", "s", events, 1);
  const row = db.prepare("SELECT typeof(events) AS type, length(events) AS bytes FROM log_chunks").get() as { type: string; bytes: number };
  assert.equal(row.type, "blob");
  const json = JSON.stringify(events.flatMap((e) => [e.timestamp, e.message]));
  assert.ok(row.bytes * 5 < Buffer.byteLength(json), `${row.bytes} bytes stored for ${Buffer.byteLength(json)} of JSON`);
  assert.deepEqual(s.events({ group: "g", limit: 10_000 }).map((e) => [e.timestamp, e.message]), events.map((e) => [e.timestamp, e.message]));
});

test("a small batch stays JSON text, and text rows of older state read as before", () => {
  const { store: s, db } = store();
  s.appendEvents("g", "s", [{ timestamp: 5, message: "five" }], 1);
  assert.equal((db.prepare("SELECT typeof(events) AS type FROM log_chunks").get() as { type: string }).type, "text");
  // A large chunk written as text (before chunks were deflated).
  const old = Array.from({ length: 100 }, (_, i) => [i, report(i)]).flat();
  db.prepare("INSERT INTO log_chunks (group_name, stream, first_ts, last_ts, ingestion, events) VALUES ('g', 's', 0, 99, 1, ?)").run(JSON.stringify(old));
  const read = s.events({ group: "g", limit: 1000 });
  assert.equal(read.length, 101);
  assert.equal(read[0]!.message, report(0));
  assert.equal(read.find((e) => e.timestamp === 5 && e.message === "five")?.message, "five");
});
