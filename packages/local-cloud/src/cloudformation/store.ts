/**
 * Durable stack state in SQLite: stacks (template, parameters, resources with their
 * physical ids and attributes, outputs, status), their events and change sets, so a
 * restarted local cloud knows what it deployed.
 *
 * A stack is saved on every status change and every resource a delete removes, and its
 * deploy journal grows by one entry per resource created or updated. Rewriting the whole
 * record each time made a deploy quadratic in its resources (each entry re-serialized the
 * template and every earlier entry), so the record is kept in three parts: the stack row
 * without its template or journal, the template (written only when it changes, i.e. once
 * per deploy), and the journal as one appended row per entry.
 */
import type { Database } from "better-sqlite3";

export interface StackParameter {
  ParameterKey: string;
  ParameterValue: string;
  /** For AWS::SSM::Parameter::Value<> parameters: the value read from SSM. */
  ResolvedValue?: string;
  NoEcho?: boolean;
}

export interface StackOutput {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

export interface ResourceState {
  logicalId: string;
  type: string;
  physicalId: string;
  /** Resolved properties the resource was last deployed with. */
  properties: Record<string, any>;
  attributes: Record<string, unknown>;
  status: string;
  statusReason?: string;
  timestamp: string;
  metadata?: Record<string, unknown>;
  deletionPolicy?: string;
  updateReplacePolicy?: string;
  /** What it depended on when deployed: removed resources are deleted in this order, reversed. */
  dependsOn: string[];
}

export interface StackState {
  stackId: string;
  stackName: string;
  status: string;
  statusReason?: string;
  description?: string;
  templateBody: string;
  parameters: StackParameter[];
  resources: Record<string, ResourceState>;
  outputs: StackOutput[];
  /** Export names this stack imports with Fn::ImportValue. */
  imports: string[];
  capabilities: string[];
  tags: Array<{ Key: string; Value: string }>;
  creationTime: string;
  lastUpdatedTime?: string;
  deletionTime?: string;
  disableRollback?: boolean;
  /**
   * The local cloud moved to another endpoint since this stack last deployed: values it
   * recorded were rewritten, and its next deploy must re-resolve every property.
   */
  endpointMoved?: boolean;
  /** EnableTerminationProtection: DeleteStack is refused while set. */
  terminationProtection?: boolean;
  /** While a deploy runs: what it did so far (creates, updates, replacements), to undo after a crash. */
  pending?: Array<{ kind: "create" | "update" | "replace"; logicalId: string; before?: ResourceState; after: ResourceState }>;
}

export interface StackEvent {
  StackId: string;
  EventId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  Timestamp: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ResourceProperties?: string;
}

export interface ChangeSetState {
  ChangeSetId: string;
  ChangeSetName: string;
  StackId: string;
  StackName: string;
  ChangeSetType: "CREATE" | "UPDATE";
  Status: string;
  StatusReason?: string;
  ExecutionStatus: string;
  Description?: string;
  CreationTime: string;
  templateBody: string;
  parameters: Array<{ ParameterKey: string; ParameterValue?: string; UsePreviousValue?: boolean }>;
  Capabilities: string[];
  Tags: Array<{ Key: string; Value: string }>;
  Changes: unknown[];
}

export type JournalEntry = NonNullable<StackState["pending"]>[number];

type StackRow = { data: string; body: string | null };
const SELECT_STACK = "SELECT s.data AS data, t.body AS body FROM stacks s LEFT JOIN stack_templates t ON t.stack_id = s.stack_id";

export class StackStore {
  /** The template last written for each stack, so an unchanged one is not written again. */
  private readonly writtenTemplates = new Map<string, string>();
  /** How many journal rows each stack has stored (stacks without any are absent). */
  private readonly journalLength: Map<string, number>;
  private readonly saveInTransaction: (stack: StackState) => void;

  constructor(private readonly db: Database) {
    // Records written before the template and journal were stored apart keep them in
    // `data`; they are read as they are and moved out on their next save.
    db.exec(`
      CREATE TABLE IF NOT EXISTS stacks (stack_id TEXT PRIMARY KEY, stack_name TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS stacks_by_name ON stacks (stack_name, deleted);
      CREATE TABLE IF NOT EXISTS stack_templates (stack_id TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS stack_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, stack_id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS journal_by_stack ON stack_journal (stack_id, seq);
      CREATE TABLE IF NOT EXISTS stack_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, stack_id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS events_by_stack ON stack_events (stack_id, seq);
      CREATE TABLE IF NOT EXISTS change_sets (id TEXT PRIMARY KEY, stack_id TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
    `);
    const counts = db.prepare("SELECT stack_id, COUNT(*) AS n FROM stack_journal GROUP BY stack_id").all() as { stack_id: string; n: number }[];
    this.journalLength = new Map(counts.map((r) => [r.stack_id, r.n]));
    this.saveInTransaction = db.transaction((stack: StackState) => this.writeStack(stack));
  }

