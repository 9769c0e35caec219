/**
 * Durable state of API Gateway v2: every resource is one JSON document (its SDK
 * shape, dates as ISO strings) keyed by (api, kind, id). Sub-resources live under
 * their API so deleting an API is one statement; `seq` keeps listing order stable
 * (creation order, as GetRoutes returns it).
 */
import type { Database } from "better-sqlite3";

/**
 * "snapshot" holds what a deployment froze: the routes, integrations and authorizers of that moment.
 * The `rest*` kinds are REST APIs (v1, rest/management.ts): their resource tree, methods
 * (integration inline), authorizers, deployments (each with its frozen snapshot) and stages.
 * API keys, usage plans and the keys of a plan belong to the account, not to one API:
 * they are kept under the api id ACCOUNT_SCOPE.
 */
export type ResourceKind =
  | "api" | "route" | "routeresponse" | "integration" | "stage" | "deployment" | "authorizer" | "snapshot" | "domain" | "apimapping"
  | "restapi" | "restresource" | "restmethod" | "restauthorizer" | "restdeployment" | "reststage" | "restgatewayresponse"
  | "apikey" | "usageplan" | "usageplankey";

/** The "api id" account-wide resources (API keys, usage plans) are kept under. */
export const ACCOUNT_SCOPE = "$account";

export class ApiGatewayStore {
  private readonly stmts;
  /** Grows with every change: the data plane keeps what it read until this moves. */
  generation = 0;

  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS apigw_resources (
        api_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL,
        seq INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (api_id, kind, id));
      CREATE TABLE IF NOT EXISTS apigw_tags (
        arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (arn, key));`);
    this.stmts = {
      get: db.prepare("SELECT doc FROM apigw_resources WHERE api_id = ? AND kind = ? AND id = ?"),
      list: db.prepare("SELECT doc FROM apigw_resources WHERE api_id = ? AND kind = ? ORDER BY seq"),
      listApis: db.prepare("SELECT doc FROM apigw_resources WHERE kind = 'api' ORDER BY seq"),
      listRestApiIds: db.prepare("SELECT api_id FROM apigw_resources WHERE kind = 'restapi'"),
      nextSeq: db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM apigw_resources"),
      insert: db.prepare("INSERT INTO apigw_resources (api_id, kind, id, seq, doc) VALUES (?, ?, ?, ?, ?)"),
      update: db.prepare("UPDATE apigw_resources SET doc = ? WHERE api_id = ? AND kind = ? AND id = ?"),
      remove: db.prepare("DELETE FROM apigw_resources WHERE api_id = ? AND kind = ? AND id = ?"),
      removeApi: db.prepare("DELETE FROM apigw_resources WHERE api_id = ?"),
      tags: db.prepare("SELECT key, value FROM apigw_tags WHERE arn = ? ORDER BY key"),
      putTag: db.prepare("INSERT OR REPLACE INTO apigw_tags (arn, key, value) VALUES (?, ?, ?)"),
      removeTag: db.prepare("DELETE FROM apigw_tags WHERE arn = ? AND key = ?"),
      removeTagsUnder: db.prepare("DELETE FROM apigw_tags WHERE arn = ? OR arn LIKE ? ESCAPE '\\'"),
    };
  }

  get<T = any>(apiId: string, kind: ResourceKind, id: string): T | undefined {
    const row = this.stmts.get.get(apiId, kind, id) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  list<T = any>(apiId: string, kind: ResourceKind): T[] {
    return (this.stmts.list.all(apiId, kind) as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  listApis<T = any>(): T[] {
    return (this.stmts.listApis.all() as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  /** The ids of every REST API (v1). */
  listRestApiIds(): string[] {
    return (this.stmts.listRestApiIds.all() as { api_id: string }[]).map((r) => r.api_id);
  }

  insert(apiId: string, kind: ResourceKind, id: string, doc: unknown): void {
    this.generation++;
    const { seq } = this.stmts.nextSeq.get() as { seq: number };
    this.stmts.insert.run(apiId, kind, id, seq, JSON.stringify(doc));
  }

  update(apiId: string, kind: ResourceKind, id: string, doc: unknown): void {
    this.generation++;
    this.stmts.update.run(JSON.stringify(doc), apiId, kind, id);
  }

  remove(apiId: string, kind: ResourceKind, id: string): void {
    this.generation++;
    this.stmts.remove.run(apiId, kind, id);
  }

  /** Deletes the API, everything under it, and the tags of all of them. */
  removeApi(apiId: string, apiArn: string): void {
    this.generation++;
    this.db.transaction(() => {
      this.stmts.removeApi.run(apiId);
      this.stmts.removeTagsUnder.run(apiArn, apiArn.replace(/[\\%_]/g, (c) => "\\" + c) + "/%");
    })();
  }

  tags(arn: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { key, value } of this.stmts.tags.all(arn) as { key: string; value: string }[]) out[key] = value;
    return out;
  }

  putTags(arn: string, tags: Record<string, string>): void {
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(tags)) this.stmts.putTag.run(arn, k, String(v));
    })();
  }

  removeTags(arn: string, keys: string[]): void {
    this.db.transaction(() => {
      for (const k of keys) this.stmts.removeTag.run(arn, k);
    })();
  }
}
