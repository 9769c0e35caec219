/**
 * A cluster's database: real PostgreSQL (PGlite, Postgres compiled to WebAssembly),
 * loaded on first use only — an app without an RDS cluster never loads it — and kept in
 * the cluster's directory under the app's local state, so data survives restarts.
 *
 * initdb is slow (seconds of CPU), so a pristine cluster is made once per PGlite version
 * in the machine's temp directory and copied for each new cluster.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import type { PGlite } from "@electric-sql/pglite";

type PGliteModule = typeof import("@electric-sql/pglite");
let loading: Promise<PGliteModule> | undefined;
/** The PGlite module, imported the first time a cluster is opened. */
export function loadPglite(): Promise<PGliteModule> {
  return (loading ??= import("@electric-sql/pglite"));
}

/** The installed PGlite's version (its package.json is not exported: found above its entry). */
function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  while (!fs.existsSync(path.join(dir, "package.json"))) dir = path.dirname(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version as string;
}

let template: Promise<string> | undefined;
/** A freshly initialised, closed data directory to copy clusters from (made once per machine and version). */
function pristineCluster(): Promise<string> {
  return (template ??= (async () => {
    const root = path.join(os.tmpdir(), `sst-local-pglite-${pgliteVersion()}`);
    const dir = path.join(root, "pristine");
    if (fs.existsSync(path.join(dir, "PG_VERSION"))) return dir;
    fs.mkdirSync(root, { recursive: true });
    const building = fs.mkdtempSync(path.join(root, "building-"));
    const { PGlite } = await loadPglite();
    const pg = new PGlite(building);
    await pg.waitReady;
    await pg.close();
    try {
      fs.renameSync(building, dir);
    } catch {
      // Another process finished first: use theirs.
      fs.rmSync(building, { recursive: true, force: true });
    }
    return dir;
  })());
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Opens (creating on first use) the cluster directory `dir` with its default database
 * `database`, and returns the live connection.
 */
export async function openClusterDatabase(dir: string, database: string): Promise<PGlite> {
  const { PGlite } = await loadPglite();
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(await pristineCluster(), dir, { recursive: true });
  }
  const marker = path.join(dir, "sst-local-database");
  if (database !== "postgres" && (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== database)) {
    const admin = new PGlite(dir);
    await admin.waitReady;
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rows.length === 0) await admin.exec(`CREATE DATABASE ${quoteIdent(database)}`);
    await admin.close();
    fs.writeFileSync(marker, database);
  }
  const pg = new PGlite(dir, { ...(database === "postgres" ? {} : { database }), relaxedDurability: true });
  await pg.waitReady;
  return pg;
}
