/**
 * S3 metadata in SQLite: buckets, per-bucket configurations (cors, policy, tagging…),
 * objects and multipart uploads. Keys are TEXT compared with SQLite's BINARY
 * collation, i.e. UTF-8 byte order — the order S3 lists keys in.
 *
 * Writes are group-committed, as DynamoDB's are (server/group-commit.ts): one SQLite
 * transaction a batch of requests, a SAVEPOINT each. Nothing is acknowledged before its
 * COMMIT: the service answers only once `committed()` settles.
 */
import type Database from "better-sqlite3";
import { GroupCommit } from "../../server/group-commit.js";
import { holdExclusively } from "../../sqlite-exclusive.js";

export interface BucketRecord {
  name: string;
  region: string;
  createdAt: number;
}

/** Object headers S3 stores and returns verbatim, by SDK field name. */
export type StoredHeaders = Partial<
  Record<"CacheControl" | "ContentDisposition" | "ContentEncoding" | "ContentLanguage" | "Expires" | "WebsiteRedirectLocation", string>
>;

export interface Tag {
  Key: string;
  Value: string;
}

export interface ObjectRecord {
  bucket: string;
  key: string;
  size: number;
  /** Unquoted: md5 hex, or `md5-N` for multipart objects. */
  etag: string;
  lastModified: number;
  contentType: string;
  metadata: Record<string, string>;
  headers: StoredHeaders;
  checksum?: { algorithm: string; value: string; type: "FULL_OBJECT" | "COMPOSITE" };
  tags: Tag[];
  blob: string;
  partsCount?: number;
  storageClass: string;
  /** A canned ACL other than the owner's (`public-read`; acl.ts); absent for most objects. */
  acl?: string;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  contentType: string;
  metadata: Record<string, string>;
  headers: StoredHeaders;
  tags: Tag[];
  checksumAlgorithm?: string;
  storageClass: string;
  /** The canned ACL the completed object gets (acl.ts). */
  acl?: string;
}

