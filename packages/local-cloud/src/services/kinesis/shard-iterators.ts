/**
 * Shard iterators: opaque tokens naming a stream (by name and creation time, so an
 * iterator of a deleted and re-created stream is refused), a shard and the position to
 * read after. They expire five minutes after they are issued, as Kinesis's do.
 */
import { expiredIterator, invalidArgument } from "./errors.js";

export const ITERATOR_LIFETIME_MS = 300_000;

export interface ShardPosition {
  stream: string;
  created: number;
  shard: number;
  /** Read records with a greater position. */
  after: number;
}

interface Token extends ShardPosition {
  issued: number;
}

export function encodeIterator(at: ShardPosition, now = Date.now()): string {
  const token: Token = { ...at, issued: now };
  return Buffer.from(JSON.stringify([token.stream, token.created, token.shard, token.after, token.issued])).toString("base64");
}

/** The position an iterator names; InvalidArgumentException or ExpiredIteratorException otherwise. */
export function decodeIterator(text: string, now = Date.now()): ShardPosition {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 5 || typeof parts[0] !== "string" || !parts.slice(1).every((n) => Number.isSafeInteger(n))) {
    throw invalidArgument(`Invalid ShardIterator.`);
  }
  const [stream, created, shard, after, issued] = parts as [string, number, number, number, number];
  if (now - issued > ITERATOR_LIFETIME_MS) throw expiredIterator(issued, now, ITERATOR_LIFETIME_MS);
  return { stream, created, shard, after };
}
