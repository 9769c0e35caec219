/**
 * Secrets Manager state in SQLite: each secret (by its ARN, with its name) and its
 * current value. Versions other than AWSCURRENT/AWSPREVIOUS are not kept.
 */
import type Database from "better-sqlite3";

export interface SecretRow {
  arn: string;
  name: string;
  description: string | null;
  kms_key_id: string | null;
  tags: string;
  created: number;
  changed: number;
  /** JSON: { current: Version, previous?: Version }. */
  versions: string;
  deleted: number | null;
}

export interface SecretVersion {
  id: string;
  string?: string;
  /** base64 */
  binary?: string;
  created: number;
}

export interface SecretVersions {
  current: SecretVersion;
  previous?: SecretVersion;
}

export class SecretStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS secrets (
        arn TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, kms_key_id TEXT, tags TEXT NOT NULL,
        created REAL NOT NULL, changed REAL NOT NULL, versions TEXT NOT NULL, deleted REAL);
      CREATE INDEX IF NOT EXISTS secrets_by_name ON secrets(name);
    `);
  }

  byArn(arn: string): SecretRow | undefined {
    return this.db.prepare("SELECT * FROM secrets WHERE arn = ?").get(arn) as SecretRow | undefined;
  }

  byName(name: string): SecretRow | undefined {
    return this.db.prepare("SELECT * FROM secrets WHERE name = ?").get(name) as SecretRow | undefined;
  }

  /** A partial ARN: the full ARN without its "-xxxxxx" suffix. */
  byPartialArn(partial: string): SecretRow | undefined {
    return this.db.prepare("SELECT * FROM secrets WHERE substr(arn, 1, length(arn) - 7) = ?").get(partial) as SecretRow | undefined;
  }

  insert(row: SecretRow): void {
    this.db
      .prepare("INSERT INTO secrets VALUES (@arn, @name, @description, @kms_key_id, @tags, @created, @changed, @versions, @deleted)")
      .run(row);
  }

  setVersions(arn: string, versions: SecretVersions, changed: number): void {
    this.db.prepare("UPDATE secrets SET versions = ?, changed = ? WHERE arn = ?").run(JSON.stringify(versions), changed, arn);
  }

  markDeleted(arn: string, when: number): void {
    this.db.prepare("UPDATE secrets SET deleted = ? WHERE arn = ?").run(when, arn);
  }

  remove(arn: string): void {
    this.db.prepare("DELETE FROM secrets WHERE arn = ?").run(arn);
  }
}
