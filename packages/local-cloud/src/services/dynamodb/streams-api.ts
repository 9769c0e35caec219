/**
 * The DynamoDB Streams API (DynamoDBStreams_20120810): ListStreams, DescribeStream,
 * GetShardIterator, GetRecords. One shard per stream. A shard iterator is an opaque
 * base64 token holding the stream ARN, shard id and the sequence position to read after,
 * so GetRecords is one indexed range read (cheap when there is nothing new).
 */
import type { OpEnv } from "./env.js";
import type { TableMeta } from "./table-meta.js";
import { streamArn } from "./table-meta.js";
import { formatSequenceNumber, parseSequenceNumber, shardIdFor } from "./stream-records.js";
import { validation, resourceNotFound, AwsError } from "./errors.js";
import { violationMessage } from "../../wire/constraints.js";

interface StreamRef {
  arn: string;
  tableName: string;
  label: string;
  /** The table's current stream (others are disabled/old). */
  meta?: TableMeta;
}

function parseStreamArn(env: OpEnv, arn: unknown): StreamRef {
  const m = typeof arn === "string" ? /^arn:aws:dynamodb:[^:]+:\d{12}:table\/([^/]+)\/stream\/(.+)$/.exec(arn) : null;
  if (!m) throw validation(`Invalid StreamArn`);
  const meta = env.store.table(m[1]!);
  const current = meta?.stream && meta.stream.label === m[2] ? meta : undefined;
  return { arn: arn as string, tableName: m[1]!, label: m[2]!, meta: current };
}

function requireStream(env: OpEnv, arn: unknown): StreamRef {
  const ref = parseStreamArn(env, arn);
  if (!ref.meta && !env.store.streamBounds(ref.arn)) throw resourceNotFound(`Requested resource not found: Stream: ${String(arn)} not found`);
  return ref;
}

export function listStreams(env: OpEnv, input: any): any {
  const streams: any[] = [];
  for (const name of env.store.tableNames()) {
    if (input?.TableName && name !== input.TableName) continue;
    const meta = env.store.table(name)!;
    if (!meta.stream) continue;
    streams.push({ StreamArn: streamArn(meta, env.region), TableName: name, StreamLabel: meta.stream.label });
  }
  if (input?.TableName && !env.store.table(input.TableName)) throw resourceNotFound(`Requested resource not found: Table: ${input.TableName} not found`);
  let list = streams;
  if (input?.ExclusiveStartStreamArn) {
    const i = list.findIndex((s) => s.StreamArn === input.ExclusiveStartStreamArn);
    list = list.slice(i + 1);
  }
  const limit = input?.Limit ?? 100;
  const out: any = { Streams: list.slice(0, limit) };
  if (list.length > limit) out.LastEvaluatedStreamArn = list[limit - 1].StreamArn;
  return out;
}

export function describeStream(env: OpEnv, input: any): any {
  const ref = requireStream(env, input?.StreamArn);
  const enabled = !!ref.meta?.stream?.StreamEnabled;
  const bounds = env.store.streamBounds(ref.arn);
  const shard: any = {
    ShardId: shardIdFor(ref.label),
    SequenceNumberRange: { StartingSequenceNumber: formatSequenceNumber(bounds?.first ?? env.store.lastSequence() + 1) },
  };
  if (!enabled && bounds) shard.SequenceNumberRange.EndingSequenceNumber = formatSequenceNumber(bounds.last);
  const meta = ref.meta ?? env.store.table(ref.tableName);
  const description: any = {
    StreamArn: ref.arn,
    StreamLabel: ref.label,
    StreamStatus: enabled ? "ENABLED" : "DISABLED",
    StreamViewType: ref.meta?.stream?.StreamViewType ?? "NEW_AND_OLD_IMAGES",
    CreationRequestDateTime: Date.parse(ref.label + "Z") / 1000,
    TableName: ref.tableName,
    Shards: [shard],
  };
  if (meta) description.KeySchema = meta.keySchema;
  return { StreamDescription: description };
}

interface IteratorState {
  a: string;
  s: string;
  /** Read records with seq > p. */
  p: number;
  /** Issued at (ms): shard iterators expire after 15 minutes, as in DynamoDB Streams. */
  t: number;
}

const ITERATOR_TTL_MS = 15 * 60 * 1000;

function encodeIterator(state: IteratorState): string {
  return Buffer.from(JSON.stringify(state)).toString("base64");
}

function decodeIterator(token: unknown): IteratorState {
  try {
    const s = JSON.parse(Buffer.from(String(token), "base64").toString("utf8"));
    if (typeof s.a === "string" && typeof s.s === "string" && typeof s.p === "number" && typeof s.t === "number") return s;
  } catch {
    /* fall through */
  }
  throw validation("Invalid ShardIterator");
}

export function getShardIterator(env: OpEnv, input: any): any {
  const ref = requireStream(env, input?.StreamArn);
  const shardId = shardIdFor(ref.label);
  if (input.ShardId !== shardId) throw resourceNotFound(`Requested resource not found: Shard does not exist`);
  const type = input.ShardIteratorType;
  let p: number;
  const seqArg = () => {
    if (typeof input.SequenceNumber !== "string") throw validation(`SequenceNumber is required for ${type}`);
    const n = parseSequenceNumber(input.SequenceNumber);
    if (n === null) throw validation(`Invalid SequenceNumber: ${input.SequenceNumber}`);
    return n;
  };
  switch (type) {
    case "TRIM_HORIZON":
      p = 0;
      break;
    case "LATEST":
      p = env.store.lastSequence();
      break;
    case "AT_SEQUENCE_NUMBER":
      p = seqArg() - 1;
      break;
    case "AFTER_SEQUENCE_NUMBER":
      p = seqArg();
      break;
    default:
      throw validation(violationMessage(type, "shardIteratorType", "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"));
  }
  return { ShardIterator: encodeIterator({ a: ref.arn, s: shardId, p, t: Date.now() }) };
}

export function getRecords(env: OpEnv, input: any): any {
  const state = decodeIterator(input?.ShardIterator);
  env.authorize("dynamodb:GetRecords", state.a);
  if (Date.now() - state.t > ITERATOR_TTL_MS) {
    throw new AwsError("ExpiredIteratorException", "Iterator expired. The iterator was created over 15 minutes ago.", 400);
  }
  const limit = input.Limit ?? 1000;
  if (!(limit >= 1 && limit <= 1000)) throw validation(violationMessage(limit, "limit", "Member must have value less than or equal to 1000"));
  const rows = env.store.streamRecords(state.a, state.p, limit);
  const records = rows.map((r) => JSON.parse(r.record));
  const last = rows.length ? rows[rows.length - 1]!.seq : state.p;
  const ref = parseStreamArn(env, state.a);
  const out: any = { Records: records };
  // A disabled stream's shard is closed: once drained, no next iterator.
  if (ref.meta?.stream?.StreamEnabled || rows.length) out.NextShardIterator = encodeIterator({ ...state, p: last, t: Date.now() });
  return out;
}

