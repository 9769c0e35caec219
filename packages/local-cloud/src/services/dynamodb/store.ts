/**
 * The DynamoDB store on SQLite. Items live on disk only (no in-memory copies), keyed by
 * (table id, encoded hash key, encoded range key) in a WITHOUT ROWID table, so a Query is
 * a range scan of the primary key. Secondary-index entries are their own rows keyed by
 * (table id, index, index hash, index range, table primary key). Stream records are
 * appended in the same transaction as the write that caused them.
 *
 * All methods are synchronous: a read-check-write done inside one call cannot interleave
 * with another request in this single-threaded process.
 */
import type { Database, Statement } from "better-sqlite3";
import { GroupCommit } from "../../server/group-commit.js";
import { holdExclusively } from "../../sqlite-exclusive.js";
import type { Item } from "./attribute-value.js";
import { itemSize } from "./attribute-value.js";
import type { TableMeta, IndexMeta, Counts } from "./table-meta.js";
import { indexKey, primaryKeyBlob, projectForIndex, type EncodedKey } from "./keys.js";

/** An item as stored: its JSON text and its size (itemSize of the item). */
export type ItemRow = [item: string, size: number];

/** What a writer already knows about a write (see DynamoStore.writeItem). */
export interface WriteFacts {
  /** An item is stored at the key now. */
  oldExists: boolean;
  /** Its size (0 when none). */
  oldSize: number;
  /** itemSize of the new item (0 when deleting). */
  newSize: number;
}

export interface StoredRow {
  hk: Buffer;
  rk: Buffer;
  pk?: Buffer;
  item: string;
  size: number;
}

/** Queries with a Limit up to this read their rows eagerly (at most ~40 MB of 400 KB items). */
export const SMALL_LIMIT = 100;
/** Prepared partition-read statements kept (by shape and small Limit). */
const PARTITION_STMTS = 256;

/** What a Query/Scan page reads of a row: hk only for Scan segments, pk only for LSIs. */
export interface PageRow {
  hk?: Buffer;
  pk?: Buffer;
  item: string;
  size: number;
}

/** A key range on the sort key; bounds are encoded blobs. */
export interface RangeBounds {
  lo?: { value: Buffer; inclusive: boolean };
  hi?: { value: Buffer; inclusive: boolean };
}

export class DynamoStore {
  private stmts = new Map<string, Statement>();
  private tables = new Map<string, TableMeta>();

