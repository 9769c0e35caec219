/**
 * Step Functions state in SQLite: state machines, activities, standard executions with
 * their history, and each running execution's checkpoint (the top-level state it is in
 * and that state's input), from which a restarted cloud resumes it.
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
  events: number;
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
    `);
    this.statements = {
      machine: db.prepare("SELECT * FROM machines WHERE arn = ?"),
      insertMachine: db.prepare("INSERT INTO machines VALUES (@arn, @name, @type, @definition, @role_arn, @logging, @tracing, @created, @updated, @revision, @tags)"),
      updateMachine: db.prepare("UPDATE machines SET definition = @definition, role_arn = @role_arn, logging = @logging, tracing = @tracing, updated = @updated, revision = @revision WHERE arn = @arn"),
      machines: db.prepare("SELECT * FROM machines ORDER BY created, arn"),
      deleteMachine: db.prepare("DELETE FROM machines WHERE arn = ?"),
      setMachineTags: db.prepare("UPDATE machines SET tags = ? WHERE arn = ?"),
      execution: db.prepare("SELECT * FROM executions WHERE arn = ?"),
      insertExecution: db.prepare(`INSERT INTO executions VALUES (@arn, @machine_arn, @name, @status, @input, @output, @error, @cause, @started, @stopped,
        @definition, @role_arn, @checkpoint_state, @checkpoint_input, @events)`),
      executions: db.prepare("SELECT arn, machine_arn, name, status, started, stopped FROM executions WHERE machine_arn = ? ORDER BY started DESC, arn DESC"),
      running: db.prepare("SELECT * FROM executions WHERE status = 'RUNNING'"),
      finish: db.prepare("UPDATE executions SET status = @status, output = @output, error = @error, cause = @cause, stopped = @stopped, checkpoint_state = NULL, checkpoint_input = NULL WHERE arn = @arn"),
      checkpoint: db.prepare("UPDATE executions SET checkpoint_state = ?, checkpoint_input = ? WHERE arn = ?"),
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
      this.statements.deleteExecutions.run(arn);
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
  executions(machineArn: string): Pick<ExecutionRow, "arn" | "machine_arn" | "name" | "status" | "started" | "stopped">[] {
    return this.statements.executions.all(machineArn) as ExecutionRow[];
  }
  running(): ExecutionRow[] {
    return this.statements.running.all() as ExecutionRow[];
  }
  finish(row: Pick<ExecutionRow, "arn" | "status" | "output" | "error" | "cause" | "stopped">): void {
    this.statements.finish.run(row);
  }
  checkpoint(arn: string, state: string, input: string): void {
    this.statements.checkpoint.run(state, input, arn);
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
}
