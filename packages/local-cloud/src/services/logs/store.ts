/**
 * SQLite store of CloudWatch Logs. The events of one PutLogEvents are one row (a
 * "chunk": their timestamps and messages as JSON, sorted by time), indexed by
 * (group, stream, first timestamp) for GetLogEvents and (group, first timestamp) for
 * FilterLogEvents. Writes are what the local cloud does most here (every invocation,
 * every API request), so a batch costs one row, not one row and two index entries an
 * event. An event's id is its chunk's id × 65536 + its place in the chunk (a batch holds
 * at most 10,000), so (timestamp, id) stays the total order tokens page through.
 *
 * A chunk's JSON is stored deflated (a BLOB) once it is larger than a page: log lines
 * repeat themselves (request ids, the REPORT line's fields, an access log's format), so
 * a batch of 512 Lambda and access log lines takes about a fourteenth of the pages.
 * Deflating costs a little more CPU than SQLite writing the overflow pages it saves
 * (~0.3 µs a request, bench/invoke/logs-store.ts), but the WAL fills that much slower, so
 * its checkpoints — a copy into the file and two fsyncs, tens of milliseconds of a
 * stalled event loop under load — come that much less often, and a long load test
 * leaves a fourteenth of the file behind. Rows written before (TEXT) are read as they are.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
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

/** Event ids: chunk id × this + the event's place in its chunk (a PutLogEvents holds at most 10,000). */
const CHUNK_ID_SPACE = 65536;
/** Chunks whose JSON is longer are stored deflated: shorter ones fit a page as they are. */
const DEFLATE_ABOVE = 2048;

/** A chunk's packed events as stored: its JSON, deflated when that saves pages. */
function storedChunk(packed: (number | string)[]): string | Buffer {
  const json = JSON.stringify(packed);
  return json.length > DEFLATE_ABOVE ? deflateRawSync(json, { level: 1 }) : json;
}

/** The packed events of a stored chunk (TEXT, or deflated JSON in a BLOB). */
function packedEvents(stored: string | Buffer): (number | string)[] {
  return JSON.parse(typeof stored === "string" ? stored : inflateRawSync(stored).toString("utf8")) as (number | string)[];
}

interface ChunkRow {
  id: number;
  stream: string;
  first_ts: number;
  last_ts: number;
  ingestion: number;
  events: string | Buffer;
}

/**
 * State written before events were stored in chunks has a `log_events` table, one row
 * an event: its events move into chunks (per stream, in order, 10,000 at most a chunk),
 * once, and the table goes.
 */
