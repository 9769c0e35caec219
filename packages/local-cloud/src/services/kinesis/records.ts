/**
 * The stream data plane: PutRecord / PutRecords route each record to the shard whose
 * hash key range holds its partition key's MD5 (or its explicit hash key) and commit it
 * before answering; GetShardIterator / GetRecords read a shard in order from any
 * starting point.
 */
import { ACCOUNT_ID } from "../../types.js";
import { violationMessage } from "../../wire/constraints.js";
import { requireStream, streamArn, type KinesisContext, type StreamNaming } from "./context.js";
import { dryRunOperation, invalidArgument, shardNotFound, streamNotFound, throughputExceeded, validationException } from "./errors.js";
import { decodeIterator, encodeIterator } from "./shard-iterators.js";
import { MAX_HASH_KEY, hashOfPartitionKey, parseSequenceNumber, sequenceNumberOf, shardIdOf } from "./shard-layout.js";
import { childrenOf, describeChild, isOpen, openShardFor, shardById } from "./shard-map.js";
import type { NewRecord, ShardRow, StreamRow } from "./store.js";

/** A PutRecords request's records together (or one record, when the stream takes larger ones). */
export const MAX_PUT_RECORDS_BYTES = 5 * 1024 * 1024;
/** What one GetRecords call returns at most. */
const MAX_GET_RECORDS_BYTES = 10 * 1024 * 1024;

interface Entry {
  /** Base64 text as the wire delivers it (bytes from in-process callers are made so too). */
  Data: string | Uint8Array;
  PartitionKey?: string;
  ExplicitHashKey?: string;
}

interface Placed extends NewRecord {
  bytes: number;
}