  constructor(readonly db: Database) {
    // Only this process opens dynamodb.sqlite: it holds SQLite's locks for the life of the
    // connection (sqlite-exclusive.ts), before the store reads or writes anything.
    holdExclusively(db);
    // Checkpoints (copying the WAL back into the database, with fsyncs) stall the event
    // loop; at SQLite's default of every 1,000 pages a write-heavy load checkpoints every
    // few hundred commits. Every 10,000 pages (about 40 MB of WAL) they are rarer, and a
    // page rewritten many times in between is copied once. A bounded 32 MB page cache keeps
    // the upper levels of a large table's B-tree in memory without loading the table.
    db.pragma("wal_autocheckpoint = 10000");
    db.pragma("cache_size = -32768");
    db.exec(`
      CREATE TABLE IF NOT EXISTS ddb_tables (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE NOT NULL, meta TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ddb_items (
        tid INTEGER NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL, expires REAL,
        PRIMARY KEY (tid, hk, rk)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ddb_items_expiry ON ddb_items (tid, expires) WHERE expires IS NOT NULL;
      CREATE TABLE IF NOT EXISTS ddb_index_items (
        tid INTEGER NOT NULL, idx TEXT NOT NULL, hk BLOB NOT NULL, rk BLOB NOT NULL, pk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL,
        PRIMARY KEY (tid, idx, hk, rk, pk)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ddb_counts (tid INTEGER NOT NULL, idx TEXT NOT NULL, items INTEGER NOT NULL, bytes INTEGER NOT NULL, PRIMARY KEY (tid, idx)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ddb_stream_records (seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_arn TEXT NOT NULL, created INTEGER NOT NULL, record TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ddb_stream_by_arn ON ddb_stream_records (stream_arn, seq);
      CREATE TABLE IF NOT EXISTS ddb_kinesis_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_arn TEXT NOT NULL, partition_key TEXT NOT NULL, record TEXT NOT NULL);
    `);
    this.commits = new GroupCommit(db, "ddb_write", {
      started: () => (this.metaDirty = false),
      succeeded: () => {
        this.countUndo.length = 0;
        this.flushedInRequest = undefined;
        if (this.kinesisAppended) {
          this.kinesisAppended = false;
          this.kinesisCommitted?.();
        }
      },
      failed: () => {
        this.kinesisAppended = false;
        this.undoCounts();
        // A rolled-back change to table definitions leaves the cache stale.
        if (this.metaDirty) this.reloadTables();
      },
      beforeCommit: () => this.writeCounts(),
      commitFailed: () => {
        this.pendingCounts.clear();
        this.reloadTables();
      },
    });
    const keyWhere = "WHERE tid = ? AND hk = ? AND rk = ?";
    this.hot = {
      getRow: db.prepare(`SELECT item, size FROM ddb_items ${keyWhere}`).raw(),
      getText: db.prepare(`SELECT item FROM ddb_items ${keyWhere}`).pluck(),
      getSize: db.prepare(`SELECT size FROM ddb_items ${keyWhere}`).pluck(),
      put: db.prepare("INSERT OR REPLACE INTO ddb_items (tid, hk, rk, item, size, expires) VALUES (?, ?, ?, ?, ?, ?)"),
      del: db.prepare(`DELETE FROM ddb_items ${keyWhere}`),
    };
    this.reloadTables();
  }

  /** The statements of single-item reads and writes, prepared once (raw/pluck modes are per statement). */
  private readonly hot: { getRow: Statement; getText: Statement; getSize: Statement; put: Statement; del: Statement };

  stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /**
   * Runs `fn` atomically, group-committed (GroupCommit): in its own SAVEPOINT of the
   * batch's transaction, acknowledged only once `committed()` settles.
   *
   * `singleStatement`: the caller promises that `fn` issues at most one writing SQL
   * statement and that nothing after it can throw (a plain PutItem/DeleteItem on a table
   * without indexes or stream). A lone statement is atomic by itself, so no SAVEPOINT is
   * needed; count changes are still undone if `fn` throws.
   */
  transaction<T>(fn: () => T, singleStatement = false): T {
    return this.commits.run(fn, !singleStatement);
  }

  /**
   * Settles once every write made so far is committed (rejects if the commit failed and
   * the writes were rolled back); undefined when nothing is waiting to commit, so the
   * common read path costs no promise.
   */
  committed(): Promise<void> | undefined {
    return this.commits.committed();
  }

  /** Commits the open group now (service shutdown; tests). */
  flush(): void {
    this.commits.flush();
  }

  private readonly commits: GroupCommit;

  // ---- item/size counts ----
  //
  // ItemCount/TableSizeBytes change with every write; an `UPDATE ddb_counts` per write was
  // a fifth of a small PutItem. Changes are summed in memory per (table, index) while a
  // group is open and written as one UPDATE each just before its COMMIT, inside the same
  // transaction (so they are exactly as durable as the items). A request that fails undoes
  // its own changes (`countUndo`); a failed COMMIT discards them all with the group.
  // counts() adds what is pending, so readers always see exact numbers.

  /** Pending changes of the open group: table id → index name ("" = table) → [items, bytes]. */
  private readonly pendingCounts = new Map<number, Map<string, [number, number]>>();
  /** Changes made by the request running now, as (tid, idx, items, bytes) quadruples, to undo if it fails. */
  private readonly countUndo: (number | string)[] = [];
  /** Pending changes written to SQLite inside the running request's savepoint (see writeCounts). */
  private flushedInRequest?: Map<number, Map<string, [number, number]>>;

