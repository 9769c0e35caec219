/**
 * Durable EventBridge state in SQLite: event buses, rules (keyed by bus and name) and
 * each rule's targets, as JSON documents in the API's own shapes.
 */
import type { Database } from "better-sqlite3";

export interface StoredBus {
  Name: string;
  Arn: string;
  Description?: string;
  Policy?: string;
  CreationTime: number;
  LastModifiedTime: number;
  Tags: Record<string, string>;
}

export interface StoredRule {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State: "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";
  Description?: string;
  RoleArn?: string;
  ManagedBy?: string;
  CreatedBy: string;
  Tags: Record<string, string>;
}

export interface StoredTarget {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate: string };
  RoleArn?: string;
  SqsParameters?: { MessageGroupId?: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  DeadLetterConfig?: { Arn?: string };
  [other: string]: unknown;
}

export class EventsStore {
  constructor(private readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS events_buses (name TEXT PRIMARY KEY, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS events_rules (bus TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (bus, name));
      CREATE TABLE IF NOT EXISTS events_targets (bus TEXT NOT NULL, rule TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (bus, rule, id));
    `);
  }

  getBus(name: string): StoredBus | undefined {
    const row = this.db.prepare("SELECT doc FROM events_buses WHERE name = ?").get(name) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }
  putBus(bus: StoredBus): void {
    this.db.prepare("INSERT OR REPLACE INTO events_buses (name, doc) VALUES (?, ?)").run(bus.Name, JSON.stringify(bus));
  }
  deleteBus(name: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM events_buses WHERE name = ?").run(name);
      this.db.prepare("DELETE FROM events_rules WHERE bus = ?").run(name);
      this.db.prepare("DELETE FROM events_targets WHERE bus = ?").run(name);
    })();
  }
  listBuses(): StoredBus[] {
    return (this.db.prepare("SELECT doc FROM events_buses ORDER BY name").all() as { doc: string }[]).map((r) => JSON.parse(r.doc));
  }

  getRule(bus: string, name: string): StoredRule | undefined {
    const row = this.db.prepare("SELECT doc FROM events_rules WHERE bus = ? AND name = ?").get(bus, name) as { doc: string } | undefined;
    return row ? JSON.parse(row.doc) : undefined;
  }
  putRule(rule: StoredRule): void {
    this.db.prepare("INSERT OR REPLACE INTO events_rules (bus, name, doc) VALUES (?, ?, ?)").run(rule.EventBusName, rule.Name, JSON.stringify(rule));
  }
  deleteRule(bus: string, name: string): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM events_rules WHERE bus = ? AND name = ?").run(bus, name);
      this.db.prepare("DELETE FROM events_targets WHERE bus = ? AND rule = ?").run(bus, name);
    })();
  }
  /** Rules of one bus, or of every bus. */
  listRules(bus?: string): StoredRule[] {
    const rows = (bus === undefined
      ? this.db.prepare("SELECT doc FROM events_rules ORDER BY bus, name").all()
      : this.db.prepare("SELECT doc FROM events_rules WHERE bus = ? ORDER BY name").all(bus)) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }

  targets(bus: string, rule: string): StoredTarget[] {
    const rows = this.db.prepare("SELECT doc FROM events_targets WHERE bus = ? AND rule = ? ORDER BY id").all(bus, rule) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc));
  }
  putTarget(bus: string, rule: string, target: StoredTarget): void {
    this.db.prepare("INSERT OR REPLACE INTO events_targets (bus, rule, id, doc) VALUES (?, ?, ?, ?)").run(bus, rule, target.Id, JSON.stringify(target));
  }
  deleteTarget(bus: string, rule: string, id: string): boolean {
    return this.db.prepare("DELETE FROM events_targets WHERE bus = ? AND rule = ? AND id = ?").run(bus, rule, id).changes > 0;
  }
}
