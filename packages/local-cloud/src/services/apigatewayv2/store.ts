/**
 * Durable state of API Gateway v2: every resource is one JSON document (its SDK
 * shape, dates as ISO strings) keyed by (api, kind, id). Sub-resources live under
 * their API so deleting an API is one statement; `seq` keeps listing order stable
 * (creation order, as GetRoutes returns it).
 */
import type { Database } from "better-sqlite3";
import { ApiDocuments } from "../../kernel/api-documents.js";

/**
 * "snapshot" holds what a deployment froze: the routes, integrations and authorizers of that moment.
 * The `rest*` kinds are REST APIs (v1, rest/management.ts): their resource tree, methods
 * (integration inline), authorizers, deployments (each with its frozen snapshot) and stages.
 * API keys, usage plans and the keys of a plan belong to the account, not to one API:
 * they are kept under the api id ACCOUNT_SCOPE.
 */
export type ResourceKind =
  | "api" | "route" | "routeresponse" | "integration" | "stage" | "deployment" | "authorizer" | "snapshot" | "domain" | "apimapping"
  | "restapi" | "restresource" | "restmethod" | "restauthorizer" | "restdeployment" | "reststage" | "restgatewayresponse" | "restvalidator" | "restmodel"
  | "apikey" | "usageplan" | "usageplankey";

/** The "api id" account-wide resources (API keys, usage plans) are kept under. */
export const ACCOUNT_SCOPE = "$account";

export class ApiGatewayStore extends ApiDocuments<ResourceKind> {
  private readonly tagStmts;

  constructor(db: Database) {
    super(db, "apigw_resources");
    db.exec(`
      CREATE TABLE IF NOT EXISTS apigw_tags (
        arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (arn, key));`);
    this.tagStmts = {
      tags: db.prepare("SELECT key, value FROM apigw_tags WHERE arn = ? ORDER BY key"),
      putTag: db.prepare("INSERT OR REPLACE INTO apigw_tags (arn, key, value) VALUES (?, ?, ?)"),
      removeTag: db.prepare("DELETE FROM apigw_tags WHERE arn = ? AND key = ?"),
      removeTagsUnder: db.prepare("DELETE FROM apigw_tags WHERE arn = ? OR arn LIKE ? ESCAPE '\\'"),
    };
  }

  listApis<T = any>(): T[] {
    return this.listKind<T>("api");
  }

  /** The ids of every REST API (v1). */
  listRestApiIds(): string[] {
    return this.apiIdsOfKind("restapi");
  }

  /** Deletes the API, everything under it, and the tags of all of them. */
  override removeApi(apiId: string, apiArn?: string): void {
    this.removeApiAnd(apiId, () => {
      if (apiArn) this.tagStmts.removeTagsUnder.run(apiArn, apiArn.replace(/[\\%_]/g, (c) => "\\" + c) + "/%");
    });
  }

  tags(arn: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { key, value } of this.tagStmts.tags.all(arn) as { key: string; value: string }[]) out[key] = value;
    return out;
  }

  putTags(arn: string, tags: Record<string, string>): void {
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(tags)) this.tagStmts.putTag.run(arn, k, String(v));
    })();
  }

  removeTags(arn: string, keys: string[]): void {
    this.db.transaction(() => {
      for (const k of keys) this.tagStmts.removeTag.run(arn, k);
    })();
  }
}
