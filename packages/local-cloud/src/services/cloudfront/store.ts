/**
 * Durable CloudFront state in SQLite. Every resource (distribution, policy, function,
 * origin access identity or control) is one JSON document in the SDK's shape with its
 * ETag; invalidations and tags sit beside them.
 */
import type { Database } from "better-sqlite3";

export type ResourceKind =
  | "distribution"
  | "cache-policy"
  | "origin-request-policy"
  | "response-headers-policy"
  | "origin-access-identity"
  | "origin-access-control"
  | "function";

export interface StoredResource<T = any> {
  id: string;
  etag: string;
  doc: T;
}

export class CloudFrontStore {
  /**
   * Parsed documents by kind and id: the edge reads a distribution, its functions and
   * policies on every request. Documents handed out are shared: treat them as read-only
   * (copy, change, `put`).
   */
  private readonly docs = new Map<string, StoredResource | null>();

  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS cloudfront_resources (kind TEXT NOT NULL, id TEXT NOT NULL, etag TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id));
      CREATE TABLE IF NOT EXISTS cloudfront_invalidations (distribution_id TEXT NOT NULL, id TEXT NOT NULL, created TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (distribution_id, id));
      CREATE TABLE IF NOT EXISTS cloudfront_tags (arn TEXT PRIMARY KEY, doc TEXT NOT NULL);
    `);
  }

  get<T = any>(kind: ResourceKind, id: string): StoredResource<T> | undefined {
    const key = `${kind}\n${id}`;
    const cached = this.docs.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.db.prepare("SELECT etag, doc FROM cloudfront_resources WHERE kind = ? AND id = ?").get(kind, id) as { etag: string; doc: string } | undefined;
    const r = row ? { id, etag: row.etag, doc: JSON.parse(row.doc) } : null;
    this.docs.set(key, r);
    return r ?? undefined;
  }

  put(kind: ResourceKind, r: StoredResource): void {
    this.db.prepare("INSERT OR REPLACE INTO cloudfront_resources (kind, id, etag, doc) VALUES (?, ?, ?, ?)").run(kind, r.id, r.etag, JSON.stringify(r.doc));
    this.docs.set(`${kind}\n${r.id}`, { id: r.id, etag: r.etag, doc: r.doc });
  }

  delete(kind: ResourceKind, id: string): void {
    this.db.prepare("DELETE FROM cloudfront_resources WHERE kind = ? AND id = ?").run(kind, id);
    if (kind === "distribution") this.db.prepare("DELETE FROM cloudfront_invalidations WHERE distribution_id = ?").run(id);
    this.docs.delete(`${kind}\n${id}`);
  }

  list<T = any>(kind: ResourceKind): StoredResource<T>[] {
    const rows = this.db.prepare("SELECT id, etag, doc FROM cloudfront_resources WHERE kind = ? ORDER BY rowid").all(kind) as { id: string; etag: string; doc: string }[];
    return rows.map((r) => ({ id: r.id, etag: r.etag, doc: JSON.parse(r.doc) }));
  }

  putInvalidation(distributionId: string, inv: { Id: string; CreateTime: string }): void {
    this.db.prepare("INSERT OR REPLACE INTO cloudfront_invalidations (distribution_id, id, created, doc) VALUES (?, ?, ?, ?)").run(distributionId, inv.Id, inv.CreateTime, JSON.stringify(inv));
  }

  getInvalidation(distributionId: string, id: string): any | undefined {
    const row = this.db.prepare("SELECT doc FROM cloudfront_invalidations WHERE distribution_id = ? AND id = ?").get(distributionId, id) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  /** Newest first, as ListInvalidations answers. */
  listInvalidations(distributionId: string): any[] {
    const rows = this.db.prepare("SELECT doc FROM cloudfront_invalidations WHERE distribution_id = ? ORDER BY created DESC, rowid DESC").all(distributionId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }

  getTags(arn: string): { Key: string; Value?: string }[] {
    const row = this.db.prepare("SELECT doc FROM cloudfront_tags WHERE arn = ?").get(arn) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : [];
  }

  setTags(arn: string, tags: { Key: string; Value?: string }[]): void {
    if (tags.length === 0) this.db.prepare("DELETE FROM cloudfront_tags WHERE arn = ?").run(arn);
    else this.db.prepare("INSERT OR REPLACE INTO cloudfront_tags (arn, doc) VALUES (?, ?)").run(arn, JSON.stringify(tags));
  }
}
