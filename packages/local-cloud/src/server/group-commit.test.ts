import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { GroupCommit } from "./group-commit.js";

function openDb(): { db: Database.Database; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "group-commit-"));
  const db = new Database(path.join(dir, "t.sqlite"));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
  return { db, dir };
}

/** What a second connection sees: only committed rows. */
function committedRows(dir: string): string[] {
  const other = new Database(path.join(dir, "t.sqlite"), { readonly: true });
  try {
    return (other.prepare("SELECT k FROM t ORDER BY k").pluck().all() as string[]);
  } finally {
    other.close();
  }
}

test("the writes of one batch share one COMMIT; a failing one rolls back only itself", async () => {
  const { db, dir } = openDb();
  const seen: string[] = [];
  const commits = new GroupCommit(db, "t_request", {
    started: (savepoint) => seen.push(`started ${savepoint}`),
    succeeded: () => seen.push("succeeded"),
    failed: () => seen.push("failed"),
    beforeCommit: () => seen.push("beforeCommit"),
  });
  const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, 'x')");
  try {
    assert.equal(commits.committed(), undefined, "nothing waits before any write");
    commits.run(() => insert.run("a"));
    const group = commits.committed();
    assert.ok(group, "a write opens a group");
    assert.throws(() =>
      commits.run(() => {
        insert.run("b");
        assert.ok(commits.inSavepoint);
        throw new Error("boom");
      }),
    /boom/);
    // A nested run joins the outer request: one savepoint, one outcome.
    commits.run(() => commits.run(() => insert.run("c")), false);
    assert.equal(commits.committed(), group, "the same batch, the same group");
    assert.deepEqual(committedRows(dir), [], "nothing is committed before the batch closes");
    await group;
    assert.deepEqual(committedRows(dir), ["a", "c"]);
    assert.deepEqual(seen, ["started true", "succeeded", "started true", "failed", "started false", "succeeded", "beforeCommit"]);
    assert.equal(commits.committed(), undefined, "the group is closed");
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a failed COMMIT rolls the whole group back, rejects its waiters and tells the store", async () => {
  const { db, dir } = openDb();
  let commitFailed = 0;
  const commits = new GroupCommit(db, "t_request", {
    beforeCommit: () => {
      throw new Error("simulated disk full");
    },
    commitFailed: () => commitFailed++,
  });
  const insert = db.prepare("INSERT INTO t (k, v) VALUES (?, 'x')");
  try {
    commits.run(() => insert.run("lost"));
    await assert.rejects(commits.committed()!, /simulated disk full/);
    assert.equal(commitFailed, 1);
    assert.equal(db.inTransaction, false);
    assert.deepEqual(db.prepare("SELECT k FROM t").pluck().all(), []);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("flush commits the open group at once", () => {
  const { db, dir } = openDb();
  const commits = new GroupCommit(db, "t_request");
  try {
    commits.run(() => db.prepare("INSERT INTO t (k, v) VALUES ('now', 'x')").run());
    commits.flush();
    assert.equal(commits.committed(), undefined);
    assert.deepEqual(committedRows(dir), ["now"]);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