  /** The live (not deleted) stack with this name or id, or a deleted one by id. */
  find(nameOrId: string): StackState | undefined {
    const row = nameOrId.startsWith("arn:")
      ? (this.db.prepare(`${SELECT_STACK} WHERE s.stack_id = ?`).get(nameOrId) as StackRow | undefined)
      : (this.db.prepare(`${SELECT_STACK} WHERE s.stack_name = ? AND s.deleted = 0`).get(nameOrId) as StackRow | undefined);
    return row ? this.fromRow(row) : undefined;
  }

  /**
   * Writes the stack's state, in one transaction: the stack row, its template when it
   * differs from the one last written, and its journal (`pending`): none when unset;
   * when set, the entries `appendJournal` has not stored yet (a deploy's journal only grows).
   */
  save(stack: StackState): void {
    this.saveInTransaction(stack);
  }

  private writeStack(stack: StackState): void {
    const deleted = stack.status === "DELETE_COMPLETE" ? 1 : 0;
    const { templateBody, pending, ...rest } = stack;
    this.db.prepare("INSERT INTO stacks (stack_id, stack_name, deleted, data) VALUES (?, ?, ?, ?) ON CONFLICT(stack_id) DO UPDATE SET deleted = excluded.deleted, data = excluded.data")
      .run(stack.stackId, stack.stackName, deleted, JSON.stringify(rest));
    if (this.writtenTemplates.get(stack.stackId) !== templateBody) {
      this.db.prepare("INSERT INTO stack_templates (stack_id, body) VALUES (?, ?) ON CONFLICT(stack_id) DO UPDATE SET body = excluded.body").run(stack.stackId, templateBody);
      this.writtenTemplates.set(stack.stackId, templateBody);
    }
    let stored = this.journalLength.get(stack.stackId) ?? 0;
    if (!pending || pending.length < stored) {
      if (stored > 0) this.db.prepare("DELETE FROM stack_journal WHERE stack_id = ?").run(stack.stackId);
      this.journalLength.delete(stack.stackId);
      stored = 0;
    }
    for (const entry of pending?.slice(stored) ?? []) this.appendJournal(stack.stackId, entry);
  }

  /**
   * Records one step of a deploy in progress without rewriting the stack, so a restart
   * can undo it: read back as the stack's `pending`, until a save without one.
   */
  appendJournal(stackId: string, entry: JournalEntry): void {
    this.db.prepare("INSERT INTO stack_journal (stack_id, data) VALUES (?, ?)").run(stackId, JSON.stringify(entry));
    this.journalLength.set(stackId, (this.journalLength.get(stackId) ?? 0) + 1);
  }

  /** Every stack, deleted ones included, newest first. */
  list(includeDeleted = true): StackState[] {
    const rows = this.db.prepare(`${SELECT_STACK} ${includeDeleted ? "" : "WHERE s.deleted = 0"} ORDER BY s.rowid DESC`).all() as StackRow[];
    return rows.map((r) => this.fromRow(r));
  }

  private fromRow(row: StackRow): StackState {
    const stack = JSON.parse(row.data) as StackState;
    // A record from before the split carries its template (and journal) in `data`.
    if (row.body !== null) stack.templateBody = row.body;
    if (this.journalLength.has(stack.stackId)) {
      const entries = this.db.prepare("SELECT data FROM stack_journal WHERE stack_id = ? ORDER BY seq").all(stack.stackId) as { data: string }[];
      stack.pending = entries.map((e) => JSON.parse(e.data));
    }
    return stack;
  }

  addEvent(e: StackEvent): void {
    this.db.prepare("INSERT INTO stack_events (stack_id, data) VALUES (?, ?)").run(e.StackId, JSON.stringify(e));
  }

  /** Newest first, as DescribeStackEvents returns them. */
  events(stackId: string): StackEvent[] {
    const rows = this.db.prepare("SELECT data FROM stack_events WHERE stack_id = ? ORDER BY seq DESC").all(stackId) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data));
  }

  saveChangeSet(cs: ChangeSetState): void {
    this.db.prepare("INSERT INTO change_sets (id, stack_id, name, data) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data")
      .run(cs.ChangeSetId, cs.StackId, cs.ChangeSetName, JSON.stringify(cs));
  }

  changeSet(idOrName: string, stackId?: string): ChangeSetState | undefined {
    const row = idOrName.startsWith("arn:")
      ? this.db.prepare("SELECT data FROM change_sets WHERE id = ?").get(idOrName)
      : this.db.prepare("SELECT data FROM change_sets WHERE name = ? AND stack_id = ? ORDER BY rowid DESC").get(idOrName, stackId ?? "");
    return row ? JSON.parse((row as { data: string }).data) : undefined;
  }

  changeSets(stackId: string): ChangeSetState[] {
    const rows = this.db.prepare("SELECT data FROM change_sets WHERE stack_id = ? ORDER BY rowid").all(stackId) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data));
  }

  deleteChangeSet(id: string): void {
    this.db.prepare("DELETE FROM change_sets WHERE id = ?").run(id);
  }

  deleteChangeSetsOf(stackId: string): void {
    this.db.prepare("DELETE FROM change_sets WHERE stack_id = ?").run(stackId);
  }
}
