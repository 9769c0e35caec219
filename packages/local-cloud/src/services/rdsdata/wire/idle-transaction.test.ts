/**
 * The wire listener on its own, over a PGlite of its own, with the real `pg` client: a
 * connection idle in a transaction while another waits for the session is ended as
 * Postgres' idle_in_transaction_session_timeout ends it (FATAL 25P03), its transaction
 * rolled back, and the waiter goes on; a lone idle transaction is left alone.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import { openClusterDatabase } from "../postgres-engine.js";
import { ClusterSession } from "../cluster-session.js";
import type { ClusterRow } from "../clusters.js";
import { WireListeners } from "./listeners.js";

const ARN = "arn:aws:rds:us-east-1:000000000000:cluster:idle";
const row: ClusterRow = { arn: ARN, identifier: "idle", engine: "aurora-postgresql", database: "postgres", master_username: "admin", master_password: "secret-pw", http_endpoint: 0 };
let db: PGlite;
let listeners: WireListeners;
let port: number;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pg-wire-idle-"));

before(async () => {
  // A copy of the machine's pristine cluster: no initdb.
  db = await openClusterDatabase(path.join(dir, "idle"), "postgres");
  const session = await ClusterSession.open(db);
  listeners = new WireListeners({ cluster: () => row, session: async () => session, idleInTransactionMs: 300 });
  port = await listeners.listen(ARN);
});
after(async () => {
  await listeners?.close();
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "admin", password: "secret-pw", database: "postgres" });
  await client.connect();
  return client;
}

test("an idle transaction is left alone while nobody waits, and ended (25P03, rolled back) once somebody does", async () => {
  const idle = await connect();
  const ended = new Promise<any>((resolve) => idle.on("error", resolve));
  await idle.query("CREATE TABLE t (n int)");
  await idle.query("BEGIN");
  await idle.query("INSERT INTO t VALUES (1)");
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual((await idle.query("SELECT count(*)::int AS n FROM t")).rows, [{ n: 1 }], "still open after the timeout: nobody waited");

  const other = await connect();
  try {
    assert.deepEqual((await other.query("SELECT count(*)::int AS n FROM t")).rows, [{ n: 0 }], "the waiter runs once the idle transaction is rolled back");
    const err = await ended;
    assert.equal(err.code, "25P03");
    assert.equal(err.message, "terminating connection due to idle-in-transaction timeout");
  } finally {
    await other.end();
    await idle.end().catch(() => {});
  }
});