  private bumpCount(tid: number, idx: string, items: number, bytes: number): void {
    if (items === 0 && bytes === 0) return;
    if (!this.commits.running) {
      // Not inside transaction(): write at once, as before.
      this.stmt("UPDATE ddb_counts SET items = items + ?, bytes = bytes + ? WHERE tid = ? AND idx = ?").run(items, bytes, tid, idx);
      return;
    }
    addPending(this.pendingCounts, tid, idx, items, bytes);
    this.countUndo.push(tid, idx, items, bytes);
  }

  private undoCounts(): void {
    const undo = this.countUndo;
    // Pending changes of earlier requests that this one wrote to SQLite were rolled back
    // with its savepoint: they are pending again.
    if (this.flushedInRequest) {
      for (const [tid, byIdx] of this.flushedInRequest) for (const [idx, d] of byIdx) addPending(this.pendingCounts, tid, idx, d[0], d[1]);
      this.flushedInRequest = undefined;
    }
    for (let i = 0; i < undo.length; i += 4) addPending(this.pendingCounts, undo[i] as number, undo[i + 1] as string, -(undo[i + 2] as number), -(undo[i + 3] as number));
    undo.length = 0;
  }

  /**
   * Writes the pending count changes to ddb_counts now: before COMMIT, and before a change
   * that deletes or recreates count rows (dropping an index) so no pending change can land
   * on a row it was not meant for.
   */
  private writeCounts(): void {
    if (this.pendingCounts.size === 0) return;
    const update = this.stmt("UPDATE ddb_counts SET items = items + ?, bytes = bytes + ? WHERE tid = ? AND idx = ?");
    for (const [tid, byIdx] of this.pendingCounts) {
      for (const [idx, d] of byIdx) if (d[0] !== 0 || d[1] !== 0) update.run(d[0], d[1], tid, idx);
    }
    if (this.commits.inSavepoint) {
      // Inside a request's savepoint: if that request fails, these writes are rolled back.
      const flushed = (this.flushedInRequest ??= new Map());
      for (const [tid, byIdx] of this.pendingCounts) for (const [idx, d] of byIdx) addPending(flushed, tid, idx, d[0], d[1]);
    }
    this.pendingCounts.clear();
  }

  private metaDirty = false;

  private reloadTables(): void {
    this.tables.clear();
    for (const row of this.db.prepare("SELECT meta FROM ddb_tables").all() as { meta: string }[]) {
      const meta = JSON.parse(row.meta) as TableMeta;
      this.tables.set(meta.name, meta);
    }
  }

  // ---- tables ----

  tableNames(): string[] {
    return [...this.tables.keys()].sort();
  }

  table(name: string): TableMeta | undefined {
    return this.tables.get(name);
  }

  nextTableId(): number {
    const row = this.stmt("SELECT seq FROM sqlite_sequence WHERE name = 'ddb_tables'").get() as { seq: number } | undefined;
    return (row?.seq ?? 0) + 1;
  }

  createTable(meta: TableMeta): void {
    this.transaction(() => {
      const r = this.stmt("INSERT INTO ddb_tables (name, meta) VALUES (?, ?)").run(meta.name, "{}");
      meta.id = Number(r.lastInsertRowid);
      this.stmt("UPDATE ddb_tables SET meta = ? WHERE id = ?").run(JSON.stringify(meta), meta.id);
      this.stmt("INSERT INTO ddb_counts (tid, idx, items, bytes) VALUES (?, '', 0, 0)").run(meta.id);
      for (const ix of [...meta.gsis, ...meta.lsis]) this.stmt("INSERT INTO ddb_counts (tid, idx, items, bytes) VALUES (?, ?, 0, 0)").run(meta.id, ix.name);
    });
    this.tables.set(meta.name, meta);
  }