/** A record's (open) shard and bytes, or InvalidArgumentException for a record Kinesis would refuse. */
function place(row: StreamRow, shards: readonly ShardRow[], entry: Entry, path: string): Placed {
  if (entry.PartitionKey === undefined) throw validationException(violationMessage(null, `${path}partitionKey`, "Member must not be null"));
  const data = typeof entry.Data === "string" ? Buffer.from(entry.Data, "base64") : Buffer.from(entry.Data);
  const bytes = data.length + Buffer.byteLength(entry.PartitionKey, "utf8");
  const max = row.max_record_kib * 1024;
  if (bytes > max) throw invalidArgument(`Record size ${bytes} bytes (data plus partition key) exceeds the maximum record size of ${max} bytes of stream ${row.name}.`);
  let hash: bigint;
  if (entry.ExplicitHashKey !== undefined) {
    hash = BigInt(entry.ExplicitHashKey);
    if (hash > MAX_HASH_KEY) throw invalidArgument(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${entry.ExplicitHashKey}`);
  } else {
    hash = hashOfPartitionKey(entry.PartitionKey);
  }
  return { shard: openShardFor(shards, hash).idx, partitionKey: entry.PartitionKey, data, bytes };
}

interface DryRun {
  DryRun?: boolean;
}

/** DryRun: every check made, nothing done; the answer says the request would have gone through. */
function refuseDryRun(input: DryRun): void {
  if (input.DryRun === true) throw dryRunOperation();
}

function encryptionType(row: StreamRow) {
  return row.encryption === "KMS" ? { EncryptionType: "KMS" } : {};
}

/** Epoch milliseconds of a timestamp as the wire (epoch seconds) or an in-process caller (Date) gives it. */
export function epochMillis(t: unknown): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === "number") return t * 1000;
  if (typeof t === "string") return /^\d+(\.\d+)?$/.test(t) ? Number(t) * 1000 : Date.parse(t);
  return NaN;
}

export class RecordOperations {
  constructor(private readonly c: KinesisContext) {}

  PutRecord(input: StreamNaming & Entry & DryRun & { SequenceNumberForOrdering?: string }) {
    const row = requireStream(this.c, input);
    const record = place(row, this.c.store.shards(row.name), input, "");
    refuseDryRun(input);
    if (!this.admit(row, record)) throw throughputExceeded(shardIdOf(record.shard), row.name);
    const [position] = this.c.store.append(row.name, [record], Date.now(), row.encryption === "KMS");
    this.c.recordsAdded(streamArn(this.c.region, row.name));
    return { ShardId: shardIdOf(record.shard), SequenceNumber: sequenceNumberOf(record.shard, position!), ...encryptionType(row) };
  }

  PutRecords(input: StreamNaming & DryRun & { Records: Entry[] }) {
    const row = requireStream(this.c, input);
    const shards = this.c.store.shards(row.name);
    const placed = input.Records.map((entry, i) => place(row, shards, entry, `records.${i + 1}.member.`));
    const total = placed.reduce((n, r) => n + r.bytes, 0);
    const limit = Math.max(MAX_PUT_RECORDS_BYTES, row.max_record_kib * 1024);
    if (total > limit) throw invalidArgument(`Records size ${total} bytes exceeds the ${limit} bytes a PutRecords request may carry.`);
    refuseDryRun(input);
    // Each record is admitted or refused on its own; the refused are reported in place.
    const admitted = placed.map((r) => this.admit(row, r));
    const positions = this.c.store.append(row.name, placed.filter((_r, i) => admitted[i]), Date.now(), row.encryption === "KMS");
    if (positions.length > 0) this.c.recordsAdded(streamArn(this.c.region, row.name));
    let next = 0;
    const results = placed.map((r, i) => {
      const shardId = shardIdOf(r.shard);
      if (!admitted[i]) return { ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: throughputExceeded(shardId, row.name).message };
      return { SequenceNumber: sequenceNumberOf(r.shard, positions[next++]!), ShardId: shardId };
    });
    return { FailedRecordCount: admitted.filter((ok) => !ok).length, Records: results, ...encryptionType(row) };
  }

  GetShardIterator(input: StreamNaming & DryRun & { ShardId: string; ShardIteratorType: string; StartingSequenceNumber?: string; Timestamp?: unknown }) {
    const row = requireStream(this.c, input);
    const found = shardById(this.c.store.shards(row.name), input.ShardId);
    if (!found) throw shardNotFound(input.ShardId, row.name);
    const shard = found.idx;
    const type = input.ShardIteratorType;
    let after: number;
    switch (type) {
      case "TRIM_HORIZON":
        after = found.start_position;
        break;
      case "LATEST":
        after = found.end_position ?? this.c.store.lastPosition();
        break;
      case "AT_SEQUENCE_NUMBER":
      case "AFTER_SEQUENCE_NUMBER": {
        const text = input.StartingSequenceNumber;
        if (text === undefined) throw invalidArgument(`The StartingSequenceNumber parameter is required for ShardIteratorType ${type}.`);
        const at = parseSequenceNumber(text);
        if (!at) throw invalidArgument(`StartingSequenceNumber ${text} used in GetShardIterator on shard ${input.ShardId} in stream ${row.name} under account ${ACCOUNT_ID} is invalid.`);
        if (at.shardIndex !== shard) {
          throw invalidArgument(`Invalid StartingSequenceNumber. It encodes ${shardIdOf(at.shardIndex)}, while it was used in a call to a shard with ${input.ShardId}`);
        }
        after = type === "AT_SEQUENCE_NUMBER" ? at.position - 1 : at.position;
        break;
      }
      case "AT_TIMESTAMP": {
        if (input.Timestamp === undefined) throw invalidArgument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");
        const ms = epochMillis(input.Timestamp);
        if (!Number.isFinite(ms)) throw invalidArgument(`Invalid Timestamp: ${String(input.Timestamp)}`);
        if (ms > Date.now()) throw invalidArgument(`The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${Math.round(ms)}, currentTimestampInMillis: ${Date.now()}`);
        after = this.c.store.positionBefore(row.name, shard, ms);
        break;
      }
      default:
        throw validationException(violationMessage(type, "shardIteratorType", "Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]"));
    }
    refuseDryRun(input);
    return { ShardIterator: encodeIterator({ stream: row.name, created: row.created, shard, after: Math.max(0, after) }) };
  }

  /**
   * Reads from where an iterator points. `authorize` is the IAM check on the iterator's
   * stream, made once the iterator is known to be well formed and unexpired.
   */
  GetRecords(input: DryRun & { ShardIterator: string; Limit?: number }, authorize: (streamArn: string) => void) {
    const at = decodeIterator(input.ShardIterator);
    authorize(streamArn(this.c.region, at.stream));
    const row = this.c.store.stream(at.stream);
    if (!row || row.created !== at.created) throw streamNotFound(at.stream);
    refuseDryRun(input);
    const rows = this.c.store.read(row.name, at.shard, at.after, input.Limit ?? 10000);
    const records = [];
    let bytes = 0;
    let last = at.after;
    for (const r of rows) {
      bytes += r.data.length + Buffer.byteLength(r.partition_key);
      if (records.length > 0 && bytes > MAX_GET_RECORDS_BYTES) break;
      records.push({
        SequenceNumber: sequenceNumberOf(r.shard, r.position),
        ApproximateArrivalTimestamp: new Date(r.arrival),
        Data: r.data,
        PartitionKey: r.partition_key,
        ...(r.encrypted ? { EncryptionType: "KMS" } : {}),
      });
      last = r.position;
    }
    const next = this.c.store.nextArrival(row.name, at.shard, last);
    const shards = this.c.store.shards(row.name);
    const shard = shards.find((s) => s.idx === at.shard);
    if (shard && !isOpen(shard) && next === undefined) {
      // The end of a closed shard: no iterator on; the shards to read next instead.
      return { Records: records, MillisBehindLatest: 0, ChildShards: childrenOf(shards, shard.idx).map(describeChild) };
    }
    return {
      Records: records,
      NextShardIterator: encodeIterator({ ...at, after: last }),
      MillisBehindLatest: next === undefined ? 0 : Math.max(0, Date.now() - next),
    };
  }

  private admit(row: StreamRow, record: Placed): boolean {
    return row.mode === "ON_DEMAND" || this.c.limits.admit(row.name, record.shard, record.bytes);
  }
}
