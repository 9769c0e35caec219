/**
 * User pools in SQLite: pools (their description as DescribeUserPool answers it, and
 * their signing key), app clients, domains, users (attributes, status, password hash and
 * SRP verifier, pending codes), groups and memberships, and refresh tokens (by hash).
 */
import type Database from "better-sqlite3";

export interface PoolRow {
  id: string;
  name: string;
  /** JSON: the UserPoolType DescribeUserPool answers with (dates as epoch seconds). */
  description: string;
  /** JSON: PoolKey. */
  signing_key: string;
  created: number;
}

export interface ClientRow {
  id: string;
  pool_id: string;
  /** JSON: the UserPoolClientType (without the secret). */
  description: string;
  secret: string | null;
}

export interface UserRow {
  pool_id: string;
  /** The username as created. */
  username: string;
  /** What a sign-in name is matched against (lower-cased when the pool is case-insensitive). */
  username_key: string;
  sub: string;
  /** JSON: Record<name, value>. */
  attributes: string;
  status: string;
  enabled: number;
  /** scrypt: "salt:hash" hex. */
  password_hash: string | null;
  srp_salt: string | null;
  srp_verifier: string | null;
  /** When a temporary password stops working (ms), for FORCE_CHANGE_PASSWORD users. */
  temporary_until: number | null;
  /** JSON: { code, purpose, attribute?, expires } pending codes by purpose. */
  codes: string;
  created: number;
  modified: number;
}

export interface GroupRow {
  pool_id: string;
  name: string;
  description: string | null;
  precedence: number | null;
  role_arn: string | null;
  created: number;
  modified: number;
}

export interface RefreshRow {
  hash: string;
  pool_id: string;
  client_id: string;
  username_key: string;
  origin_jti: string;
  auth_time: number;
  expires: number;
  revoked: number;
}

export class UserPoolStore {
  /** Counts pool creations and deletions: what caches of pool keys compare against. */
  poolsVersion = 0;