export interface PartRecord {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: number;
  blob: string;
  checksum?: { algorithm: string; value: string };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, region TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bucket_configs (bucket TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (bucket, kind));
CREATE TABLE IF NOT EXISTS objects (bucket TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (bucket, key));
CREATE TABLE IF NOT EXISTS uploads (upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS uploads_by_bucket ON uploads (bucket, key, upload_id);
CREATE TABLE IF NOT EXISTS parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (upload_id, part_number));
`;

export class S3Store {
  /** Statements prepared once: preparing one costs more than running it. */
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * Buckets and their configurations as last read (every request reads them, they rarely
   * change). A write only drops the entry, so a rolled-back transaction can't leave a
   * stale one; the next read goes to the database.
   */
  private readonly bucketCache = new Map<string, BucketRecord | null>();
  private readonly configCache = new Map<string, string | null>();

  private readonly commits: GroupCommit;

  constructor(private readonly db: Database.Database) {
    // Only this process opens s3.sqlite: locks held for the connection's life make every
    // point read (an object, an inline body) several system calls cheaper.
    holdExclusively(db);
    db.exec(SCHEMA);
    const dropCaches = () => this.dropCaches();
    this.commits = new GroupCommit(db, "s3_request", { failed: dropCaches, commitFailed: dropCaches });
  }

  private sql(text: string): Database.Statement {
    let stmt = this.statements.get(text);
    if (!stmt) this.statements.set(text, (stmt = this.db.prepare(text)));
    return stmt;
  }

  /** Runs `fn` atomically, group-committed (see GroupCommit). */
  transaction<T>(fn: () => T): T {
    return this.commits.run(fn);
  }

  /**
   * Settles once every write so far is committed (rejects if the commit failed and the
   * writes were rolled back); undefined when nothing waits to commit.
   */
  committed(): Promise<void> | undefined {
    return this.commits.committed();
  }

  /** Commits the open group now (shutdown, tests). */
  flush(): void {
    this.commits.flush();
  }

  /** What a rolled-back request or group may have cached from its own writes goes. */
  private dropCaches(): void {
    this.bucketCache.clear();
    this.configCache.clear();
  }

  // --- buckets -------------------------------------------------------------
  getBucket(name: string): BucketRecord | undefined {
    const cached = this.bucketCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const row = this.sql("SELECT name, region, created_at FROM buckets WHERE name = ?").get(name) as any;
    const rec = row ? { name: row.name, region: row.region, createdAt: row.created_at } : undefined;
    // Only buckets that exist are kept: requests naming random buckets must not grow the cache.
    if (rec) this.bucketCache.set(name, rec);
    return rec;
  }

  insertBucket(b: BucketRecord): void {
    this.bucketCache.delete(b.name);
    this.sql("INSERT INTO buckets (name, region, created_at) VALUES (?, ?, ?)").run(b.name, b.region, b.createdAt);
  }

  deleteBucket(name: string): void {
    this.bucketCache.delete(name);
    for (const key of this.configCache.keys()) if (key.startsWith(`${name}\u0000`)) this.configCache.delete(key);
    this.transaction(() => {
      this.sql("DELETE FROM bucket_configs WHERE bucket = ?").run(name);
      this.sql("DELETE FROM buckets WHERE name = ?").run(name);
    });
  }

  listBuckets(): BucketRecord[] {
    return (this.sql("SELECT name, region, created_at FROM buckets ORDER BY name").all() as any[]).map((r) => ({
      name: r.name,
      region: r.region,
      createdAt: r.created_at,
    }));
  }

  // --- bucket configurations (cors, policy, notification, tagging, versioning…)
  getConfig<T = any>(bucket: string, kind: string): T | undefined {
    const key = `${bucket}\u0000${kind}`;
    let text = this.configCache.get(key);
    if (text === undefined) {
      const row = this.sql("SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?").get(bucket, kind) as any;
      text = row ? (row.value as string) : null;
      if (this.bucketCache.has(bucket)) this.configCache.set(key, text);
    }
    // Parsed for each caller: nobody can change what another one reads.
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  putConfig(bucket: string, kind: string, value: unknown): void {
    this.configCache.delete(`${bucket}\u0000${kind}`);
    this
      .sql("INSERT INTO bucket_configs (bucket, kind, value) VALUES (?, ?, ?) ON CONFLICT (bucket, kind) DO UPDATE SET value = excluded.value")
      .run(bucket, kind, JSON.stringify(value));
  }

  deleteConfig(bucket: string, kind: string): void {
    this.configCache.delete(`${bucket}\u0000${kind}`);
    this.sql("DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?").run(bucket, kind);
  }

  // --- objects -------------------------------------------------------------
  getObject(bucket: string, key: string): ObjectRecord | undefined {
    const row = this.sql("SELECT doc FROM objects WHERE bucket = ? AND key = ?").get(bucket, key) as any;
    return row ? (JSON.parse(row.doc) as ObjectRecord) : undefined;
  }

  /** Insert or replace; returns the replaced object's blob so the caller can remove it. */
  putObject(rec: ObjectRecord): string | undefined {
    return this.transaction(() => {
      const old = this.getObject(rec.bucket, rec.key);
      this
        .sql("INSERT INTO objects (bucket, key, doc) VALUES (?, ?, ?) ON CONFLICT (bucket, key) DO UPDATE SET doc = excluded.doc")
        .run(rec.bucket, rec.key, JSON.stringify(rec));
      return old && old.blob !== rec.blob ? old.blob : undefined;
    });
  }

  deleteObject(bucket: string, key: string): ObjectRecord | undefined {
    return this.transaction(() => {
      const old = this.getObject(bucket, key);
      if (old) this.sql("DELETE FROM objects WHERE bucket = ? AND key = ?").run(bucket, key);
      return old;
    });
  }

  hasObjects(bucket: string): boolean {
    return this.sql("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1").get(bucket) !== undefined;
  }

  /** Objects with key > after and key >= from, in S3 (UTF-8 byte) order. */
  *iterateObjects(bucket: string, from: string, after: string | undefined): Generator<ObjectRecord> {
    const stmt =
      after === undefined
        ? this.db.prepare("SELECT doc FROM objects WHERE bucket = ? AND key >= ? ORDER BY key").bind(bucket, from)
        : this.db.prepare("SELECT doc FROM objects WHERE bucket = ? AND key >= ? AND key > ? ORDER BY key").bind(bucket, from, after);
    for (const row of stmt.iterate() as Iterable<any>) yield JSON.parse(row.doc) as ObjectRecord;
  }

  // --- multipart uploads ---------------------------------------------------
  insertUpload(u: UploadRecord): void {
    this.sql("INSERT INTO uploads (upload_id, bucket, key, doc) VALUES (?, ?, ?, ?)").run(u.uploadId, u.bucket, u.key, JSON.stringify(u));
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    const row = this.sql("SELECT doc FROM uploads WHERE upload_id = ?").get(uploadId) as any;
    return row ? (JSON.parse(row.doc) as UploadRecord) : undefined;
  }

  /** Remove an upload and its parts; returns the part blobs. */
  deleteUpload(uploadId: string): string[] {
    return this.transaction(() => {
      const blobs = this.listParts(uploadId).map((p) => p.blob);
      this.sql("DELETE FROM parts WHERE upload_id = ?").run(uploadId);
      this.sql("DELETE FROM uploads WHERE upload_id = ?").run(uploadId);
      return blobs;
    });
  }

  listUploads(bucket: string): UploadRecord[] {
    return (this.sql("SELECT doc FROM uploads WHERE bucket = ? ORDER BY key, upload_id").all(bucket) as any[]).map(
      (r) => JSON.parse(r.doc) as UploadRecord,
    );
  }

  /** Insert or replace a part; returns the replaced part's blob. */
  putPart(uploadId: string, part: PartRecord): string | undefined {
    return this.transaction(() => {
      const old = this.sql("SELECT doc FROM parts WHERE upload_id = ? AND part_number = ?").get(uploadId, part.partNumber) as any;
      this
        .sql(
          "INSERT INTO parts (upload_id, part_number, doc) VALUES (?, ?, ?) ON CONFLICT (upload_id, part_number) DO UPDATE SET doc = excluded.doc",
        )
        .run(uploadId, part.partNumber, JSON.stringify(part));
      return old ? (JSON.parse(old.doc) as PartRecord).blob : undefined;
    });
  }

  listParts(uploadId: string): PartRecord[] {
    return (this.sql("SELECT doc FROM parts WHERE upload_id = ? ORDER BY part_number").all(uploadId) as any[]).map(
      (r) => JSON.parse(r.doc) as PartRecord,
    );
  }
}