function migrateEventRows(db: Database, insertChunk: Statement): void {
  const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'log_events'").get();
  if (!legacy) return;
  type Row = { id: number; timestamp: number; ingestion: number; message: string };
  db.transaction(() => {
    const streams = db.prepare("SELECT DISTINCT group_name, stream FROM log_events").all() as { group_name: string; stream: string }[];
    const page = db.prepare(
      "SELECT id, timestamp, ingestion, message FROM log_events WHERE group_name = ? AND stream = ? AND (timestamp > ? OR (timestamp = ? AND id > ?)) ORDER BY timestamp, id LIMIT 10000",
    );
    for (const { group_name: group, stream } of streams) {
      let after = { timestamp: -Infinity, id: -Infinity };
      for (;;) {
        const rows = page.all(group, stream, after.timestamp, after.timestamp, after.id) as Row[];
        if (rows.length === 0) break;
        const packed: (number | string)[] = [];
        for (const r of rows) packed.push(r.timestamp, r.message);
        const last = rows[rows.length - 1]!;
        insertChunk.run(group, stream, rows[0]!.timestamp, last.timestamp, Math.max(...rows.map((r) => r.ingestion)), storedChunk(packed));
        after = last;
      }
    }
    db.exec("DROP TABLE log_events");
  })();
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
      CREATE TABLE IF NOT EXISTS log_chunks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, group_name TEXT NOT NULL, stream TEXT NOT NULL,
        first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, ingestion INTEGER NOT NULL,
        events TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS log_chunks_by_stream ON log_chunks (group_name, stream, first_ts);
      CREATE INDEX IF NOT EXISTS log_chunks_by_group ON log_chunks (group_name, first_ts);
      CREATE TABLE IF NOT EXISTS log_group_tags (
        group_name TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (group_name, key));`);
    this.s = {
      group: db.prepare("SELECT * FROM log_groups WHERE name = ?"),
      groupsByPrefix: db.prepare("SELECT * FROM log_groups WHERE name >= ? AND substr(name, 1, length(?)) = ? ORDER BY name"),
      insertGroup: db.prepare("INSERT INTO log_groups (name, created, kms_key_id, log_group_class) VALUES (?, ?, ?, ?)"),
      deleteGroup: db.prepare("DELETE FROM log_groups WHERE name = ?"),
      deleteGroupStreams: db.prepare("DELETE FROM log_streams WHERE group_name = ?"),
      deleteGroupEvents: db.prepare("DELETE FROM log_chunks WHERE group_name = ?"),
      deleteGroupTags: db.prepare("DELETE FROM log_group_tags WHERE group_name = ?"),
      setRetention: db.prepare("UPDATE log_groups SET retention_days = ? WHERE name = ?"),
      stream: db.prepare("SELECT * FROM log_streams WHERE group_name = ? AND name = ?"),
      streamsByName: db.prepare("SELECT * FROM log_streams WHERE group_name = ? AND name >= ? AND substr(name, 1, length(?)) = ? ORDER BY name"),
      insertStream: db.prepare("INSERT INTO log_streams (group_name, name, created) VALUES (?, ?, ?)"),
      deleteStream: db.prepare("DELETE FROM log_streams WHERE group_name = ? AND name = ?"),
      deleteStreamEvents: db.prepare("DELETE FROM log_chunks WHERE group_name = ? AND stream = ?"),
      insertChunk: db.prepare("INSERT INTO log_chunks (group_name, stream, first_ts, last_ts, ingestion, events) VALUES (?, ?, ?, ?, ?, ?)"),
      touchStream: db.prepare(`UPDATE log_streams SET
          first_event = MIN(COALESCE(first_event, @first), @first), last_event = MAX(COALESCE(last_event, @last), @last),
          last_ingestion = @ingestion, upload_seq = upload_seq + 1, stored_bytes = stored_bytes + @bytes
        WHERE group_name = @group AND name = @stream`),
      addGroupBytes: db.prepare("UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE name = ?"),
      tags: db.prepare("SELECT key, value FROM log_group_tags WHERE group_name = ? ORDER BY key"),
      putTag: db.prepare("INSERT OR REPLACE INTO log_group_tags (group_name, key, value) VALUES (?, ?, ?)"),
      removeTag: db.prepare("DELETE FROM log_group_tags WHERE group_name = ? AND key = ?"),
      expire: db.prepare("DELETE FROM log_chunks WHERE group_name = ? AND last_ts < ?"),
      groupsWithRetention: db.prepare("SELECT name, retention_days FROM log_groups WHERE retention_days IS NOT NULL"),
    };
    migrateEventRows(db, this.s.insertChunk);
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

  /** Appends events (already validated and sorted) as one chunk and updates the stream's statistics. */
  appendEvents(group: string, stream: string, events: { timestamp: number; message: string }[], ingestion: number, knownBytes?: number): number {
    // AWS counts each event's message plus 26 bytes of overhead (the caller may have counted already).
    let bytes = knownBytes ?? 0;
    const packed: (number | string)[] = new Array(events.length * 2);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      packed[2 * i] = e.timestamp;
      packed[2 * i + 1] = e.message;
      if (knownBytes === undefined) bytes += Buffer.byteLength(e.message) + 26;
    }
    const first = events[0]!.timestamp;
    const last = events[events.length - 1]!.timestamp;
    this.db.transaction(() => {
      this.s.insertChunk.run(group, stream, first, last, ingestion, storedChunk(packed));
      this.s.touchStream.run({ group, stream, first, last, ingestion, bytes });
      this.s.addGroupBytes.run(bytes, group);
    })();
    return (this.stream(group, stream)?.upload_seq ?? 0);
  }

  /**
   * Events of a group in (timestamp, id) order, optionally of some streams, within
   * [start, end), strictly after/before a cursor. `descending` walks backwards.
   *
   * Chunks are read in the order of their first (or, descending, last) timestamp and
   * unpacked; once `limit` events are in hand, a chunk that starts after the last of
   * them (or ends before it) cannot contribute, and neither can any later one.
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
    if (q.start !== undefined) { where.push("last_ts >= ?"); args.push(q.start); }
    if (q.end !== undefined) { where.push("first_ts < ?"); args.push(q.end); }
    if (q.after) { where.push("last_ts >= ?"); args.push(q.after.timestamp); }
    if (q.before) { where.push("first_ts <= ?"); args.push(q.before.timestamp); }
    const order = q.descending ? "last_ts DESC, id DESC" : "first_ts ASC, id ASC";
    const sql = `SELECT id, stream, first_ts, last_ts, ingestion, events FROM log_chunks WHERE ${where.join(" AND ")} ORDER BY ${order}`;
    const sign = q.descending ? -1 : 1;
    const compare = (a: LogEventRow, b: LogEventRow) => sign * (a.timestamp - b.timestamp || a.id - b.id);
    const inRange = (r: LogEventRow) =>
      (q.start === undefined || r.timestamp >= q.start) &&
      (q.end === undefined || r.timestamp < q.end) &&
      (!q.after || r.timestamp > q.after.timestamp || (r.timestamp === q.after.timestamp && r.id > q.after.id)) &&
      (!q.before || r.timestamp < q.before.timestamp || (r.timestamp === q.before.timestamp && r.id < q.before.id));
    let found: LogEventRow[] = [];
    // A statement left open would keep the database busy for every writer: end it on every path.
    const rows = this.db.prepare(sql).iterate(...args) as IterableIterator<ChunkRow>;
    try {
      for (const chunk of rows) {
        if (found.length >= q.limit) {
          const bound = found[q.limit - 1]!.timestamp;
          if (q.descending ? chunk.last_ts < bound : chunk.first_ts > bound) break;
        }
        const packed = packedEvents(chunk.events);
        for (let i = 0; i < packed.length; i += 2) {
          const r: LogEventRow = { id: chunk.id * CHUNK_ID_SPACE + i / 2, stream: chunk.stream, timestamp: packed[i] as number, ingestion: chunk.ingestion, message: packed[i + 1] as string };
          if (inRange(r)) found.push(r);
        }
        if (found.length >= q.limit) {
          found.sort(compare);
          found = found.slice(0, q.limit);
        }
      }
    } finally {
      rows.return?.();
    }
    return found.sort(compare).slice(0, q.limit);
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