  saveTable(meta: TableMeta): void {
    this.metaDirty = true;
    this.stmt("UPDATE ddb_tables SET meta = ? WHERE id = ?").run(JSON.stringify(meta), meta.id);
    this.tables.set(meta.name, meta);
  }

  deleteTable(meta: TableMeta): void {
    this.transaction(() => {
      this.stmt("DELETE FROM ddb_items WHERE tid = ?").run(meta.id);
      this.stmt("DELETE FROM ddb_index_items WHERE tid = ?").run(meta.id);
      this.stmt("DELETE FROM ddb_counts WHERE tid = ?").run(meta.id);
      this.stmt("DELETE FROM ddb_tables WHERE id = ?").run(meta.id);
    });
    this.tables.delete(meta.name);
  }

  counts(meta: TableMeta, index = ""): Counts {
    const row = this.stmt("SELECT items, bytes FROM ddb_counts WHERE tid = ? AND idx = ?").get(meta.id, index) as { items: number; bytes: number } | undefined;
    const pending = this.pendingCounts.get(meta.id)?.get(index);
    return { itemCount: (row?.items ?? 0) + (pending?.[0] ?? 0), sizeBytes: (row?.bytes ?? 0) + (pending?.[1] ?? 0) };
  }

  // ---- items ----

  /** The stored JSON text of an item and its size, without parsing it: [item, size]. */
  getItemRow(meta: TableMeta, key: EncodedKey): ItemRow | undefined {
    return this.hot.getRow.get(meta.id, key.hk, key.rk) as ItemRow | undefined;
  }

  /** The size of the item stored at `key`, or undefined when there is none (reads no item text). */
  storedSize(meta: TableMeta, key: EncodedKey): number | undefined {
    return this.hot.getSize.get(meta.id, key.hk, key.rk) as number | undefined;
  }

