/**
 * Group commit for a service's SQLite database (DynamoDB's and S3's stores). The first
 * write of an event-loop batch opens one SQLite transaction (BEGIN IMMEDIATE); each
 * request's write runs in its own SAVEPOINT, so a failing request rolls back only
 * itself; one COMMIT follows when the batch closes (batch-window.ts), after every
 * request that arrived in it ran. One WAL commit per batch instead of one per request is
 * what makes concurrent writes cheap.
 *
 * Durability for clients is unchanged because nothing is acknowledged before that
 * COMMIT: a service answers only once `committed()` settles.
 *
 * What a store keeps beside SQLite (caches, counters summed in memory) it keeps right
 * through the hooks: told when a request starts, succeeds or is rolled back, just
 * before the COMMIT, and when the COMMIT failed and the whole group was rolled back.
 */
import type { Database, Statement } from "better-sqlite3";
import { afterBatch } from "./batch-window.js";

export interface GroupCommitHooks {
  /** A request's write starts (`savepoint`: it runs in its own savepoint). */
  started?(savepoint: boolean): void;
  /** A request's write returned: its changes stand, to be committed with the group. */
  succeeded?(): void;
  /** A request's write threw: its savepoint was rolled back (if it had one). */
  failed?(): void;
  /** Inside the transaction, just before COMMIT: the last writes of the group. */
  beforeCommit?(): void;
  /** The COMMIT (or beforeCommit) failed: every write of the group was rolled back. */
  commitFailed?(): void;
}

interface OpenGroup {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class GroupCommit {
  private depth = 0;
  private savepointed = false;
  private group?: OpenGroup;
  private readonly txn: Record<"begin" | "commit" | "rollback" | "savepoint" | "release" | "rollbackTo", Statement>;
  /** Bound once: a closure per group would be garbage on the hot path. */
  private readonly commitLater = () => this.commitGroup();

  /** @param savepointName an SQL identifier, distinct per database user */
  constructor(
    private readonly db: Database,
    savepointName: string,
    private readonly hooks: GroupCommitHooks = {},
  ) {
    this.txn = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      savepoint: db.prepare(`SAVEPOINT ${savepointName}`),
      release: db.prepare(`RELEASE ${savepointName}`),
      rollbackTo: db.prepare(`ROLLBACK TO ${savepointName}`),
    };
  }

  /** A request's write is running (calls to `run` from inside it join it). */
  get running(): boolean {
    return this.depth > 0;
  }

  /** The running request has its own savepoint (its SQL writes roll back if it fails). */
  get inSavepoint(): boolean {
    return this.depth > 0 && this.savepointed;
  }

  /**
   * Runs one request's write atomically within the open group (opening one if none is).
   * `savepoint` false: the caller promises `fn` issues at most one writing statement and
   * nothing after it can throw — a lone statement is atomic by itself and skips the
   * SAVEPOINT's cost.
   */
  run<T>(fn: () => T, savepoint = true): T {
    if (this.depth > 0) return fn();
    this.open();
    if (savepoint) this.txn.savepoint.run();
    this.savepointed = savepoint;
    this.depth++;
    this.hooks.started?.(savepoint);
    try {
      const out = fn();
      if (savepoint) this.txn.release.run();
      this.hooks.succeeded?.();
      return out;
    } catch (err) {
      if (savepoint) {
        this.txn.rollbackTo.run();
        this.txn.release.run();
      }
      this.hooks.failed?.();
      throw err;
    } finally {
      this.depth--;
    }
  }

  /**
   * Settles once every write so far is committed (rejects if the commit failed and the
   * writes were rolled back); undefined when nothing waits to commit, so a read costs
   * no promise.
   */
  committed(): Promise<void> | undefined {
    return this.group?.promise;
  }

  /** Commits the open group now (shutdown, tests). */
  flush(): void {
    if (this.group) this.commitGroup();
  }

  private open(): void {
    if (this.group) return;
    this.txn.begin.run();
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Waiters that only care whether writes landed must not trip unhandled rejections.
    promise.catch(() => {});
    this.group = { promise, resolve, reject };
    afterBatch(this.commitLater);
  }

  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = undefined;
    try {
      this.hooks.beforeCommit?.();
      this.txn.commit.run();
      group.resolve();
    } catch (err) {
      try {
        if (this.db.inTransaction) this.txn.rollback.run();
      } catch {
        // The connection rolled back already.
      }
      this.hooks.commitFailed?.();
      group.reject(err);
    }
  }
}
