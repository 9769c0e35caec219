/**
 * Chunks written on the writer thread (a WAL file, as the local cloud opens logs.sqlite):
 * what an append acknowledged is read back at once — events, stream and group
 * statistics, sequence numbers — a deleted stream's chunks never come back, a chunk
 * the database refuses is reported rather than lost silently, and closing the store
 * writes what is pending before the file is closed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { LogsStore } from "./store.js";

function walDatabase(dir: string): Database.Database {
  const db = new Database(path.join(dir, "logs.sqlite"));
  db.pragma("journal_mode = WAL");
  return db;
}

async function withStore(run: (store: LogsStore, db: Database.Database, dir: string, errors: string[]) => void | Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logs-writer-"));
  const db = walDatabase(dir);
  const errors: string[] = [];
  const store = new LogsStore(db, { onAppendError: (group, stream, message) => errors.push(`${group} ${stream}: ${message}`) });
  try {
    await run(store, db, dir, errors);
  } finally {
    store.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const batch = (from: number, n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ timestamp: from + i, message: `${prefix}${from + i}` }));

test("what appends acknowledged is read back at once: events, statistics and sequence numbers", async () => {
  await withStore((store) => {
    store.createGroup("g", 0, undefined, "STANDARD");
    store.createStream("g", "s", 0);
    const sequences: number[] = [];
    for (let k = 0; k < 50; k++) sequences.push(store.appendEvents("g", "s", batch(k * 10, 10, "m"), 1000 + k));
    assert.deepEqual(sequences, Array.from({ length: 50 }, (_, k) => k + 1));
    assert.equal(store.uploadSequence("g", "s"), 50);
    const events = store.events({ group: "g", limit: 10_000 });
    assert.equal(events.length, 500);
    assert.deepEqual(events.slice(0, 2).map((e) => e.message), ["m0", "m1"]);
    assert.equal(events.at(-1)!.message, "m499");
    const [row] = store.streamsWithPrefix("g", "s");
    assert.equal(row!.upload_seq, 50);
    assert.equal(row!.first_event, 0);
    assert.equal(row!.last_event, 499);
    assert.equal(row!.last_ingestion, 1049);
    const [group] = store.groupsWithPrefix("g");
    assert.equal(group!.stored_bytes, row!.stored_bytes);
    assert.ok(row!.stored_bytes > 500 * 26);
  });
});

test("a deleted stream's chunks do not come back, and a stream of the same name starts over", async () => {
  await withStore((store) => {
    store.createGroup("g", 0, undefined, "STANDARD");
    store.createStream("g", "s", 0);
    for (let k = 0; k < 20; k++) store.appendEvents("g", "s", batch(k * 5, 5, "old"), 1);
    store.deleteStream("g", "s");
    store.createStream("g", "s", 0);
    assert.equal(store.appendEvents("g", "s", batch(1000, 2, "new"), 1), 1);
    assert.deepEqual(store.events({ group: "g", limit: 100 }).map((e) => e.message), ["new1000", "new1001"]);
  });
});

test("a chunk the database refuses is reported, and the store goes on", async () => {
  await withStore(async (store, db, _dir, errors) => {
    store.createGroup("g", 0, undefined, "STANDARD");
    store.createStream("g", "ok", 0);
    store.createStream("g", "bad", 0);
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON log_chunks WHEN NEW.stream = 'bad' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    store.appendEvents("g", "bad", batch(0, 3, "x"), 1);
    store.appendEvents("g", "ok", batch(10, 3, "y"), 1);
    assert.deepEqual(store.events({ group: "g", limit: 100 }).map((e) => e.message), ["y10", "y11", "y12"]);
    // The thread's report arrives as a message: on the event loop, after this turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(errors.join("\n"), /g bad: refused by the test/);
  });
});

test("closing the store writes pending chunks before the file is closed", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logs-writer-"));
  try {
    const db = walDatabase(dir);
    const store = new LogsStore(db);
    store.createGroup("g", 0, undefined, "STANDARD");
    store.createStream("g", "s", 0);
    for (let k = 0; k < 100; k++) store.appendEvents("g", "s", batch(k * 100, 100, "e"), 1);
    store.close();
    db.close();
    const reopened = new Database(path.join(dir, "logs.sqlite"), { readonly: true });
    const { n } = reopened.prepare("SELECT count(*) AS n FROM log_chunks").get() as { n: number };
    reopened.close();
    assert.equal(n, 100);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
