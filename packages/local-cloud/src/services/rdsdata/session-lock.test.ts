/**
 * The cluster's one Postgres session: callers get it in arrival order, a caller that
 * waits too long leaves the queue with the error it was given (the Data API's
 * StatementTimeoutException), and the ones behind it keep their turn.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SessionLock } from "./session-lock.js";

const timeout = () => new Error("timed out");

test("waiters get the session in arrival order, one at a time", async () => {
  const lock = new SessionLock();
  const order: string[] = [];
  const first = await lock.acquire(1000, timeout);
  const waiting = ["b", "c", "d"].map((name) =>
    lock.acquire(1000, timeout).then((release) => {
      order.push(name);
      setImmediate(release);
    }),
  );
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(order, [], "nobody runs while the session is held");
  first();
  first(); // a second release of the same grant changes nothing
  await Promise.all(waiting);
  assert.deepEqual(order, ["b", "c", "d"]);
  const again = await lock.acquire(10, timeout);
  again();
});

test("a waiter that times out leaves the queue; the next one still gets its turn", async () => {
  const lock = new SessionLock();
  const held = await lock.acquire(1000, timeout);
  // The lock's timers are unref'd (they must not keep a cloud's process alive); this one keeps the test's.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    const impatient = lock.acquire(20, timeout);
    const patient = lock.acquire(1000, timeout);
    await assert.rejects(impatient, /timed out/);
    held();
    const release = await patient;
    release();
  } finally {
    clearInterval(keepAlive);
  }
});
