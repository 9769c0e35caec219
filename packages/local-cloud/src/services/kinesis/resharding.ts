/**
 * Resharding: SplitShard, MergeShards and UpdateShardCount (UNIFORM_SCALING). The parent
 * shards close at the newest position (their EndingSequenceNumber) and keep their
 * records; the children take new writes for their hash key ranges at once. The stream
 * then reports UPDATING for a moment, during which another reshard is refused with
 * ResourceInUseException, as Kinesis refuses one while it is still resharding.
 */
import { ACCOUNT_ID } from "../../types.js";
import { requireActiveStream, type KinesisContext, type StreamNaming } from "./context.js";
import { invalidArgument, limitExceeded, shardNotFound, validationException } from "./errors.js";
import { MAX_HASH_KEY, hashKeyRange } from "./shard-layout.js";
import { isOpen, shardById } from "./shard-map.js";
import type { ShardRow, StreamRow } from "./store.js";
import { ACCOUNT_SHARD_LIMIT } from "./streams.js";

/** How long a stream reports UPDATING after a reshard. */
export const RESHARD_SETTLE_MS = 250;
/** Kinesis's ceiling on one stream's shards. */
const MAX_SHARDS_PER_STREAM = 10_000;

type NewShard = Omit<ShardRow, "start_position" | "end_position" | "closed">;

export class ReshardOperations {
  constructor(private readonly c: KinesisContext) {}

  SplitShard(input: StreamNaming & { ShardToSplit: string; NewStartingHashKey: string }): Record<string, never> {
    const row = requireActiveStream(this.c, input);
    const shards = this.c.store.shards(row.name);
    const parent = this.openShard(row, shards, input.ShardToSplit);
    if (!/^\d+$/.test(input.NewStartingHashKey) || BigInt(input.NewStartingHashKey) > MAX_HASH_KEY) {
      throw invalidArgument(`NewStartingHashKey ${input.NewStartingHashKey} must be an integer in the range [0, 2^128-1].`);
    }
    const split = BigInt(input.NewStartingHashKey);
    const start = BigInt(parent.hash_start);
    const end = BigInt(parent.hash_end);
    if (split <= start || split > end) {
      throw invalidArgument(
        `NewStartingHashKey ${split} used in SplitShard on shard ${input.ShardToSplit} in stream ${row.name} under account ${ACCOUNT_ID} must be greater than the shard's StartingHashKey ${start} and at most its EndingHashKey ${end}.`,
      );
    }
    this.checkAccountLimit(row, 1);
    const next = nextIndex(shards);
    const now = Date.now();
    const child = (idx: number, from: bigint, to: bigint): NewShard => ({ idx, hash_start: from.toString(), hash_end: to.toString(), parent: parent.idx, adjacent_parent: null, created: now });
    this.apply(row, [parent.idx], [child(next, start, split - 1n), child(next + 1, split, end)]);
    return {};
  }

  MergeShards(input: StreamNaming & { ShardToMerge: string; AdjacentShardToMerge: string }): Record<string, never> {
    const row = requireActiveStream(this.c, input);
    const shards = this.c.store.shards(row.name);
    const a = this.openShard(row, shards, input.ShardToMerge);
    const b = this.openShard(row, shards, input.AdjacentShardToMerge);
    const [low, high] = BigInt(a.hash_start) < BigInt(b.hash_start) ? [a, b] : [b, a];
    if (BigInt(low.hash_end) + 1n !== BigInt(high.hash_start)) {
      throw invalidArgument(`Shards ${input.ShardToMerge} and ${input.AdjacentShardToMerge} in stream ${row.name} under account ${ACCOUNT_ID} are not an adjacent pair of shards eligible for merging.`);
    }
    const merged: NewShard = { idx: nextIndex(shards), hash_start: low.hash_start, hash_end: high.hash_end, parent: a.idx, adjacent_parent: b.idx, created: Date.now() };
    this.apply(row, [a.idx, b.idx], [merged]);
    return {};
  }

  /**
   * UNIFORM_SCALING: every open shard closes and the target count of evenly split shards
   * opens; each new shard names the (at most two, first by hash key) closed shards its
   * range overlaps as its parents.
   */
  UpdateShardCount(input: StreamNaming & { TargetShardCount: number; ScalingType: string }) {
    const row = requireActiveStream(this.c, input);
    if (row.mode === "ON_DEMAND") throw validationException(`UpdateShardCount is not supported for stream ${row.name} under account ${ACCOUNT_ID} because it is in ON_DEMAND mode.`);
    const current = row.shard_count;
    const target = input.TargetShardCount;
    if (target > current * 2) throw limitExceeded(`UpdateShardCount cannot scale stream ${row.name} under account ${ACCOUNT_ID} to more than double its current shard count (${current}); requested ${target}.`);
    if (target * 2 < current) throw limitExceeded(`UpdateShardCount cannot scale stream ${row.name} under account ${ACCOUNT_ID} to less than half its current shard count (${current}); requested ${target}.`);
    if (target > MAX_SHARDS_PER_STREAM) throw limitExceeded(`A stream cannot have more than ${MAX_SHARDS_PER_STREAM} shards; requested ${target}.`);
    const shards = this.c.store.shards(row.name);
    if (target !== current) {
      this.checkAccountLimit(row, target - current);
      const open = shards.filter(isOpen);
      const first = nextIndex(shards);
      const now = Date.now();
      const added = Array.from({ length: target }, (_, i): NewShard => {
        const range = hashKeyRange(i, target);
        const parents = open.filter((p) => BigInt(p.hash_start) <= range.end && range.start <= BigInt(p.hash_end));
        return { idx: first + i, hash_start: range.start.toString(), hash_end: range.end.toString(), parent: parents[0]?.idx ?? null, adjacent_parent: parents[1]?.idx ?? null, created: now };
      });
      this.apply(row, open.map((s) => s.idx), added);
    }
    return { StreamName: row.name, CurrentShardCount: current, TargetShardCount: target, StreamARN: `arn:aws:kinesis:${this.c.region}:${ACCOUNT_ID}:stream/${row.name}` };
  }

  private openShard(row: StreamRow, shards: readonly ShardRow[], shardId: string): ShardRow {
    const shard = shardById(shards, shardId);
    if (!shard) throw shardNotFound(shardId, row.name);
    if (!isOpen(shard)) throw invalidArgument(`Shard ${shardId} in stream ${row.name} under account ${ACCOUNT_ID} has already been merged or split, and thus is not eligible for merging or splitting.`);
    return shard;
  }

  private checkAccountLimit(row: StreamRow, more: number): void {
    const open = this.c.store.streams().reduce((n, s) => n + s.shard_count, 0);
    if (open + more > ACCOUNT_SHARD_LIMIT) {
      throw limitExceeded(`This request would exceed the shard limit for the account ${ACCOUNT_ID} in ${this.c.region}. Current shard count for the account: ${open}. Limit: ${ACCOUNT_SHARD_LIMIT}. Number of additional shards that would have resulted from this request: ${more}.`);
    }
  }

  private apply(row: StreamRow, closing: number[], added: NewShard[]): void {
    this.c.store.reshard(row.name, closing, added, Date.now());
    this.c.updatingUntil.set(row.name, Date.now() + RESHARD_SETTLE_MS);
  }
}

function nextIndex(shards: readonly ShardRow[]): number {
  return shards.reduce((max, s) => Math.max(max, s.idx), -1) + 1;
}
