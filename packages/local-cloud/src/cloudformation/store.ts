/**
 * Durable stack state in SQLite: stacks (template, parameters, resources with their
 * physical ids and attributes, outputs, status), their events and change sets, so a
 * restarted local cloud knows what it deployed.
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

export class StackStore {
  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS stacks (stack_id TEXT PRIMARY KEY, stack_name TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS stacks_by_name ON stacks (stack_name, deleted);
      CREATE TABLE IF NOT EXISTS stack_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, stack_id TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS events_by_stack ON stack_events (stack_id, seq);
      CREATE TABLE IF NOT EXISTS change_sets (id TEXT PRIMARY KEY, stack_id TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
    `);
  }

  /** The live (not deleted) stack with this name or id, or a deleted one by id. */
  find(nameOrId: string): StackState | undefined {
    const row = nameOrId.startsWith("arn:")
      ? (this.db.prepare("SELECT data FROM stacks WHERE stack_id = ?").get(nameOrId) as { data: string } | undefined)
      : (this.db.prepare("SELECT data FROM stacks WHERE stack_name = ? AND deleted = 0").get(nameOrId) as { data: string } | undefined);
    return row ? JSON.parse(row.data) : undefined;
  }

  save(stack: StackState): void {
    const deleted = stack.status === "DELETE_COMPLETE" ? 1 : 0;
    this.db.prepare("INSERT INTO stacks (stack_id, stack_name, deleted, data) VALUES (?, ?, ?, ?) ON CONFLICT(stack_id) DO UPDATE SET deleted = excluded.deleted, data = excluded.data")
      .run(stack.stackId, stack.stackName, deleted, JSON.stringify(stack));
  }

  /** Every stack, deleted ones included, newest first. */
  list(includeDeleted = true): StackState[] {
    const rows = this.db.prepare(`SELECT data FROM stacks ${includeDeleted ? "" : "WHERE deleted = 0"} ORDER BY rowid DESC`).all() as { data: string }[];
    return rows.map((r) => JSON.parse(r.data));
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
