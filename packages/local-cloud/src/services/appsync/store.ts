/**
 * Durable state of AppSync: each GraphQL API, and its schema, API keys, data sources,
 * resolvers and pipeline functions, as one JSON document keyed by (api, kind, id). `generation` grows with
 * every change so the data plane can keep compiled schemas until something changes.
 */
import type { Database } from "better-sqlite3";

/** "function" is a pipeline function (AWS::AppSync::FunctionConfiguration). */
export type AppSyncKind = "api" | "schema" | "apikey" | "datasource" | "resolver" | "function";

export class AppSyncStore {
  private readonly stmts;
  generation = 0;

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS appsync_resources (
      api_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
      PRIMARY KEY (api_id, kind, id));`);
    this.stmts = {
      get: db.prepare("SELECT doc FROM appsync_resources WHERE api_id = ? AND kind = ? AND id = ?"),
      list: db.prepare("SELECT doc FROM appsync_resources WHERE api_id = ? AND kind = ? ORDER BY rowid"),
      put: db.prepare("INSERT OR REPLACE INTO appsync_resources (api_id, kind, id, doc) VALUES (?, ?, ?, ?)"),
      remove: db.prepare("DELETE FROM appsync_resources WHERE api_id = ? AND kind = ? AND id = ?"),
      removeApi: db.prepare("DELETE FROM appsync_resources WHERE api_id = ?"),
    };
  }

  get<T = any>(apiId: string, kind: AppSyncKind, id: string): T | undefined {
    const row = this.stmts.get.get(apiId, kind, id) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  list<T = any>(apiId: string, kind: AppSyncKind): T[] {
    return (this.stmts.list.all(apiId, kind) as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  put(apiId: string, kind: AppSyncKind, id: string, doc: unknown): void {
    this.generation++;
    this.stmts.put.run(apiId, kind, id, JSON.stringify(doc));
  }

  remove(apiId: string, kind: AppSyncKind, id: string): void {
    this.generation++;
    this.stmts.remove.run(apiId, kind, id);
  }

  removeApi(apiId: string): void {
    this.generation++;
    this.stmts.removeApi.run(apiId);
  }
}
