/**
 * Identity pools in SQLite: each pool (its description as DescribeIdentityPool answers,
 * its roles and role mappings), the identities it has handed out, which login (provider
 * and subject) each authenticated identity belongs to, and the key that signs the
 * OpenID tokens GetOpenIdToken issues.
 */
import type Database from "better-sqlite3";

export interface IdentityPoolRow {
  id: string;
  /** JSON: the IdentityPool shape. */
  description: string;
  /** JSON: { Roles, RoleMappings }. */
  roles: string;
  created: number;
}

export interface IdentityRow {
  id: string;
  pool_id: string;
  /** JSON: provider names of the logins linked to it. */
  logins: string;
  created: number;
  modified: number;
}

export class IdentityPoolStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS identity_pools (id TEXT PRIMARY KEY, description TEXT NOT NULL, roles TEXT NOT NULL, created REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS identities (id TEXT PRIMARY KEY, pool_id TEXT NOT NULL, logins TEXT NOT NULL, created REAL NOT NULL, modified REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS identity_logins (pool_id TEXT NOT NULL, provider TEXT NOT NULL, subject TEXT NOT NULL, identity_id TEXT NOT NULL,
        PRIMARY KEY (pool_id, provider, subject));
      CREATE TABLE IF NOT EXISTS signing_key (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL);
    `);
  }

  pool(id: string): IdentityPoolRow | undefined {
    return this.db.prepare("SELECT * FROM identity_pools WHERE id = ?").get(id) as IdentityPoolRow | undefined;
  }
  pools(): IdentityPoolRow[] {
    return this.db.prepare("SELECT * FROM identity_pools ORDER BY created, id").all() as IdentityPoolRow[];
  }
  putPool(row: IdentityPoolRow): void {
    this.db.prepare("INSERT OR REPLACE INTO identity_pools VALUES (@id, @description, @roles, @created)").run(row);
  }
  deletePool(id: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM identity_pools WHERE id = ?").run(id);
      this.db.prepare("DELETE FROM identities WHERE pool_id = ?").run(id);
      this.db.prepare("DELETE FROM identity_logins WHERE pool_id = ?").run(id);
    })();
  }

  identity(id: string): IdentityRow | undefined {
    return this.db.prepare("SELECT * FROM identities WHERE id = ?").get(id) as IdentityRow | undefined;
  }
  insertIdentity(row: IdentityRow): void {
    this.db.prepare("INSERT INTO identities VALUES (@id, @pool_id, @logins, @created, @modified)").run(row);
  }
  identityForLogin(poolId: string, provider: string, subject: string): string | undefined {
    return (this.db.prepare("SELECT identity_id FROM identity_logins WHERE pool_id = ? AND provider = ? AND subject = ?").get(poolId, provider, subject) as { identity_id: string } | undefined)?.identity_id;
  }
  linkLogin(poolId: string, provider: string, subject: string, identityId: string): void {
    this.db.transaction(() => {
      this.db.prepare("INSERT OR REPLACE INTO identity_logins VALUES (?, ?, ?, ?)").run(poolId, provider, subject, identityId);
      const row = this.identity(identityId)!;
      const logins = new Set(JSON.parse(row.logins) as string[]);
      logins.add(provider);
      this.db.prepare("UPDATE identities SET logins = ?, modified = ? WHERE id = ?").run(JSON.stringify([...logins]), Date.now() / 1000, identityId);
    })();
  }
  /** The subject each provider knows this identity by. */
  loginsOf(identityId: string): { provider: string; subject: string }[] {
    return this.db.prepare("SELECT provider, subject FROM identity_logins WHERE identity_id = ?").all(identityId) as { provider: string; subject: string }[];
  }

  signingKey(create: () => string): string {
    const row = this.db.prepare("SELECT key FROM signing_key WHERE id = 1").get() as { key: string } | undefined;
    if (row) return row.key;
    const key = create();
    this.db.prepare("INSERT OR IGNORE INTO signing_key VALUES (1, ?)").run(key);
    return (this.db.prepare("SELECT key FROM signing_key WHERE id = 1").get() as { key: string }).key;
  }
}
