/**
 * How a stream's shards divide the 128-bit hash key space, how a record finds its
 * shard (the MD5 of its partition key, read as an unsigned big-endian integer, unless an
 * explicit hash key is given), and the shard ids and sequence numbers Kinesis shows.
 */
import { createHash } from "node:crypto";

/** 2^128: the size of the hash key space. */
const KEY_SPACE = 1n << 128n;
export const MAX_HASH_KEY = KEY_SPACE - 1n;

export interface HashKeyRange {
  start: bigint;
  end: bigint;
}

/** Shard `index` of `count` evenly split shards (the last takes the remainder, as CreateStream splits). */
export function hashKeyRange(index: number, count: number): HashKeyRange {
  const width = KEY_SPACE / BigInt(count);
  const start = width * BigInt(index);
  const end = index === count - 1 ? MAX_HASH_KEY : start + width - 1n;
  return { start, end };
}

export function hashOfPartitionKey(partitionKey: string): bigint {
  return BigInt("0x" + createHash("md5").update(partitionKey, "utf8").digest("hex"));
}

/** The index of the shard whose range holds `hash`. */
export function shardIndexFor(hash: bigint, count: number): number {
  const width = KEY_SPACE / BigInt(count);
  return Math.min(count - 1, Number(hash / width));
}

/** "shardId-000000000003". */
export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, "0")}`;
}

/** The index of a shard id this stream could have, or undefined. */
export function shardIndexOf(shardId: string, count: number): number | undefined {
  const m = /^shardId-(\d{12})$/.exec(shardId);
  if (!m) return undefined;
  const index = Number(m[1]);
  return index < count ? index : undefined;
}

/**
 * Sequence numbers are 56 decimal digits, as Kinesis's are: a fixed lead, the shard's
 * index and the record's position in the store (increasing with every write, so
 * increasing within each shard). A sequence number therefore says which shard it
 * belongs to, which is what AT/AFTER_SEQUENCE_NUMBER checks.
 */
const LEAD = 49n * 10n ** 54n;
const SHARD_UNIT = 10n ** 36n;

export function sequenceNumberOf(shardIndex: number, position: number): string {
  return (LEAD + BigInt(shardIndex) * SHARD_UNIT + BigInt(position)).toString();
}

export function parseSequenceNumber(text: string): { shardIndex: number; position: number } | undefined {
  if (!/^\d{56}$/.test(text)) return undefined;
  const rest = BigInt(text) - LEAD;
  if (rest < 0n) return undefined;
  const shardIndex = rest / SHARD_UNIT;
  const position = rest % SHARD_UNIT;
  if (shardIndex > 1_000_000n || position > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { shardIndex: Number(shardIndex), position: Number(position) };
}
