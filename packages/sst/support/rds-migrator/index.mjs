// An RDS construct's migrator function: applies the migrations in RDS_MIGRATIONS_PATH
// (one module per migration exporting `up(db)` and `down(db)`, in file-name order) to
// the Aurora cluster through the RDS Data API, with kysely's Migrator as SST v2 does, so
// the kysely_migration table SST v2 wrote stays the record of what ran.
// Event: { type: "latest" } (default; also what a deploy's Custom::SSTScript sends),
// { type: "to", data: { name } } (name "" = before the first), { type: "list" };
// `database` picks another database than RDS_DATABASE.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Kysely, Migrator, NO_MIGRATIONS } from "kysely";
import { DataApiDialect } from "kysely-data-api";
import { RDSData } from "@aws-sdk/client-rds-data";

const MIGRATION_FILE = /\.(mjs|cjs|js)$/;

/** Each call re-imports the files (a query string per load), so sst dev sees edits. */
class MigrationFiles {
  constructor(dir) {
    this.dir = dir;
  }

  async getMigrations() {
    const stamp = Date.now();
    const out = {};
    for (const file of fs.readdirSync(this.dir).filter((f) => MIGRATION_FILE.test(f)).sort()) {
      const mod = await import(`${pathToFileURL(path.join(this.dir, file)).href}?v=${stamp}`);
      out[file.replace(MIGRATION_FILE, "")] = { up: mod.up, down: mod.down };
    }
    return out;
  }
}

export async function handler(event) {
  const db = new Kysely({
    dialect: new DataApiDialect({
      mode: process.env.RDS_ENGINE_MODE,
      driver: {
        client: new RDSData({}),
        database: event?.database || process.env.RDS_DATABASE,
        secretArn: process.env.RDS_SECRET,
        resourceArn: process.env.RDS_ARN,
      },
    }),
  });
  const migrator = new Migrator({ db, provider: new MigrationFiles(path.resolve(process.env.RDS_MIGRATIONS_PATH)) });
  const type = event?.type ?? "latest";
  if (type === "list") return migrator.getMigrations();
  const result = type === "to"
    ? await migrator.migrateTo(event.data?.name ? event.data.name : NO_MIGRATIONS)
    : await migrator.migrateToLatest();
  const failed = result.error ?? result.results?.find((r) => r.status === "Error");
  if (failed) throw failed instanceof Error ? failed : new Error(`Migration "${failed.migrationName}" failed`);
  return result;
}