  getItem(meta: TableMeta, key: EncodedKey): Item | undefined {
    const text = this.hot.getText.get(meta.id, key.hk, key.rk) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as Item);
  }

  /**
   * Replace (newItem) or delete (newItem undefined) the item at `key`, given its current
   * value `oldItem`; maintains indexes and counts. Callers run it inside transaction().
   *
   * `facts` carries what the caller already knows (sizes, and whether an old item exists
   * when it did not parse it) so nothing is measured twice. The old item may be left
   * unparsed only on a table without secondary indexes.
   */
  writeItem(meta: TableMeta, key: EncodedKey, oldItem: Item | undefined, newItem: Item | undefined, facts?: WriteFacts): void {
    const oldExists = facts ? facts.oldExists : oldItem !== undefined;
    const oldSize = facts ? facts.oldSize : oldItem ? itemSize(oldItem) : 0;
    const indexed = meta.gsis.length > 0 || meta.lsis.length > 0;
    if (indexed && oldExists && !oldItem) throw new Error("writeItem: the old item is needed to maintain indexes");
    let text: string | undefined;
    let size = 0;
    if (newItem) {
      size = facts ? facts.newSize : itemSize(newItem);
      text = JSON.stringify(newItem);
      this.hot.put.run(meta.id, key.hk, key.rk, text, size, ttlOf(meta, newItem));
      this.bumpCount(meta.id, "", oldExists ? 0 : 1, size - oldSize);
    } else if (oldExists) {
      this.hot.del.run(meta.id, key.hk, key.rk);
      this.bumpCount(meta.id, "", -1, -oldSize);
    }
    if (!indexed) return;
    const pk = primaryKeyBlob(key);
    for (const ix of meta.gsis) this.writeIndexEntry(meta, ix, pk, oldItem, newItem, text, size);
    for (const ix of meta.lsis) this.writeIndexEntry(meta, ix, pk, oldItem, newItem, text, size);
  }

  private writeIndexEntry(meta: TableMeta, ix: IndexMeta, pk: Buffer, oldItem: Item | undefined, newItem: Item | undefined, newText?: string, newSize?: number): void {
    const oldKey = oldItem ? indexKey(ix, oldItem) : null;
    const newKey = newItem ? indexKey(ix, newItem) : null;
    let delta = 0;
    let bytes = 0;
    if (oldKey) {
      const old = this.stmt("DELETE FROM ddb_index_items WHERE tid = ? AND idx = ? AND hk = ? AND rk = ? AND pk = ? RETURNING size").get(meta.id, ix.name, oldKey.hk, oldKey.rk, pk) as { size: number } | undefined;
      if (old) {
        delta--;
        bytes -= old.size;
      }
    }
    if (newKey) {
      const projected = projectForIndex(meta, ix, newItem!);
      // An ALL projection is the item itself: reuse its text and size.
      const whole = projected === newItem && newText !== undefined;
      const size = whole ? newSize! : itemSize(projected);
      this.stmt("INSERT OR REPLACE INTO ddb_index_items (tid, idx, hk, rk, pk, item, size) VALUES (?, ?, ?, ?, ?, ?, ?)").run(meta.id, ix.name, newKey.hk, newKey.rk, pk, whole ? newText : JSON.stringify(projected), size);
      delta++;
      bytes += size;
    }
    this.bumpCount(meta.id, ix.name, delta, bytes);
  }

  /** Builds a new GSI's entries from the table's items (UpdateTable Create). */
  backfillIndex(meta: TableMeta, ix: IndexMeta): void {
    this.transaction(() => {
      this.stmt("INSERT OR IGNORE INTO ddb_counts (tid, idx, items, bytes) VALUES (?, ?, 0, 0)").run(meta.id, ix.name);
      for (const row of this.chunks(meta)) {
        try {
          this.writeIndexEntry(meta, ix, primaryKeyBlob(row), undefined, JSON.parse(row.item));
        } catch (err: any) {
          // An existing item whose attribute has another type than the new index key is
          // left out of the index (DynamoDB reports it as a backfill violation).
          if (err?.code !== "ValidationException") throw err;
        }
      }
    });
  }

  dropIndex(meta: TableMeta, name: string): void {
    this.transaction(() => {
      this.writeCounts();
      this.stmt("DELETE FROM ddb_index_items WHERE tid = ? AND idx = ?").run(meta.id, name);
      this.stmt("DELETE FROM ddb_counts WHERE tid = ? AND idx = ?").run(meta.id, name);
    });
  }

  /**
   * Every item of a table, read in key-ordered chunks so that a large table is never
   * loaded whole and the caller may write between chunks (no read iterator stays open).
   */
  private *chunks(meta: TableMeta, size = 1000): Generator<StoredRow> {
    let rows = this.stmt("SELECT hk, rk, item, size FROM ddb_items WHERE tid = ? ORDER BY hk, rk LIMIT ?").all(meta.id, size) as StoredRow[];
    while (rows.length) {
      yield* rows;
      if (rows.length < size) return;
      const last = rows[rows.length - 1]!;
      rows = this.stmt("SELECT hk, rk, item, size FROM ddb_items WHERE tid = ? AND (hk, rk) > (?, ?) ORDER BY hk, rk LIMIT ?").all(meta.id, last.hk, last.rk, size) as StoredRow[];
    }
  }

  /** Recomputes the TTL expiry column after TTL is enabled or its attribute changes. */
  refreshExpiry(meta: TableMeta): void {
    this.transaction(() => {
      const update = this.stmt("UPDATE ddb_items SET expires = ? WHERE tid = ? AND hk = ? AND rk = ?");
      for (const row of this.chunks(meta)) update.run(ttlOf(meta, JSON.parse(row.item)), meta.id, row.hk, row.rk);
    });
  }

  /** Items whose TTL has passed (epoch seconds), oldest first. */
  expired(meta: TableMeta, nowSeconds: number, limit: number): StoredRow[] {
    return this.stmt("SELECT hk, rk, item, size FROM ddb_items WHERE tid = ? AND expires IS NOT NULL AND expires < ? ORDER BY expires LIMIT ?").all(meta.id, nowSeconds, limit) as StoredRow[];
  }

  /** Bytes of one item collection (all items sharing a partition key), for ItemCollectionMetrics. */
  partitionBytes(meta: TableMeta, hk: Buffer): number {
    const row = this.stmt("SELECT coalesce(sum(size), 0) AS bytes FROM ddb_items WHERE tid = ? AND hk = ?").get(meta.id, hk) as { bytes: number };
    return row.bytes;
  }

  // ---- reads in key order ----

  /**
   * Rows of one partition (table or index), in sort-key order, starting after `after`
   * (the encoded position of ExclusiveStartKey). With a `limit` the rows come back as one
   * array (LIMIT in SQL); without, as a lazy iterator the caller stops reading when its
   * page is full. Only the columns a page needs are read: every BLOB column costs a
   * Buffer per row, which was most of a small Query's time.
   *
   */
  queryPartition(meta: TableMeta, index: IndexMeta | undefined, hk: Buffer, range: RangeBounds, forward: boolean, after?: { rk: Buffer; pk?: Buffer }, limit = Infinity): Iterable<PageRow> {
    return this.partitionRows(meta, index, hk, range, forward, after, limit, false) as Iterable<PageRow>;
  }

  /** queryPartition with rows as arrays: `[item, size]`, or `[pk, item, size]` for an LSI. */
  queryPartitionRaw(meta: TableMeta, index: IndexMeta | undefined, hk: Buffer, range: RangeBounds, forward: boolean, after?: { rk: Buffer; pk?: Buffer }, limit = Infinity): Iterable<unknown[]> {
    return this.partitionRows(meta, index, hk, range, forward, after, limit, true) as Iterable<unknown[]>;
  }

  /**
   * `count` raw rows of a partition after skipping `offset` (one `.all()` call): how a
   * Query without Limit reads on past its first rows (see query-scan.ts plainQueryPage).
   */
  queryPartitionChunk(meta: TableMeta, index: IndexMeta | undefined, hk: Buffer, range: RangeBounds, forward: boolean, after: { rk: Buffer; pk?: Buffer } | undefined, offset: number, count: number): unknown[][] {
    return this.partitionRows(meta, index, hk, range, forward, after, count, true, offset) as unknown[][];
  }

  private partitionRows(meta: TableMeta, index: IndexMeta | undefined, hk: Buffer, range: RangeBounds, forward: boolean, after: { rk: Buffer; pk?: Buffer } | undefined, limit: number, raw: boolean, offset = 0): Iterable<unknown> {
    const chunk = offset > 0;
    const small = !chunk && Number.isInteger(limit) && limit <= SMALL_LIMIT;
    // The statement's shape: which bounds, direction, paging, table or index, row mode, and
    // a small Limit (written into the SQL: a bound LIMIT parameter costs a re-prepare of
    // the statement on every run in this SQLite build, ~3 µs).
    let shape = (range.lo ? (range.lo.inclusive ? 1 : 2) : 0) | (range.hi ? (range.hi.inclusive ? 4 : 8) : 0) | (forward ? 16 : 0) | (after ? 32 : 0) | (raw ? 64 : 0);
    if (index) shape |= index.kind === "LSI" ? 256 : 128;
    const key = shape * 128 + (chunk ? 125 : small ? limit : Number.isFinite(limit) ? 126 : 127);
    let stmt = this.partitionStmts.get(key);
    if (!stmt) {
      // Bounded: shapes times small Limits could otherwise add up to thousands of statements.
      if (this.partitionStmts.size >= PARTITION_STMTS) this.partitionStmts.delete(this.partitionStmts.keys().next().value!);
      stmt = this.db.prepare(partitionSql(index, range, forward, after !== undefined, chunk ? "? OFFSET ?" : small ? String(limit) : Number.isFinite(limit) ? "?" : ""));
      if (raw) stmt.raw();
      this.partitionStmts.set(key, stmt);
    }
    const params: unknown[] = index ? [meta.id, index.name, hk] : [meta.id, hk];
    if (range.lo) params.push(range.lo.value);
    if (range.hi) params.push(range.hi.value);
    if (after) {
      params.push(after.rk);
      if (index) params.push(after.pk ?? NO_PK);
    }
    if (chunk) return stmt.all(...params, limit, offset);
    if (!Number.isFinite(limit)) return openedOnIteration(() => stmt.iterate(...params));
    // A small Limit reads its rows in one call (cheaper than stepping an iterator); a large
    // one stays lazy so that a page of big items stops at 1 MB without reading them all.
    if (small) return stmt.all(...params);
    params.push(limit);
    return openedOnIteration(() => stmt.iterate(...params));
  }

  private readonly partitionStmts = new Map<number, Statement>();

  /** Every row of a table or index in key order, after `after` (opened when iterated: see openedOnIteration). */
  scan(meta: TableMeta, index: IndexMeta | undefined, after?: { hk: Buffer; rk: Buffer; pk?: Buffer }): Iterable<StoredRow> {
    let open: () => IterableIterator<unknown>;
    if (index) {
      open = after
        ? () => this.stmt("SELECT hk, rk, pk, item, size FROM ddb_index_items WHERE tid = ? AND idx = ? AND (hk, rk, pk) > (?, ?, ?) ORDER BY hk, rk, pk").iterate(meta.id, index.name, after.hk, after.rk, after.pk ?? Buffer.alloc(0))
        : () => this.stmt("SELECT hk, rk, pk, item, size FROM ddb_index_items WHERE tid = ? AND idx = ? ORDER BY hk, rk, pk").iterate(meta.id, index.name);
    } else {
      open = after
        ? () => this.stmt("SELECT hk, rk, item, size FROM ddb_items WHERE tid = ? AND (hk, rk) > (?, ?) ORDER BY hk, rk").iterate(meta.id, after.hk, after.rk)
        : () => this.stmt("SELECT hk, rk, item, size FROM ddb_items WHERE tid = ? ORDER BY hk, rk").iterate(meta.id);
    }
    return openedOnIteration(open as () => IterableIterator<StoredRow>);
  }

  // ---- streams ----

  appendStreamRecord(streamArn: string, build: (seq: number) => object): void {
    const r = this.stmt("INSERT INTO ddb_stream_records (stream_arn, created, record) VALUES (?, ?, '')").run(streamArn, Date.now());
    const seq = Number(r.lastInsertRowid);
    this.stmt("UPDATE ddb_stream_records SET record = ? WHERE seq = ?").run(JSON.stringify(build(seq)), seq);
  }

  streamRecords(streamArn: string, afterSeq: number, limit: number): { seq: number; record: string }[] {
    return this.stmt("SELECT seq, record FROM ddb_stream_records WHERE stream_arn = ? AND seq > ? ORDER BY seq LIMIT ?").all(streamArn, afterSeq, limit) as { seq: number; record: string }[];
  }

  streamBounds(streamArn: string): { first: number; last: number } | undefined {
    const row = this.stmt("SELECT min(seq) AS first, max(seq) AS last FROM ddb_stream_records WHERE stream_arn = ?").get(streamArn) as { first: number | null; last: number | null };
    return row.first === null ? undefined : { first: row.first, last: row.last! };
  }

  lastSequence(): number {
    const row = this.stmt("SELECT seq FROM sqlite_sequence WHERE name = 'ddb_stream_records'").get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  // ---- Kinesis streaming destinations (kinesis-destination.ts) ----

  /** Called when a request's write put change records in the Kinesis outbox (they commit with its group). */
  kinesisCommitted?: () => void;
  private kinesisAppended = false;

  appendKinesisRecord(streamArn: string, partitionKey: string, record: object): void {
    this.stmt("INSERT INTO ddb_kinesis_outbox (stream_arn, partition_key, record) VALUES (?, ?, ?)").run(streamArn, partitionKey, JSON.stringify(record));
    this.kinesisAppended = true;
  }

  /** The oldest committed outbox records, in order. */
  kinesisOutbox(limit: number): { seq: number; stream_arn: string; partition_key: string; record: string }[] {
    return this.stmt("SELECT seq, stream_arn, partition_key, record FROM ddb_kinesis_outbox ORDER BY seq LIMIT ?").all(limit) as any[];
  }

  /** Drops outbox records once they are on their stream (or can never be). */
  deleteKinesisRecords(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    const del = this.stmt("DELETE FROM ddb_kinesis_outbox WHERE seq = ?");
    this.transaction(() => {
      for (const seq of seqs) del.run(seq);
    });
  }

  /** Stream records are kept 24 hours, like DynamoDB Streams. */
  trimStreams(olderThanMs: number): void {
    this.stmt("DELETE FROM ddb_stream_records WHERE created < ?").run(olderThanMs);
  }
}

