/**
 * Kinesis state in SQLite (`kinesis.sqlite`): streams, their shards (open and closed,
 * with their parents, after resharding), and their records in one table whose row id is
 * each record's position. Row ids only grow, so positions grow within
 * every shard, and a shard is read with one indexed range scan. Every write is its own
 * committed transaction before the answer, as SQS's are. Times are epoch milliseconds.
 */
import type Database from "better-sqlite3";
import { initialShards } from "./shard-map.js";

export interface StreamRow {
  name: string;
  created: number;
  status: string;
  mode: "PROVISIONED" | "ON_DEMAND";
  shard_count: number;
  retention_hours: number;
  encryption: "NONE" | "KMS";
  key_id: string | null;
  /** The largest record (data and partition key) the stream takes, in KiB. */
  max_record_kib: number;
  /** JSON object of the stream's tags. */
  tags: string;
}

/** A shard; `end_position` set once it is closed (split or merged), as the last position it may hold. */
export interface ShardRow {
  idx: number;
  /** Decimal text of the hash key range's bounds (128-bit). */
  hash_start: string;
  hash_end: string;
  parent: number | null;
  adjacent_parent: number | null;
  /** Records of the shard come after this position. */
  start_position: number;
  end_position: number | null;
  created: number;
  closed: number | null;
}

/** An enhanced fan-out consumer; `created` in epoch ms (its ARN carries it in seconds). */
export interface ConsumerRow {
  name: string;
  created: number;
  /** JSON object of the consumer's tags. */
  tags: string;
}

export interface RecordRow {
  position: number;
  shard: number;
  arrival: number;
  partition_key: string;
  data: Buffer;
  encrypted: number;
}

export interface NewRecord {
  shard: number;
  partitionKey: string;
  data: Buffer;
}

