/**
 * The chunked event store: events written in many batches on several streams read back
 * in (timestamp, id) order, paged both ways with cursors, and state from before chunks
 * (one row an event) is moved into chunks when the store opens it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { LogsStore, type LogEventRow } from "./store.js";

function storeWithStreams(): LogsStore {
  const store = new LogsStore(new Database(":memory:"));
  store.createGroup("g", 0, undefined, "STANDARD");
  store.createStream("g", "a", 0);
  store.createStream("g", "b", 0);
  return store;
}

test("events of many batches and streams come back in time order, paged forwards and backwards", () => {
  const store = storeWithStreams();
  // Stream a: even timestamps in batches of 3; stream b: odd ones in batches of 5 (overlapping in time).
  const all: { stream: string; timestamp: number; message: string }[] = [];
  for (let t = 0; t < 60; t += 6) {
    const batch = [t, t + 2, t + 4].map((ts) => ({ timestamp: ts, message: `a${ts}` }));
    store.appendEvents("g", "a", batch, 1);
    all.push(...batch.map((e) => ({ stream: "a", ...e })));
  }
  for (let t = 1; t < 60; t += 10) {
    const batch = [t, t + 2, t + 4, t + 6, t + 8].map((ts) => ({ timestamp: ts, message: `b${ts}` }));
    store.appendEvents("g", "b", batch, 1);
    all.push(...batch.map((e) => ({ stream: "b", ...e })));
  }
  all.sort((x, y) => x.timestamp - y.timestamp);
  const msgs = (rows: LogEventRow[]) => rows.map((r) => r.message);

  assert.deepEqual(msgs(store.events({ group: "g", limit: 1000 })), all.map((e) => e.message));
  assert.deepEqual(msgs(store.events({ group: "g", streams: ["b"], limit: 1000 })), all.filter((e) => e.stream === "b").map((e) => e.message));
  assert.deepEqual(msgs(store.events({ group: "g", start: 10, end: 20, limit: 1000 })), all.filter((e) => e.timestamp >= 10 && e.timestamp < 20).map((e) => e.message));

  // Forward pages of 7 with the cursor of each page's last event.
  const forward: string[] = [];
  let after: LogEventRow | undefined;
  for (;;) {
    const page = store.events({ group: "g", limit: 7, after: after && { timestamp: after.timestamp, id: after.id } });
    if (!page.length) break;
    forward.push(...msgs(page));
    after = page[page.length - 1];
  }
  assert.deepEqual(forward, all.map((e) => e.message));

  // Backward pages of 4 from the end.
  const backward: string[] = [];
  let before: LogEventRow | undefined;
  for (;;) {
    const page = store.events({ group: "g", limit: 4, descending: true, before: before && { timestamp: before.timestamp, id: before.id } });
    if (!page.length) break;
    backward.push(...msgs(page));
    before = page[page.length - 1];
  }
  assert.deepEqual(backward, all.map((e) => e.message).reverse());

  // Ties in time keep the order they were written in.
  store.appendEvents("g", "a", [{ timestamp: 100, message: "first" }], 1);
  store.appendEvents("g", "b", [{ timestamp: 100, message: "second" }, { timestamp: 100, message: "third" }], 1);
  assert.deepEqual(msgs(store.events({ group: "g", start: 100, limit: 10 })), ["first", "second", "third"]);
  assert.equal(store.stream("g", "b")?.upload_seq, 7);
});

test("expiry drops whole batches past the retention; deleting a stream drops its events", () => {
  const store = storeWithStreams();
  store.appendEvents("g", "a", [{ timestamp: 10, message: "old" }], 1);
  store.appendEvents("g", "a", [{ timestamp: 1000, message: "new" }], 1);
  store.setRetention("g", 1);
  assert.equal(store.expire(10 + 86_400_000 + 1), 1);
  assert.deepEqual(store.events({ group: "g", limit: 10 }).map((r) => r.message), ["new"]);
  store.deleteStream("g", "a");
  assert.deepEqual(store.events({ group: "g", limit: 10 }), []);
});

test("state from before chunks (one row an event) is moved into chunks on open", () => {
  const db = new Database(":memory:");
  db.exec(`
    CREATE TABLE log_groups (name TEXT PRIMARY KEY, created INTEGER NOT NULL, retention_days INTEGER, kms_key_id TEXT, log_group_class TEXT NOT NULL DEFAULT 'STANDARD', stored_bytes INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE log_streams (group_name TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL, first_event INTEGER, last_event INTEGER, last_ingestion INTEGER, upload_seq INTEGER NOT NULL DEFAULT 0, stored_bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (group_name, name));
    CREATE TABLE log_events (id INTEGER PRIMARY KEY AUTOINCREMENT, group_name TEXT NOT NULL, stream TEXT NOT NULL, timestamp INTEGER NOT NULL, ingestion INTEGER NOT NULL, message TEXT NOT NULL);
    INSERT INTO log_groups (name, created) VALUES ('g', 0);
    INSERT INTO log_streams (group_name, name, created) VALUES ('g', 's', 0), ('g', 't', 0);
    INSERT INTO log_events (group_name, stream, timestamp, ingestion, message) VALUES ('g', 's', 5, 6, 'five'), ('g', 't', 3, 6, 'three'), ('g', 's', 1, 6, 'one');`);
  const store = new LogsStore(db);
  assert.deepEqual(store.events({ group: "g", limit: 10 }).map((r) => [r.stream, r.timestamp, r.message]), [["s", 1, "one"], ["t", 3, "three"], ["s", 5, "five"]]);
  assert.equal(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'log_events'").get(), undefined);
});
