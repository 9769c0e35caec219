/**
 * The durable shape API services share (API Gateway's HTTP, WebSocket and REST APIs,
 * AppSync's GraphQL APIs): each API and every resource under it is one JSON document
 * keyed by (api, kind, id), so deleting an API is one statement; `seq` keeps listings in
 * creation order (what the List/Get* operations return), and `generation` grows with
 * every change so a data plane can keep what it read until something changes.
 */
import type { Database } from "better-sqlite3";

export class ApiDocuments<Kind extends string> {
  generation = 0;
  private readonly stmts;

  constructor(protected readonly db: Database, table: string) {
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      api_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
      seq INTEGER NOT NULL, doc TEXT NOT NULL,
      PRIMARY KEY (api_id, kind, id));`);
    // State written before the table had `seq` (AppSync's did not): creation order was the rowid.
    const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes("seq")) db.exec(`ALTER TABLE ${table} ADD COLUMN seq INTEGER NOT NULL DEFAULT 0; UPDATE ${table} SET seq = rowid;`);
    this.stmts = {
      get: db.prepare(`SELECT doc FROM ${table} WHERE api_id = ? AND kind = ? AND id = ?`),
      list: db.prepare(`SELECT doc FROM ${table} WHERE api_id = ? AND kind = ? ORDER BY seq`),
      listKind: db.prepare(`SELECT doc FROM ${table} WHERE kind = ? ORDER BY seq`),
      apiIdsOfKind: db.prepare(`SELECT api_id FROM ${table} WHERE kind = ?`),
      nextSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM ${table}`),
      insert: db.prepare(`INSERT INTO ${table} (api_id, kind, id, seq, doc) VALUES (?, ?, ?, ?, ?)`),
      update: db.prepare(`UPDATE ${table} SET doc = ? WHERE api_id = ? AND kind = ? AND id = ?`),
      remove: db.prepare(`DELETE FROM ${table} WHERE api_id = ? AND kind = ? AND id = ?`),
      removeApi: db.prepare(`DELETE FROM ${table} WHERE api_id = ?`),
    };
  }

  get<T = any>(apiId: string, kind: Kind, id: string): T | undefined {
    const row = this.stmts.get.get(apiId, kind, id) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  list<T = any>(apiId: string, kind: Kind): T[] {
    return (this.stmts.list.all(apiId, kind) as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  /** Every document of a kind, across APIs. */
  listKind<T = any>(kind: Kind): T[] {
    return (this.stmts.listKind.all(kind) as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  /** The APIs that have a document of this kind. */
  apiIdsOfKind(kind: Kind): string[] {
    return (this.stmts.apiIdsOfKind.all(kind) as { api_id: string }[]).map((r) => r.api_id);
  }

  insert(apiId: string, kind: Kind, id: string, doc: unknown): void {
    this.generation++;
    const { seq } = this.stmts.nextSeq.get() as { seq: number };
    this.stmts.insert.run(apiId, kind, id, seq, JSON.stringify(doc));
  }

  update(apiId: string, kind: Kind, id: string, doc: unknown): void {
    this.generation++;
    this.stmts.update.run(JSON.stringify(doc), apiId, kind, id);
  }

  /** Inserts, or replaces in place (keeping its place in listings). */
  put(apiId: string, kind: Kind, id: string, doc: unknown): void {
    if (this.stmts.get.get(apiId, kind, id)) this.update(apiId, kind, id, doc);
    else this.insert(apiId, kind, id, doc);
  }

  remove(apiId: string, kind: Kind, id: string): void {
    this.generation++;
    this.stmts.remove.run(apiId, kind, id);
  }

  /** The API and everything under it. */
  removeApi(apiId: string): void {
    this.removeApiAnd(apiId);
  }

  /** removeApi, and `alsoRun` in the same transaction (what a service keeps beside the documents, e.g. tags). */
  protected removeApiAnd(apiId: string, alsoRun?: () => void): void {
    this.generation++;
    this.db.transaction(() => {
      this.stmts.removeApi.run(apiId);
      alsoRun?.();
    })();
  }
}
