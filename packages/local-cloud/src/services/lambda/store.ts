/**
 * Durable state of the Lambda service in SQLite: function configurations ($LATEST and
 * published versions), aliases, resource policies and event source mappings. Each
 * record is one JSON document keyed the way the API addresses it.
 */
import type { Database } from "better-sqlite3";
import type { StoredFunction, StoredMapping, AliasConfiguration, PolicyStatement } from "./model.js";

export class LambdaStore {
  /**
   * Grows with every change to functions or aliases: what was resolved from them at one
   * generation (the invoke path caches its lookups) holds until it changes.
   */
  generation = 0;
  private readonly getFunctionStmt;
  private readonly getAliasStmt;

  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS lambda_functions (
        name TEXT NOT NULL, version TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (name, version));
      CREATE TABLE IF NOT EXISTS lambda_aliases (
        name TEXT NOT NULL, alias TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (name, alias));
      CREATE TABLE IF NOT EXISTS lambda_permissions (
        name TEXT NOT NULL, qualifier TEXT NOT NULL, sid TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (name, qualifier, sid));
      CREATE TABLE IF NOT EXISTS lambda_mappings (uuid TEXT PRIMARY KEY, doc TEXT NOT NULL);
    `);
    this.getFunctionStmt = db.prepare("SELECT doc FROM lambda_functions WHERE name = ? AND version = ?");
    this.getAliasStmt = db.prepare("SELECT doc FROM lambda_aliases WHERE name = ? AND alias = ?");
  }

  getFunction(name: string, version = "$LATEST"): StoredFunction | undefined {
    const row = this.getFunctionStmt.get(name, version) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putFunction(fn: StoredFunction): void {
    this.generation++;
    this.db
      .prepare("INSERT OR REPLACE INTO lambda_functions (name, version, doc) VALUES (?, ?, ?)")
      .run(fn.config.FunctionName, fn.config.Version, JSON.stringify(fn));
  }

  listLatest(): StoredFunction[] {
    const rows = this.db.prepare("SELECT doc FROM lambda_functions WHERE version = '$LATEST' ORDER BY name").all() as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }

  listVersions(name: string): StoredFunction[] {
    const rows = this.db.prepare("SELECT doc FROM lambda_functions WHERE name = ?").all(name) as { doc: string }[];
    const all = rows.map((r) => JSON.parse(r.doc) as StoredFunction);
    // $LATEST first, then numeric order, as ListVersionsByFunction returns them.
    return all.sort((a, b) => versionOrder(a.config.Version) - versionOrder(b.config.Version));
  }

  /** Deletes a function with its versions, aliases and permissions (or one published version). */
  deleteFunction(name: string, version?: string): void {
    this.generation++;
    const tx = this.db.transaction(() => {
      if (version && version !== "$LATEST") {
        this.db.prepare("DELETE FROM lambda_functions WHERE name = ? AND version = ?").run(name, version);
        this.db.prepare("DELETE FROM lambda_permissions WHERE name = ? AND qualifier = ?").run(name, version);
        return;
      }
      this.db.prepare("DELETE FROM lambda_functions WHERE name = ?").run(name);
      this.db.prepare("DELETE FROM lambda_aliases WHERE name = ?").run(name);
      this.db.prepare("DELETE FROM lambda_permissions WHERE name = ?").run(name);
    });
    tx();
  }

  /** Whether any function version still runs from this code directory. */
  codeDirInUse(codeDir: string): boolean {
    return this.db.prepare("SELECT 1 FROM lambda_functions WHERE json_extract(doc, '$.codeDir') = ? LIMIT 1").get(codeDir) !== undefined;
  }

  getAlias(name: string, alias: string): AliasConfiguration | undefined {
    const row = this.getAliasStmt.get(name, alias) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putAlias(name: string, alias: AliasConfiguration): void {
    this.generation++;
    this.db.prepare("INSERT OR REPLACE INTO lambda_aliases (name, alias, doc) VALUES (?, ?, ?)").run(name, alias.Name, JSON.stringify(alias));
  }

  deleteAlias(name: string, alias: string): void {
    this.generation++;
    this.db.prepare("DELETE FROM lambda_aliases WHERE name = ? AND alias = ?").run(name, alias);
    this.db.prepare("DELETE FROM lambda_permissions WHERE name = ? AND qualifier = ?").run(name, alias);
  }

  listAliases(name: string): AliasConfiguration[] {
    const rows = this.db.prepare("SELECT doc FROM lambda_aliases WHERE name = ? ORDER BY alias").all(name) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }

  permissions(name: string, qualifier: string): PolicyStatement[] {
    const rows = this.db.prepare("SELECT doc FROM lambda_permissions WHERE name = ? AND qualifier = ? ORDER BY rowid").all(name, qualifier) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }

  /** False when a statement with this Sid exists already. */
  addPermission(name: string, qualifier: string, statement: PolicyStatement): boolean {
    const result = this.db
      .prepare("INSERT OR IGNORE INTO lambda_permissions (name, qualifier, sid, doc) VALUES (?, ?, ?, ?)")
      .run(name, qualifier, statement.Sid, JSON.stringify(statement));
    return result.changes > 0;
  }

  removePermission(name: string, qualifier: string, sid: string): boolean {
    return this.db.prepare("DELETE FROM lambda_permissions WHERE name = ? AND qualifier = ? AND sid = ?").run(name, qualifier, sid).changes > 0;
  }

  getMapping(uuid: string): StoredMapping | undefined {
    const row = this.db.prepare("SELECT doc FROM lambda_mappings WHERE uuid = ?").get(uuid) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }

  putMapping(mapping: StoredMapping): void {
    this.db.prepare("INSERT OR REPLACE INTO lambda_mappings (uuid, doc) VALUES (?, ?)").run(mapping.UUID, JSON.stringify(mapping));
  }

  deleteMapping(uuid: string): void {
    this.db.prepare("DELETE FROM lambda_mappings WHERE uuid = ?").run(uuid);
  }

  listMappings(): StoredMapping[] {
    const rows = this.db.prepare("SELECT doc FROM lambda_mappings ORDER BY rowid").all() as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }
}

function versionOrder(v: string): number {
  return v === "$LATEST" ? -1 : Number(v);
}
