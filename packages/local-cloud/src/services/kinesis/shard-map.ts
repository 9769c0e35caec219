/**
 * A stream's shards as rows (store.ts): the evenly split shards a stream starts with,
 * the open shard whose hash key range takes a record, and how a shard is described
 * (its parents, and once closed, its ending sequence number and its children).
 */
import { hashKeyRange, sequenceNumberOf, shardIdOf } from "./shard-layout.js";
import type { ShardRow } from "./store.js";

export function initialShards(count: number, created: number): ShardRow[] {
  return Array.from({ length: count }, (_, idx) => {
    const range = hashKeyRange(idx, count);
    return { idx, hash_start: range.start.toString(), hash_end: range.end.toString(), parent: null, adjacent_parent: null, start_position: 0, end_position: null, created, closed: null };
  });
}

export function isOpen(shard: ShardRow): boolean {
  return shard.end_position === null;
}

/** The open shard whose hash key range holds `hash` (open shards always cover the whole key space). */
export function openShardFor(shards: readonly ShardRow[], hash: bigint): ShardRow {
  const shard = shards.find((s) => isOpen(s) && BigInt(s.hash_start) <= hash && hash <= BigInt(s.hash_end));
  if (!shard) throw new Error(`no open shard holds hash key ${hash}`);
  return shard;
}

/** The shard a shard id names, if the stream has it. */
export function shardById(shards: readonly ShardRow[], shardId: string): ShardRow | undefined {
  const m = /^shardId-(\d{12})$/.exec(shardId);
  return m ? shards.find((s) => s.idx === Number(m[1])) : undefined;
}

export function childrenOf(shards: readonly ShardRow[], idx: number): ShardRow[] {
  return shards.filter((s) => s.parent === idx || s.adjacent_parent === idx);
}

export function describeShard(shard: ShardRow) {
  return {
    ShardId: shardIdOf(shard.idx),
    ...(shard.parent !== null ? { ParentShardId: shardIdOf(shard.parent) } : {}),
    ...(shard.adjacent_parent !== null ? { AdjacentParentShardId: shardIdOf(shard.adjacent_parent) } : {}),
    HashKeyRange: { StartingHashKey: shard.hash_start, EndingHashKey: shard.hash_end },
    SequenceNumberRange: {
      StartingSequenceNumber: sequenceNumberOf(shard.idx, shard.start_position),
      ...(shard.end_position !== null ? { EndingSequenceNumber: sequenceNumberOf(shard.idx, shard.end_position) } : {}),
    },
  };
}

/** GetRecords' ChildShards entry for a child of a closed shard. */
export function describeChild(child: ShardRow) {
  const parents = [child.parent, child.adjacent_parent].filter((p): p is number => p !== null);
  return { ShardId: shardIdOf(child.idx), ParentShards: parents.map(shardIdOf), HashKeyRange: { StartingHashKey: child.hash_start, EndingHashKey: child.hash_end } };
}

export interface ShardFilter {
  Type: string;
  ShardId?: string;
  /** Epoch ms. */
  timestampMs?: number;
}

/** Was the shard open at `ms`? (Shards a stream starts with count as open since its creation and before.) */
function openAt(shard: ShardRow, ms: number): boolean {
  return (shard.parent === null && shard.adjacent_parent === null ? true : shard.created <= ms) && (shard.closed === null || shard.closed > ms);
}

/**
 * ListShards' ShardFilter: the shards open now (AT_LATEST), open at the trim horizon or a
 * time (AT_…), those plus every shard created since (FROM_…), or those after a shard id.
 */
export function filterShards(shards: readonly ShardRow[], filter: ShardFilter, trimHorizonMs: number): ShardRow[] {
  switch (filter.Type) {
    case "AT_LATEST":
      return shards.filter(isOpen);
    case "AFTER_SHARD_ID":
      return shards.filter((s) => shardIdOf(s.idx) > filter.ShardId!);
    case "AT_TRIM_HORIZON":
      return shards.filter((s) => openAt(s, trimHorizonMs));
    case "FROM_TRIM_HORIZON":
      return shards.filter((s) => openAt(s, trimHorizonMs) || s.created > trimHorizonMs);
    case "AT_TIMESTAMP":
      return shards.filter((s) => openAt(s, filter.timestampMs!));
    case "FROM_TIMESTAMP":
      return shards.filter((s) => openAt(s, filter.timestampMs!) || s.created > filter.timestampMs!);
    default:
      return [...shards];
  }
}