export class KinesisStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS streams (
        name TEXT PRIMARY KEY, created INTEGER NOT NULL, status TEXT NOT NULL, mode TEXT NOT NULL,
        shard_count INTEGER NOT NULL, retention_hours INTEGER NOT NULL, encryption TEXT NOT NULL,
        key_id TEXT, max_record_kib INTEGER NOT NULL, tags TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS records (
        position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, shard INTEGER NOT NULL,
        arrival INTEGER NOT NULL, partition_key TEXT NOT NULL, data BLOB NOT NULL, encrypted INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS records_by_shard ON records (stream, shard, position);
      CREATE TABLE IF NOT EXISTS shards (
        stream TEXT NOT NULL, idx INTEGER NOT NULL, hash_start TEXT NOT NULL, hash_end TEXT NOT NULL,
        parent INTEGER, adjacent_parent INTEGER, start_position INTEGER NOT NULL, end_position INTEGER,
        created INTEGER NOT NULL, closed INTEGER, PRIMARY KEY (stream, idx));
      CREATE TABLE IF NOT EXISTS consumers (
        stream TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL, tags TEXT NOT NULL, PRIMARY KEY (stream, name));
      CREATE TABLE IF NOT EXISTS mode_changes (stream TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS mode_changes_by_stream ON mode_changes (stream, at);
    `);
    // Streams kept from before shards had rows of their own: their even split, as created.
    for (const stream of this.streams()) {
      if (this.shards(stream.name).length === 0) for (const shard of initialShards(stream.shard_count, stream.created)) this.insertShard(stream.name, shard);
    }
  }

  /** A stream's enhanced fan-out consumers, by name. */
  consumers(stream: string): ConsumerRow[] {
    return this.stmt("SELECT name, created, tags FROM consumers WHERE stream = ? ORDER BY name").all(stream) as ConsumerRow[];
  }

  insertConsumer(stream: string, row: ConsumerRow): void {
    this.stmt("INSERT INTO consumers (stream, name, created, tags) VALUES (?, ?, ?, ?)").run(stream, row.name, row.created, row.tags);
  }

  deleteConsumer(stream: string, name: string): void {
    this.stmt("DELETE FROM consumers WHERE stream = ? AND name = ?").run(stream, name);
  }

  /** Every shard of a stream, in index (= creation) order. */
  shards(stream: string): ShardRow[] {
    return this.stmt("SELECT idx, hash_start, hash_end, parent, adjacent_parent, start_position, end_position, created, closed FROM shards WHERE stream = ? ORDER BY idx").all(stream) as ShardRow[];
  }

  /** Closes `closing` (at the newest position) and adds `added`, in one transaction; the stream's open shard count follows. */
  reshard(stream: string, closing: number[], added: Omit<ShardRow, "start_position" | "end_position" | "closed">[], now: number): void {
    this.db.transaction(() => {
      const position = this.lastPosition();
      const close = this.stmt("UPDATE shards SET end_position = ?, closed = ? WHERE stream = ? AND idx = ?");
      for (const idx of closing) close.run(position, now, stream, idx);
      for (const shard of added) this.insertShard(stream, { ...shard, start_position: position, end_position: null, closed: null });
      this.stmt("UPDATE streams SET shard_count = (SELECT count(*) FROM shards WHERE stream = ? AND end_position IS NULL) WHERE name = ?").run(stream, stream);
    })();
  }

  insertShard(stream: string, shard: ShardRow): void {
    this.stmt(
      "INSERT INTO shards (stream, idx, hash_start, hash_end, parent, adjacent_parent, start_position, end_position, created, closed) VALUES (@stream, @idx, @hash_start, @hash_end, @parent, @adjacent_parent, @start_position, @end_position, @created, @closed)",
    ).run({ stream, ...shard });
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  stream(name: string): StreamRow | undefined {
    return this.stmt("SELECT * FROM streams WHERE name = ?").get(name) as StreamRow | undefined;
  }

  streams(): StreamRow[] {
    return this.stmt("SELECT * FROM streams ORDER BY name").all() as StreamRow[];
  }

  /** A new stream and its first shards, evenly split. */
  insertStream(row: StreamRow): void {
    this.db.transaction(() => {
      this.insertStreamRow(row);
      for (const shard of initialShards(row.shard_count, row.created)) this.insertShard(row.name, shard);
    })();
  }

  private insertStreamRow(row: StreamRow): void {
    this.stmt("INSERT INTO streams (name, created, status, mode, shard_count, retention_hours, encryption, key_id, max_record_kib, tags) VALUES (@name, @created, @status, @mode, @shard_count, @retention_hours, @encryption, @key_id, @max_record_kib, @tags)").run(row);
  }

  updateStream(name: string, changes: Partial<Omit<StreamRow, "name" | "created">>): void {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    this.db.prepare(`UPDATE streams SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE name = @name`).run({ ...changes, name });
  }

  /** How many times the stream's capacity mode changed at or after `since` (epoch ms). */
  modeChangesSince(stream: string, since: number): number {
    return (this.stmt("SELECT count(*) AS n FROM mode_changes WHERE stream = ? AND at >= ?").get(stream, since) as { n: number }).n;
  }

  /** A new capacity mode, and when it changed (Kinesis allows two changes a day), in one transaction. */
  changeMode(stream: string, mode: StreamRow["mode"], at: number): void {
    this.db.transaction(() => {
      this.stmt("UPDATE streams SET mode = ? WHERE name = ?").run(mode, stream);
      this.stmt("INSERT INTO mode_changes (stream, at) VALUES (?, ?)").run(stream, at);
    })();
  }

  /** The stream, its shards and its records, in one transaction. */
  deleteStream(name: string): void {
    this.db.transaction(() => {
      this.stmt("DELETE FROM records WHERE stream = ?").run(name);
      this.stmt("DELETE FROM shards WHERE stream = ?").run(name);
      this.stmt("DELETE FROM consumers WHERE stream = ?").run(name);
      this.stmt("DELETE FROM mode_changes WHERE stream = ?").run(name);
      this.stmt("DELETE FROM streams WHERE name = ?").run(name);
    })();
  }

  /** Appends records in order, in one transaction; their positions, in the same order. */
  append(stream: string, records: readonly NewRecord[], arrival: number, encrypted: boolean): number[] {
    const insert = this.stmt("INSERT INTO records (stream, shard, arrival, partition_key, data, encrypted) VALUES (?, ?, ?, ?, ?, ?)");
    return this.db.transaction(() => records.map((r) => Number(insert.run(stream, r.shard, arrival, r.partitionKey, r.data, encrypted ? 1 : 0).lastInsertRowid)))();
  }

  /** Up to `limit` records of a shard after `afterPosition`, oldest first. */
  read(stream: string, shard: number, afterPosition: number, limit: number): RecordRow[] {
    return this.stmt("SELECT position, shard, arrival, partition_key, data, encrypted FROM records WHERE stream = ? AND shard = ? AND position > ? ORDER BY position LIMIT ?").all(
      stream,
      shard,
      afterPosition,
      limit,
    ) as RecordRow[];
  }

  /** The position of the newest record anywhere (what LATEST starts after). */
  lastPosition(): number {
    const row = this.stmt("SELECT seq FROM sqlite_sequence WHERE name = 'records'").get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /** The position just before the first record of a shard that arrived at or after `time`. */
  positionBefore(stream: string, shard: number, time: number): number {
    const row = this.stmt("SELECT min(position) AS p FROM records WHERE stream = ? AND shard = ? AND arrival >= ?").get(stream, shard, time) as { p: number | null };
    return row.p === null ? this.lastPosition() : row.p - 1;
  }

  /** Arrival time of the first record of a shard after `position`, if any. */
  nextArrival(stream: string, shard: number, afterPosition: number): number | undefined {
    const row = this.stmt("SELECT arrival FROM records WHERE stream = ? AND shard = ? AND position > ? ORDER BY position LIMIT 1").get(stream, shard, afterPosition) as
      | { arrival: number }
      | undefined;
    return row?.arrival;
  }

  /** Drops records past their stream's retention period. */
  trim(now: number): void {
    for (const s of this.streams()) {
      this.stmt("DELETE FROM records WHERE stream = ? AND arrival < ?").run(s.name, now - s.retention_hours * 3_600_000);
    }
  }
}
