/**
 * The Aurora clusters CloudFormation created, as the Data API needs them: engine,
 * default database, master credentials (what a secret must hold to connect), whether the
 * Data API (HTTP endpoint) is on. Kept in SQLite beside the cluster's data directories.
 */
import type Database from "better-sqlite3";

export interface ClusterRow {
  arn: string;
  identifier: string;
  engine: string;
  database: string;
  master_username: string;
  master_password: string;
  http_endpoint: number;
}

export class ClusterStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS clusters (
      arn TEXT PRIMARY KEY, identifier TEXT NOT NULL, engine TEXT NOT NULL, database TEXT NOT NULL,
      master_username TEXT NOT NULL, master_password TEXT NOT NULL, http_endpoint INTEGER NOT NULL)`);
  }

  get(arn: string): ClusterRow | undefined {
    return this.db.prepare("SELECT * FROM clusters WHERE arn = ?").get(arn) as ClusterRow | undefined;
  }

  put(row: ClusterRow): void {
    this.db.prepare(`INSERT INTO clusters VALUES (@arn, @identifier, @engine, @database, @master_username, @master_password, @http_endpoint)
      ON CONFLICT(arn) DO UPDATE SET engine = excluded.engine, database = excluded.database, master_username = excluded.master_username,
      master_password = excluded.master_password, http_endpoint = excluded.http_endpoint`).run(row);
  }

  remove(arn: string): void {
    this.db.prepare("DELETE FROM clusters WHERE arn = ?").run(arn);
  }
}
