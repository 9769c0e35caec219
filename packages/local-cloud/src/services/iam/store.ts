/**
 * IAM state in SQLite: roles, their inline and attached policies, customer managed
 * policies with versions, and issued role-session credentials (durable, so a Lambda
 * worker's credentials survive a restart of the cloud).
 */
import type Database from "better-sqlite3";

export interface RoleRow {
  name: string;
  role_id: string;
  arn: string;
  path: string;
  assume_policy: string;
  description: string | null;
  max_session: number;
  created: string;
  tags: string;
}

export interface PolicyRow {
  arn: string;
  name: string;
  path: string;
  policy_id: string;
  description: string | null;
  default_version: string;
  next_version: number;
  created: string;
  updated: string;
  tags: string;
}

export interface SessionRow {
  access_key_id: string;
  secret: string;
  token: string;
  role_arn: string;
  session_name: string;
  expiration: string;
  /** JSON: the WebIdentity of a session a Cognito identity pool handed out. */
  web_identity: string | null;
}

export function migrateIam(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS roles (
      name TEXT PRIMARY KEY COLLATE NOCASE, role_id TEXT NOT NULL, arn TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
      assume_policy TEXT NOT NULL, description TEXT, max_session INTEGER NOT NULL, created TEXT NOT NULL, tags TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS role_policies (
      role_name TEXT NOT NULL COLLATE NOCASE, policy_name TEXT NOT NULL, document TEXT NOT NULL,
      PRIMARY KEY (role_name, policy_name));
    CREATE TABLE IF NOT EXISTS role_attachments (
      role_name TEXT NOT NULL COLLATE NOCASE, policy_arn TEXT NOT NULL, PRIMARY KEY (role_name, policy_arn));
    CREATE TABLE IF NOT EXISTS policies (
      arn TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT NOT NULL, policy_id TEXT NOT NULL, description TEXT,
      default_version TEXT NOT NULL, next_version INTEGER NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL, tags TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS policy_versions (
      arn TEXT NOT NULL, version_id TEXT NOT NULL, document TEXT NOT NULL, created TEXT NOT NULL,
      PRIMARY KEY (arn, version_id));
    CREATE TABLE IF NOT EXISTS sessions (
      access_key_id TEXT PRIMARY KEY, secret TEXT NOT NULL, token TEXT NOT NULL, role_arn TEXT NOT NULL,
      session_name TEXT NOT NULL, expiration TEXT NOT NULL);
  `);
  // Added with Cognito identity pools: state written before then has no such column.
  const sessionColumns = (db.prepare("PRAGMA table_info(sessions)").all() as { name: string }[]).map((c) => c.name);
  if (!sessionColumns.includes("web_identity")) db.exec("ALTER TABLE sessions ADD COLUMN web_identity TEXT");
}
