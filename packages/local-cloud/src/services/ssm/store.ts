/**
 * Parameter Store state in SQLite: the current parameters and every version kept in
 * history (AWS keeps the last 100). SecureString values are stored encrypted.
 */
import type Database from "better-sqlite3";

export interface ParameterVersionRow {
  name: string;
  version: number;
  type: "String" | "StringList" | "SecureString";
  /** Plain text, or the encrypted blob for SecureString. */
  value: string;
  key_id: string | null;
  description: string | null;
  allowed_pattern: string | null;
  tier: "Standard" | "Advanced";
  data_type: string;
  policies: string;
  labels: string;
  modified: number;
  modified_user: string;
}

export interface ParameterRow {
  name: string;
  version: number;
  tags: string;
}

export function migrateSsm(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS parameters (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, tags TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS parameter_versions (
      name TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, key_id TEXT,
      description TEXT, allowed_pattern TEXT, tier TEXT NOT NULL, data_type TEXT NOT NULL, policies TEXT NOT NULL,
      labels TEXT NOT NULL, modified REAL NOT NULL, modified_user TEXT NOT NULL,
      PRIMARY KEY (name, version));
  `);
}
