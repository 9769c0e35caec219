/**
 * The clusters (and Postgres DB instances) CloudFormation created, as the Data API and the
 * wire endpoint need them: engine, default database, master credentials (what a secret
 * or a client must give to connect), whether the Data API (HTTP endpoint) is on, the
 * 127.0.0.1 port its Postgres endpoint listens on. Kept in SQLite beside the cluster's
 * data directories.
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
  /** The wire endpoint's port (null until it first listens). */
  port?: number | null;
}

export class ClusterStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS clusters (
      arn TEXT PRIMARY KEY, identifier TEXT NOT NULL, engine TEXT NOT NULL, database TEXT NOT NULL,
      master_username TEXT NOT NULL, master_password TEXT NOT NULL, http_endpoint INTEGER NOT NULL)`);
    // State written before clusters had a wire endpoint has no port column.
    const columns = db.prepare("PRAGMA table_info(clusters)").all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === "port")) db.exec("ALTER TABLE clusters ADD COLUMN port INTEGER");
  }

  list(): ClusterRow[] {
    return this.db.prepare("SELECT * FROM clusters ORDER BY identifier").all() as ClusterRow[];
  }

  setPort(arn: string, port: number): void {
    this.db.prepare("UPDATE clusters SET port = ? WHERE arn = ?").run(port, arn);
  }

  get(arn: string): ClusterRow | undefined {
    return this.db.prepare("SELECT * FROM clusters WHERE arn = ?").get(arn) as ClusterRow | undefined;
  }

  put(row: ClusterRow): void {
    this.db.prepare(`INSERT INTO clusters (arn, identifier, engine, database, master_username, master_password, http_endpoint)
      VALUES (@arn, @identifier, @engine, @database, @master_username, @master_password, @http_endpoint)
      ON CONFLICT(arn) DO UPDATE SET engine = excluded.engine, database = excluded.database, master_username = excluded.master_username,
      master_password = excluded.master_password, http_endpoint = excluded.http_endpoint`).run({ ...row, port: undefined });
  }

  remove(arn: string): void {
    this.db.prepare("DELETE FROM clusters WHERE arn = ?").run(arn);
  }
}
