/**
 * A minimal stand-in for LocalCloud for unit tests of this folder and of logs/:
 * SQLite in a temp dir, no-op IAM, an event emitter and a pluggable Lambda.
 */
import Database from "better-sqlite3";
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LambdaInvoker } from "./lambda-invoke.js";

export interface FakeCloud {
  region: string;
  endpoint: string;
  accountId: string;
  events: EventEmitter;
  lambda?: LambdaInvoker;
  openDatabase(name: string): Database.Database;
  dataDir(name: string): string;
  authorize(ctx: any, action: string, resources: string | string[]): void;
  /** Calls to authorize, for assertions. */
  authorized: { action: string; resources: string | string[] }[];
  dispose(): void;
}

export function fakeCloud(): FakeCloud {
  const dir = mkdtempSync(join(tmpdir(), "lc-fake-"));
  const dbs = new Map<string, Database.Database>();
  const cloud: FakeCloud = {
    region: "us-east-1",
    endpoint: "http://127.0.0.1:4570",
    accountId: "000000000000",
    events: new EventEmitter(),
    authorized: [],
    openDatabase(name) {
      let db = dbs.get(name);
      if (!db) {
        db = new Database(join(dir, `${name}.sqlite`));
        db.pragma("journal_mode = WAL");
        dbs.set(name, db);
      }
      return db;
    },
    dataDir: (name) => join(dir, name),
    authorize(_ctx, action, resources) {
      cloud.authorized.push({ action, resources });
    },
    dispose() {
      for (const db of dbs.values()) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cloud;
}