  constructor(readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS pools (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, signing_key TEXT NOT NULL, created REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS clients (id TEXT PRIMARY KEY, pool_id TEXT NOT NULL, description TEXT NOT NULL, secret TEXT);
      CREATE INDEX IF NOT EXISTS clients_by_pool ON clients(pool_id);
      CREATE TABLE IF NOT EXISTS domains (domain TEXT PRIMARY KEY, pool_id TEXT NOT NULL, description TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS users (
        pool_id TEXT NOT NULL, username TEXT NOT NULL, username_key TEXT NOT NULL, sub TEXT NOT NULL, attributes TEXT NOT NULL,
        status TEXT NOT NULL, enabled INTEGER NOT NULL, password_hash TEXT, srp_salt TEXT, srp_verifier TEXT, temporary_until REAL,
        codes TEXT NOT NULL, created REAL NOT NULL, modified REAL NOT NULL,
        PRIMARY KEY (pool_id, username_key));
      CREATE INDEX IF NOT EXISTS users_by_sub ON users(pool_id, sub);
      CREATE TABLE IF NOT EXISTS groups (pool_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, precedence INTEGER, role_arn TEXT,
        created REAL NOT NULL, modified REAL NOT NULL, PRIMARY KEY (pool_id, name));
      CREATE TABLE IF NOT EXISTS memberships (pool_id TEXT NOT NULL, group_name TEXT NOT NULL, username_key TEXT NOT NULL, PRIMARY KEY (pool_id, group_name, username_key));
      CREATE TABLE IF NOT EXISTS refresh_tokens (hash TEXT PRIMARY KEY, pool_id TEXT NOT NULL, client_id TEXT NOT NULL, username_key TEXT NOT NULL,
        origin_jti TEXT NOT NULL, auth_time REAL NOT NULL, expires REAL NOT NULL, revoked INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS revoked_origins (origin_jti TEXT PRIMARY KEY, at REAL NOT NULL);
    `);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // pools
  pool(id: string): PoolRow | undefined {
    return this.db.prepare("SELECT * FROM pools WHERE id = ?").get(id) as PoolRow | undefined;
  }
  /** Only the pool's signing key (JSON), for the verifiers' per-request lookup. */
  signingKey(id: string): string | undefined {
    return (this.db.prepare("SELECT signing_key FROM pools WHERE id = ?").get(id) as { signing_key: string } | undefined)?.signing_key;
  }
  pools(): PoolRow[] {
    return this.db.prepare("SELECT * FROM pools ORDER BY created, id").all() as PoolRow[];
  }
  insertPool(row: PoolRow): void {
    this.db.prepare("INSERT INTO pools VALUES (@id, @name, @description, @signing_key, @created)").run(row);
    this.poolsVersion++;
  }
  setPoolDescription(id: string, description: string): void {
    this.db.prepare("UPDATE pools SET description = ? WHERE id = ?").run(description, id);
  }
  deletePool(id: string): void {
    this.transaction(() => {
      for (const table of ["clients", "users", "groups", "memberships", "refresh_tokens", "domains"]) this.db.prepare(`DELETE FROM ${table} WHERE pool_id = ?`).run(id);
      this.db.prepare("DELETE FROM pools WHERE id = ?").run(id);
    });
    this.poolsVersion++;
  }
  userCount(poolId: string): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE pool_id = ?").get(poolId) as { n: number }).n;
  }

  // clients
  client(id: string): ClientRow | undefined {
    return this.db.prepare("SELECT * FROM clients WHERE id = ?").get(id) as ClientRow | undefined;
  }
  clients(poolId: string): ClientRow[] {
    return this.db.prepare("SELECT * FROM clients WHERE pool_id = ? ORDER BY rowid").all(poolId) as ClientRow[];
  }
  putClient(row: ClientRow): void {
    this.db.prepare("INSERT OR REPLACE INTO clients VALUES (@id, @pool_id, @description, @secret)").run(row);
  }
  deleteClient(id: string): void {
    this.db.prepare("DELETE FROM clients WHERE id = ?").run(id);
  }

  // domains
  domain(domain: string): { domain: string; pool_id: string; description: string } | undefined {
    return this.db.prepare("SELECT * FROM domains WHERE domain = ?").get(domain) as any;
  }
  putDomain(domain: string, poolId: string, description: string): void {
    this.db.prepare("INSERT OR REPLACE INTO domains VALUES (?, ?, ?)").run(domain, poolId, description);
  }
  deleteDomain(domain: string): void {
    this.db.prepare("DELETE FROM domains WHERE domain = ?").run(domain);
  }

  // users
  user(poolId: string, usernameKey: string): UserRow | undefined {
    return this.db.prepare("SELECT * FROM users WHERE pool_id = ? AND username_key = ?").get(poolId, usernameKey) as UserRow | undefined;
  }
  users(poolId: string): UserRow[] {
    return this.db.prepare("SELECT * FROM users WHERE pool_id = ? ORDER BY created, username_key").all(poolId) as UserRow[];
  }
  insertUser(row: UserRow): void {
    this.db
      .prepare(`INSERT INTO users VALUES (@pool_id, @username, @username_key, @sub, @attributes, @status, @enabled, @password_hash, @srp_salt,
        @srp_verifier, @temporary_until, @codes, @created, @modified)`)
      .run(row);
  }
  updateUser(row: UserRow): void {
    this.db
      .prepare(`UPDATE users SET attributes = @attributes, status = @status, enabled = @enabled, password_hash = @password_hash, srp_salt = @srp_salt,
        srp_verifier = @srp_verifier, temporary_until = @temporary_until, codes = @codes, modified = @modified
        WHERE pool_id = @pool_id AND username_key = @username_key`)
      .run(row);
  }
  deleteUser(poolId: string, usernameKey: string): void {
    this.transaction(() => {
      this.db.prepare("DELETE FROM users WHERE pool_id = ? AND username_key = ?").run(poolId, usernameKey);
      this.db.prepare("DELETE FROM memberships WHERE pool_id = ? AND username_key = ?").run(poolId, usernameKey);
      this.db.prepare("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username_key = ?").run(poolId, usernameKey);
    });
  }

  // groups
  group(poolId: string, name: string): GroupRow | undefined {
    return this.db.prepare("SELECT * FROM groups WHERE pool_id = ? AND name = ?").get(poolId, name) as GroupRow | undefined;
  }
  groups(poolId: string): GroupRow[] {
    return this.db.prepare("SELECT * FROM groups WHERE pool_id = ? ORDER BY name").all(poolId) as GroupRow[];
  }
  putGroup(row: GroupRow): void {
    this.db.prepare("INSERT OR REPLACE INTO groups VALUES (@pool_id, @name, @description, @precedence, @role_arn, @created, @modified)").run(row);
  }
  deleteGroup(poolId: string, name: string): void {
    this.transaction(() => {
      this.db.prepare("DELETE FROM groups WHERE pool_id = ? AND name = ?").run(poolId, name);
      this.db.prepare("DELETE FROM memberships WHERE pool_id = ? AND group_name = ?").run(poolId, name);
    });
  }
  addMember(poolId: string, group: string, usernameKey: string): void {
    this.db.prepare("INSERT OR IGNORE INTO memberships VALUES (?, ?, ?)").run(poolId, group, usernameKey);
  }
  removeMember(poolId: string, group: string, usernameKey: string): void {
    this.db.prepare("DELETE FROM memberships WHERE pool_id = ? AND group_name = ? AND username_key = ?").run(poolId, group, usernameKey);
  }
  /** The user's groups, by precedence (lowest first), then name. */
  groupsOf(poolId: string, usernameKey: string): GroupRow[] {
    return this.db
      .prepare(`SELECT g.* FROM groups g JOIN memberships m ON m.pool_id = g.pool_id AND m.group_name = g.name
        WHERE m.pool_id = ? AND m.username_key = ? ORDER BY g.precedence IS NULL, g.precedence, g.name`)
      .all(poolId, usernameKey) as GroupRow[];
  }
  membersOf(poolId: string, group: string): UserRow[] {
    return this.db
      .prepare(`SELECT u.* FROM users u JOIN memberships m ON m.pool_id = u.pool_id AND m.username_key = u.username_key
        WHERE m.pool_id = ? AND m.group_name = ? ORDER BY u.created, u.username_key`)
      .all(poolId, group) as UserRow[];
  }

  // refresh tokens
  refresh(hash: string): RefreshRow | undefined {
    return this.db.prepare("SELECT * FROM refresh_tokens WHERE hash = ?").get(hash) as RefreshRow | undefined;
  }
  insertRefresh(row: RefreshRow): void {
    this.db.prepare("INSERT INTO refresh_tokens VALUES (@hash, @pool_id, @client_id, @username_key, @origin_jti, @auth_time, @expires, @revoked)").run(row);
  }
  revokeRefresh(hash: string, originJti: string, at: number): void {
    this.transaction(() => {
      this.db.prepare("UPDATE refresh_tokens SET revoked = 1 WHERE hash = ?").run(hash);
      this.db.prepare("INSERT OR IGNORE INTO revoked_origins VALUES (?, ?)").run(originJti, at);
    });
  }
  /** Every sign-in of the user so far ends: its refresh token and the access tokens it issued (GlobalSignOut). */
  revokeAllOf(poolId: string, usernameKey: string, at: number): void {
    this.transaction(() => {
      this.db.prepare("INSERT OR IGNORE INTO revoked_origins SELECT origin_jti, ? FROM refresh_tokens WHERE pool_id = ? AND username_key = ? AND revoked = 0").run(at, poolId, usernameKey);
      this.db.prepare("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username_key = ?").run(poolId, usernameKey);
    });
  }

  originRevoked(originJti: string): boolean {
    return this.db.prepare("SELECT 1 FROM revoked_origins WHERE origin_jti = ?").get(originJti) !== undefined;
  }
}
