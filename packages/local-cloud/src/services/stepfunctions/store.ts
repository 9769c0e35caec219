/**
 * Step Functions state in SQLite: state machines with their versions and aliases,
 * activities, standard executions with their history, and each execution's checkpoint
 * (the top-level state it is in and that state's input), from which a restarted cloud
 * resumes it and a redrive re-runs the state that failed.
 */
import type Database from "better-sqlite3";

export interface MachineRow {
  arn: string;
  name: string;
  type: "STANDARD" | "EXPRESS";
  definition: string;
  role_arn: string;
  logging: string;
  tracing: string;
  created: number;
  updated: number;
  revision: string;
  tags: string;
}

export interface ExecutionRow {
  arn: string;
  machine_arn: string;
  name: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  started: number;
  stopped: number | null;
  /** The definition and role the execution started with (an update does not change a running execution). */
  definition: string;
  role_arn: string;
  checkpoint_state: string | null;
  checkpoint_input: string | null;
  /** The workflow's variables (JSONata `Assign`) when the checkpoint was taken, as JSON; null when none. */
  checkpoint_variables: string | null;
  events: number;
  redrive_count: number;
  redrive_date: number | null;
  /** The version the execution runs (started on a version or through an alias), else null. */
  version_arn: string | null;
  alias_arn: string | null;
}

/** A published version: the machine's definition, role and configuration at that revision. */
export interface VersionRow {
  arn: string;
  machine_arn: string;
  version: number;
  definition: string;
  role_arn: string;
  logging: string;
  tracing: string;
  revision: string;
  description: string | null;
  created: number;
}

/** A distributed Map's run: its configuration and the counts of its items and child workflows. */
export interface MapRunRow {
  arn: string;
  execution_arn: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";
  started: number;
  stopped: number | null;
  max_concurrency: number;
  tolerated_percentage: number;
  tolerated_count: number;
  /** JSON: MapRunCounts. */
  counts: string;
}

export interface AliasRow {
  arn: string;
  machine_arn: string;
  name: string;
  description: string | null;
  /** JSON: [{ stateMachineVersionArn, weight }]. */
  routing: string;
  created: number;
  updated: number;
}

export interface HistoryRow {
  id: number;
  type: string;
  timestamp: number;
  previous: number;
  details: string | null;
}

export interface ActivityRow {
  arn: string;
  name: string;
  created: number;
  tags: string;
}