const NO_PK = Buffer.alloc(0);

function partitionSql(index: IndexMeta | undefined, range: RangeBounds, forward: boolean, after: boolean, limit: string): string {
  let where = index ? "tid = ? AND idx = ? AND hk = ?" : "tid = ? AND hk = ?";
  if (range.lo) where += range.lo.inclusive ? " AND rk >= ?" : " AND rk > ?";
  if (range.hi) where += range.hi.inclusive ? " AND rk <= ?" : " AND rk < ?";
  const cmp = forward ? ">" : "<";
  if (after) where += index ? ` AND (rk, pk) ${cmp} (?, ?)` : ` AND rk ${cmp} ?`;
  const dir = forward ? "ASC" : "DESC";
  const table = index ? "ddb_index_items" : "ddb_items";
  // An LSI page may need the table key (pk) to fetch the full item; nothing else does.
  const cols = index?.kind === "LSI" ? "pk, item, size" : "item, size";
  const order = index ? `rk ${dir}, pk ${dir}` : `rk ${dir}`;
  return `SELECT ${cols} FROM ${table} WHERE ${where} ORDER BY ${order}${limit ? ` LIMIT ${limit}` : ""}`;
}

function ttlOf(meta: TableMeta, item: Item): number | null {
  if (!meta.ttl?.enabled) return null;
  const v = item[meta.ttl.AttributeName];
  if (!v || !("N" in v)) return null;
  const n = Number(v.N);
  return Number.isFinite(n) ? n : null;
}

function addPending(map: Map<number, Map<string, [number, number]>>, tid: number, idx: string, items: number, bytes: number): void {
  let byIdx = map.get(tid);
  if (!byIdx) map.set(tid, (byIdx = new Map()));
  const d = byIdx.get(idx);
  if (d) {
    d[0] += items;
    d[1] += bytes;
  } else byIdx.set(idx, [items, bytes]);
}

/**
 * Rows whose statement is opened only when a loop starts over them. An open SQLite
 * iterator keeps its statement busy, and while it is, every write on the connection fails
 * ("This database connection is busy executing a query"): one forgotten iterator wedges
 * the whole service. A `for…of` closes its iterator on every way out (break, return,
 * throw), so opening the statement inside the loop, never before it, leaves no gap in
 * which a validation error could strand it.
 */
function openedOnIteration<T>(open: () => IterableIterator<T>): Iterable<T> {
  return { [Symbol.iterator]: open };
}
