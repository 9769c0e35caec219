/**
 * SQLite store of CloudWatch Logs. Events are one row each, indexed by
 * (group, stream, timestamp, id) for GetLogEvents and (group, timestamp, id) for
 * FilterLogEvents; (timestamp, id) is the total order tokens page through. The
 * statements PutLogEvents uses are prepared once, because the Lambda runtime calls it
 * for every invocation.
 */
import type { Database, Statement } from "better-sqlite3";

export interface LogGroupRow {
  name: string;
  created: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
  stored_bytes: number;
}

export interface LogStreamRow {
  group_name: string;
  name: string;
  created: number;
  first_event: number | null;
  last_event: number | null;
  last_ingestion: number | null;
  upload_seq: number;
  stored_bytes: number;
}

export interface LogEventRow {
  id: number;
  stream: string;
  timestamp: number;
  ingestion: number;
  message: string;
}

export interface EventCursor {
  timestamp: number;
  id: number;
}

export class LogsStore {
  private readonly s: Record<string, Statement>;

  constructor(readonly db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS log_groups (
        name TEXT PRIMARY KEY, created INTEGER NOT NULL, retention_days INTEGER,
        kms_key_id TEXT, log_group_class TEXT NOT NULL DEFAULT 'STANDARD', stored_bytes INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS log_streams (
        group_name TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
        first_event INTEGER, last_event INTEGER, last_ingestion INTEGER,
        upload_seq INTEGER NOT NULL DEFAULT 0, stored_bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (group_name, name));
      CREATE TABLE IF NOT EXISTS log_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, group_name TEXT NOT NULL, stream TEXT NOT NULL,
        timestamp INTEGER NOT NULL, ingestion INTEGER NOT NULL, message TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS log_events_by_stream ON log_events (group_name, stream, timestamp, id);
      CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (group_name, timestamp, id);
      CREATE TABLE IF NOT EXISTS log_group_tags (
        group_name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (group_name, key));`);
    this.s = {
      group: db.prepare("SELECT * FROM log_groups WHERE name = ?"),
      groupsByPrefix: db.prepare("SELECT * FROM log_groups WHERE name >= ? AND substr(name, 1, length(?)) = ? ORDER BY name"),
      insertGroup: db.prepare("INSERT INTO log_groups (name, created, kms_key_id, log_group_class) VALUES (?, ?, ?, ?)"),
      deleteGroup: db.prepare("DELETE FROM log_groups WHERE name = ?"),
      deleteGroupStreams: db.prepare("DELETE FROM log_streams WHERE group_name = ?"),
      deleteGroupEvents: db.prepare("DELETE FROM log_events WHERE group_name = ?"),
      deleteGroupTags: db.prepare("DELETE FROM log_group_tags WHERE group_name = ?"),
      setRetention: db.prepare("UPDATE log_groups SET retention_days = ? WHERE name = ?"),
      stream: db.prepare("SELECT * FROM log_streams WHERE group_name = ? AND name = ?"),
      streamsByName: db.prepare("SELECT * FROM log_streams WHERE group_name = ? AND name >= ? AND substr(name, 1, length(?)) = ? ORDER BY name"),
      insertStream: db.prepare("INSERT INTO log_streams (group_name, name, created) VALUES (?, ?, ?)"),
      deleteStream: db.prepare("DELETE FROM log_streams WHERE group_name = ? AND name = ?"),
      deleteStreamEvents: db.prepare("DELETE FROM log_events WHERE group_name = ? AND stream = ?"),
      insertEvent: db.prepare("INSERT INTO log_events (group_name, stream, timestamp, ingestion, message) VALUES (?, ?, ?, ?, ?)"),
      touchStream: db.prepare(`UPDATE log_streams SET
          first_event = MIN(COALESCE(first_event, @first), @first), last_event = MAX(COALESCE(last_event, @last), @last),
          last_ingestion = @ingestion, upload_seq = upload_seq + 1, stored_bytes = stored_bytes + @bytes
        WHERE group_name = @group AND name = @stream`),
      addGroupBytes: db.prepare("UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE name = ?"),
      tags: db.prepare("SELECT key, value FROM log_group_tags WHERE group_name = ? ORDER BY key"),
      putTag: db.prepare("INSERT OR REPLACE INTO log_group_tags (group_name, key, value) VALUES (?, ?, ?)"),
      removeTag: db.prepare("DELETE FROM log_group_tags WHERE group_name = ? AND key = ?"),
      expire: db.prepare("DELETE FROM log_events WHERE group_name = ? AND timestamp < ?"),
      groupsWithRetention: db.prepare("SELECT name, retention_days FROM log_groups WHERE retention_days IS NOT NULL"),
    };
  }

  group(name: string): LogGroupRow | undefined {
    return this.s.group.get(name) as LogGroupRow | undefined;
  }

  groupsWithPrefix(prefix: string): LogGroupRow[] {
    return this.s.groupsByPrefix.all(prefix, prefix, prefix) as LogGroupRow[];
  }

  createGroup(name: string, created: number, kmsKeyId: string | undefined, cls: string): void {
    this.s.insertGroup.run(name, created, kmsKeyId ?? null, cls);
  }

  deleteGroup(name: string): void {
    this.db.transaction(() => {
      this.s.deleteGroupEvents.run(name);
      this.s.deleteGroupStreams.run(name);
      this.s.deleteGroupTags.run(name);
      this.s.deleteGroup.run(name);
    })();
  }

  setRetention(name: string, days: number | null): void {
    this.s.setRetention.run(days, name);
  }

  stream(group: string, name: string): LogStreamRow | undefined {
    return this.s.stream.get(group, name) as LogStreamRow | undefined;
  }

  streamsWithPrefix(group: string, prefix: string): LogStreamRow[] {
    return this.s.streamsByName.all(group, prefix, prefix, prefix) as LogStreamRow[];
  }

  createStream(group: string, name: string, created: number): void {
    this.s.insertStream.run(group, name, created);
  }

  deleteStream(group: string, name: string): void {
    this.db.transaction(() => {
      this.s.deleteStreamEvents.run(group, name);
      this.s.deleteStream.run(group, name);
    })();
  }

  /** Appends events (already validated and sorted) and updates the stream's statistics. */
  appendEvents(group: string, stream: string, events: { timestamp: number; message: string }[], ingestion: number): number {
    let bytes = 0;
    this.db.transaction(() => {
      for (const e of events) {
        this.s.insertEvent.run(group, stream, e.timestamp, ingestion, e.message);
        bytes += Buffer.byteLength(e.message) + 26; // AWS counts each event's message plus 26 bytes of overhead
      }
      this.s.touchStream.run({ group, stream, first: events[0].timestamp, last: events[events.length - 1].timestamp, ingestion, bytes });
      this.s.addGroupBytes.run(bytes, group);
    })();
    return (this.stream(group, stream)?.upload_seq ?? 0);
  }

  /**
   * Events of a group in (timestamp, id) order, optionally of some streams, within
   * [start, end), strictly after/before a cursor. `descending` walks backwards.
   */
  events(q: {
    group: string; streams?: string[]; start?: number; end?: number;
    after?: EventCursor; before?: EventCursor; descending?: boolean; limit: number;
  }): LogEventRow[] {
    const where = ["group_name = ?"];
    const args: unknown[] = [q.group];
    if (q.streams) {
      if (q.streams.length === 0) return [];
      where.push(`stream IN (${q.streams.map(() => "?").join(",")})`);
      args.push(...q.streams);
    }
    if (q.start !== undefined) { where.push("timestamp >= ?"); args.push(q.start); }
    if (q.end !== undefined) { where.push("timestamp < ?"); args.push(q.end); }
    if (q.after) { where.push("(timestamp > ? OR (timestamp = ? AND id > ?))"); args.push(q.after.timestamp, q.after.timestamp, q.after.id); }
    if (q.before) { where.push("(timestamp < ? OR (timestamp = ? AND id < ?))"); args.push(q.before.timestamp, q.before.timestamp, q.before.id); }
    const dir = q.descending ? "DESC" : "ASC";
    const sql = `SELECT id, stream, timestamp, ingestion, message FROM log_events WHERE ${where.join(" AND ")} ORDER BY timestamp ${dir}, id ${dir} LIMIT ?`;
    args.push(q.limit);
    return this.db.prepare(sql).all(...args) as LogEventRow[];
  }

  tags(group: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { key, value } of this.s.tags.all(group) as { key: string; value: string }[]) out[key] = value;
    return out;
  }

  putTags(group: string, tags: Record<string, string>): void {
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(tags)) this.s.putTag.run(group, k, String(v));
    })();
  }

  removeTags(group: string, keys: string[]): void {
    this.db.transaction(() => {
      for (const k of keys) this.s.removeTag.run(group, k);
    })();
  }

  /** Deletes events older than each group's retention; returns how many. */
  expire(now: number, group?: string): number {
    const groups = (this.s.groupsWithRetention.all() as { name: string; retention_days: number }[]).filter((g) => !group || g.name === group);
    let removed = 0;
    for (const g of groups) removed += this.s.expire.run(g.name, now - g.retention_days * 86_400_000).changes;
    return removed;
  }
}