export class StepFunctionsStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS machines (
        arn TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
        logging TEXT NOT NULL, tracing TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL, revision TEXT NOT NULL, tags TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS executions (
        arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, input TEXT NOT NULL,
        output TEXT, error TEXT, cause TEXT, started REAL NOT NULL, stopped REAL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
        checkpoint_state TEXT, checkpoint_input TEXT, events INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS executions_by_machine ON executions(machine_arn, started);
      CREATE INDEX IF NOT EXISTS executions_running ON executions(status) WHERE status = 'RUNNING';
      CREATE TABLE IF NOT EXISTS history (
        execution_arn TEXT NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL, timestamp REAL NOT NULL, previous INTEGER NOT NULL,
        details TEXT, PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS activities (arn TEXT PRIMARY KEY, name TEXT NOT NULL, created REAL NOT NULL, tags TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS versions (
        arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
        logging TEXT NOT NULL, tracing TEXT NOT NULL, revision TEXT NOT NULL, description TEXT, created REAL NOT NULL);
      CREATE TABLE IF NOT EXISTS map_runs (
        arn TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, status TEXT NOT NULL, started REAL NOT NULL, stopped REAL, max_concurrency INTEGER NOT NULL,
        tolerated_percentage REAL NOT NULL, tolerated_count INTEGER NOT NULL, counts TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS map_runs_by_execution ON map_runs(execution_arn, started);
      CREATE TABLE IF NOT EXISTS aliases (
        arn TEXT PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, description TEXT, routing TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
    `);
    // Columns later than the first schema: a store written before them gains them empty.
    const columns = new Set((db.prepare("PRAGMA table_info(executions)").all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of [["redrive_count", "INTEGER NOT NULL DEFAULT 0"], ["redrive_date", "REAL"], ["version_arn", "TEXT"], ["alias_arn", "TEXT"], ["checkpoint_variables", "TEXT"]]) {
      if (!columns.has(name!)) db.exec(`ALTER TABLE executions ADD COLUMN ${name} ${type}`);
    }
    this.statements = {
      machine: db.prepare("SELECT * FROM machines WHERE arn = ?"),
      insertMachine: db.prepare("INSERT INTO machines VALUES (@arn, @name, @type, @definition, @role_arn, @logging, @tracing, @created, @updated, @revision, @tags)"),
      updateMachine: db.prepare("UPDATE machines SET definition = @definition, role_arn = @role_arn, logging = @logging, tracing = @tracing, updated = @updated, revision = @revision WHERE arn = @arn"),
      machines: db.prepare("SELECT * FROM machines ORDER BY created, arn"),
      deleteMachine: db.prepare("DELETE FROM machines WHERE arn = ?"),
      deleteVersions: db.prepare("DELETE FROM versions WHERE machine_arn = ?"),
      deleteAliases: db.prepare("DELETE FROM aliases WHERE machine_arn = ?"),
      version: db.prepare("SELECT * FROM versions WHERE arn = ?"),
      versions: db.prepare("SELECT * FROM versions WHERE machine_arn = ? ORDER BY version DESC"),
      lastVersionNumber: db.prepare("SELECT MAX(version) AS n FROM versions WHERE machine_arn = ?"),
      insertVersion: db.prepare("INSERT INTO versions VALUES (@arn, @machine_arn, @version, @definition, @role_arn, @logging, @tracing, @revision, @description, @created)"),
      deleteVersion: db.prepare("DELETE FROM versions WHERE arn = ?"),
      mapRun: db.prepare("SELECT * FROM map_runs WHERE arn = ?"),
      mapRuns: db.prepare("SELECT * FROM map_runs WHERE execution_arn = ? ORDER BY started, arn"),
      insertMapRun: db.prepare("INSERT INTO map_runs VALUES (@arn, @execution_arn, @status, @started, @stopped, @max_concurrency, @tolerated_percentage, @tolerated_count, @counts)"),
      updateMapRun: db.prepare("UPDATE map_runs SET status = @status, stopped = @stopped, counts = @counts WHERE arn = @arn"),
      configureMapRun: db.prepare("UPDATE map_runs SET max_concurrency = @max_concurrency, tolerated_percentage = @tolerated_percentage, tolerated_count = @tolerated_count WHERE arn = @arn"),
      deleteMapRuns: db.prepare("DELETE FROM map_runs WHERE execution_arn IN (SELECT arn FROM executions WHERE machine_arn = ?)"),
      alias: db.prepare("SELECT * FROM aliases WHERE arn = ?"),
      aliases: db.prepare("SELECT * FROM aliases WHERE machine_arn = ? ORDER BY created, arn"),
      insertAlias: db.prepare("INSERT INTO aliases VALUES (@arn, @machine_arn, @name, @description, @routing, @created, @updated)"),
      updateAlias: db.prepare("UPDATE aliases SET description = @description, routing = @routing, updated = @updated WHERE arn = @arn"),
      deleteAlias: db.prepare("DELETE FROM aliases WHERE arn = ?"),
      setMachineTags: db.prepare("UPDATE machines SET tags = ? WHERE arn = ?"),
      execution: db.prepare("SELECT * FROM executions WHERE arn = ?"),
      insertExecution: db.prepare(`INSERT INTO executions (arn, machine_arn, name, status, input, output, error, cause, started, stopped, definition, role_arn,
        checkpoint_state, checkpoint_input, checkpoint_variables, events, redrive_count, redrive_date, version_arn, alias_arn) VALUES (@arn, @machine_arn, @name, @status,
        @input, @output, @error, @cause, @started, @stopped, @definition, @role_arn, @checkpoint_state, @checkpoint_input, @checkpoint_variables, @events, @redrive_count,
        @redrive_date, @version_arn, @alias_arn)`),
      executions: db.prepare("SELECT arn, machine_arn, name, status, started, stopped, version_arn, alias_arn, redrive_count, redrive_date FROM executions WHERE machine_arn = ? ORDER BY started DESC, arn DESC"),
      running: db.prepare("SELECT * FROM executions WHERE status = 'RUNNING'"),
      // A failed execution keeps its checkpoint: the state a redrive runs again.
      finish: db.prepare(`UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause, stopped = @stopped,
        checkpoint_state = CASE WHEN @status = 'SUCCEEDED' THEN NULL ELSE checkpoint_state END,
        checkpoint_input = CASE WHEN @status = 'SUCCEEDED' THEN NULL ELSE checkpoint_input END,
        checkpoint_variables = CASE WHEN @status = 'SUCCEEDED' THEN NULL ELSE checkpoint_variables END WHERE arn = @arn`),
      redrive: db.prepare("UPDATE executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stopped = NULL, redrive_count = redrive_count + 1, redrive_date = ? WHERE arn = ?"),
      checkpoint: db.prepare("UPDATE executions SET checkpoint_state = ?, checkpoint_input = ?, checkpoint_variables = ? WHERE arn = ?"),
      appendEvent: db.prepare("INSERT INTO history VALUES (?, ?, ?, ?, ?, ?)"),
      countEvents: db.prepare("UPDATE executions SET events = ? WHERE arn = ?"),
      history: db.prepare("SELECT id, type, timestamp, previous, details FROM history WHERE execution_arn = ? ORDER BY id"),
      deleteExecutions: db.prepare("DELETE FROM executions WHERE machine_arn = ?"),
      deleteHistory: db.prepare("DELETE FROM history WHERE execution_arn IN (SELECT arn FROM executions WHERE machine_arn = ?)"),
      activity: db.prepare("SELECT * FROM activities WHERE arn = ?"),
      insertActivity: db.prepare("INSERT INTO activities VALUES (@arn, @name, @created, @tags)"),
      activities: db.prepare("SELECT * FROM activities ORDER BY created, arn"),
      deleteActivity: db.prepare("DELETE FROM activities WHERE arn = ?"),
      setActivityTags: db.prepare("UPDATE activities SET tags = ? WHERE arn = ?"),
    };
  }

  machine(arn: string): MachineRow | undefined {
    return this.statements.machine.get(arn) as MachineRow | undefined;
  }
  insertMachine(row: MachineRow): void {
    this.statements.insertMachine.run(row);
  }
  updateMachine(row: Pick<MachineRow, "arn" | "definition" | "role_arn" | "logging" | "tracing" | "updated" | "revision">): void {
    this.statements.updateMachine.run(row);
  }
  machines(): MachineRow[] {
    return this.statements.machines.all() as MachineRow[];
  }
  /** Removes the machine with its executions and their history. */
  deleteMachine(arn: string): void {
    this.db.transaction(() => {
      this.statements.deleteHistory.run(arn);
      this.statements.deleteMapRuns.run(arn);
      this.statements.deleteExecutions.run(arn);
      this.statements.deleteVersions.run(arn);
      this.statements.deleteAliases.run(arn);
      this.statements.deleteMachine.run(arn);
    })();
  }
  setTags(arn: string, tags: Record<string, string>): void {
    const text = JSON.stringify(tags);
    this.statements.setMachineTags.run(text, arn);
    this.statements.setActivityTags.run(text, arn);
  }

  execution(arn: string): ExecutionRow | undefined {
    return this.statements.execution.get(arn) as ExecutionRow | undefined;
  }
  insertExecution(row: ExecutionRow): void {
    this.statements.insertExecution.run(row);
  }
  executions(machineArn: string): Pick<ExecutionRow, "arn" | "machine_arn" | "name" | "status" | "started" | "stopped" | "version_arn" | "alias_arn" | "redrive_count" | "redrive_date">[] {
    return this.statements.executions.all(machineArn) as ExecutionRow[];
  }
  running(): ExecutionRow[] {
    return this.statements.running.all() as ExecutionRow[];
  }
  finish(row: Pick<ExecutionRow, "arn" | "status" | "output" | "error" | "cause" | "stopped">): void {
    this.statements.finish.run(row);
  }
  /** Marks a stopped execution running again, one redrive more. */
  redrive(arn: string, at: number): void {
    this.statements.redrive.run(at, arn);
  }
  checkpoint(arn: string, state: string, input: string, variables: string | null): void {
    this.statements.checkpoint.run(state, input, variables, arn);
  }
  /** Appends events (in id order) and records the last id, where a resumed execution continues. */
  appendEvents(executionArn: string, events: readonly HistoryRow[]): void {
    for (const e of events) this.statements.appendEvent.run(executionArn, e.id, e.type, e.timestamp, e.previous, e.details);
    if (events.length) this.statements.countEvents.run(events.at(-1)!.id, executionArn);
  }
  /** Runs `work` as one transaction (a batch of events and checkpoints is one commit). */
  transaction(work: () => void): void {
    this.db.transaction(work)();
  }
  history(executionArn: string): HistoryRow[] {
    return this.statements.history.all(executionArn) as HistoryRow[];
  }

  activity(arn: string): ActivityRow | undefined {
    return this.statements.activity.get(arn) as ActivityRow | undefined;
  }
  insertActivity(row: ActivityRow): void {
    this.statements.insertActivity.run(row);
  }
  activities(): ActivityRow[] {
    return this.statements.activities.all() as ActivityRow[];
  }
  deleteActivity(arn: string): void {
    this.statements.deleteActivity.run(arn);
  }

  version(arn: string): VersionRow | undefined {
    return this.statements.version.get(arn) as VersionRow | undefined;
  }
  /** A machine's versions, newest first. */
  versions(machineArn: string): VersionRow[] {
    return this.statements.versions.all(machineArn) as VersionRow[];
  }
  /** The highest number among the machine's versions, or 0. */
  lastVersionNumber(machineArn: string): number {
    return (this.statements.lastVersionNumber.get(machineArn) as { n: number | null }).n ?? 0;
  }
  insertVersion(row: VersionRow): void {
    this.statements.insertVersion.run(row);
  }
  deleteVersion(arn: string): void {
    this.statements.deleteVersion.run(arn);
  }
  alias(arn: string): AliasRow | undefined {
    return this.statements.alias.get(arn) as AliasRow | undefined;
  }
  aliases(machineArn: string): AliasRow[] {
    return this.statements.aliases.all(machineArn) as AliasRow[];
  }
  insertAlias(row: AliasRow): void {
    this.statements.insertAlias.run(row);
  }
  updateAlias(row: Pick<AliasRow, "arn" | "description" | "routing" | "updated">): void {
    this.statements.updateAlias.run(row);
  }
  deleteAlias(arn: string): void {
    this.statements.deleteAlias.run(arn);
  }

  mapRun(arn: string): MapRunRow | undefined {
    return this.statements.mapRun.get(arn) as MapRunRow | undefined;
  }
  mapRuns(executionArn: string): MapRunRow[] {
    return this.statements.mapRuns.all(executionArn) as MapRunRow[];
  }
  insertMapRun(row: MapRunRow): void {
    this.statements.insertMapRun.run(row);
  }
  updateMapRun(row: Pick<MapRunRow, "arn" | "status" | "stopped" | "counts">): void {
    this.statements.updateMapRun.run(row);
  }
  configureMapRun(row: Pick<MapRunRow, "arn" | "max_concurrency" | "tolerated_percentage" | "tolerated_count">): void {
    this.statements.configureMapRun.run(row);
  }
}
