/**
 * The thread that writes CloudWatch Logs chunks (see append-writer.ts): its own
 * connection to logs.sqlite, one transaction per chunk, statements given by the store
 * (workerData.sql), so the SQL lives in one place. After each chunk — written or failed —
 * it counts it in the shared counter and wakes whoever waits on it.
 *
 * Plain JavaScript: a worker thread runs without tsx.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, sql, state } = workerData;
const done = new Int32Array(state);

/** The connection and its one transaction; when the file cannot be opened, every chunk fails with that error. */
let db;
let append;
let openError;
try {
  db = new Database(file);
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 5000");
  const insertChunk = db.prepare(sql.insertChunk);
  const touchStream = db.prepare(sql.touchStream);
  const addGroupBytes = db.prepare(sql.addGroupBytes);
  append = db.transaction((c) => {
    insertChunk.run(c.group, c.stream, c.first, c.last, c.ingestion, c.events);
    touchStream.run({ group: c.group, stream: c.stream, first: c.first, last: c.last, ingestion: c.ingestion, bytes: c.bytes });
    addGroupBytes.run(c.bytes, c.group);
  });
} catch (err) {
  openError = err;
}

parentPort.on("message", (message) => {
  if (message === "close") {
    db?.close();
    Atomics.store(done, 1, 1);
    Atomics.notify(done, 1);
    parentPort.close();
    return;
  }
  try {
    if (openError) throw openError;
    append(message);
  } catch (err) {
    parentPort.postMessage({ group: message.group, stream: message.stream, error: String(err?.message ?? err) });
  }
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
});
