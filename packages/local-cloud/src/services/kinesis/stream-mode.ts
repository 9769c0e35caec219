/**
 * UpdateStreamMode: a stream's capacity mode, PROVISIONED ↔ ON_DEMAND. The shards stay as
 * they are (on AWS an on-demand stream then scales itself; locally there is no load to
 * scale for); what changes is what the mode governs here: per-shard write limits apply to
 * provisioned streams only, and UpdateShardCount is refused on an on-demand one. The
 * stream reports UPDATING for a moment, as after a reshard, and Kinesis's limit of two
 * mode changes a stream in 24 hours holds across restarts (the changes are stored).
 */
import { ACCOUNT_ID } from "../../types.js";
import { requireActiveStream, type KinesisContext, type StreamNaming } from "./context.js";
import { invalidArgument, limitExceeded, validationException } from "./errors.js";
import { RESHARD_SETTLE_MS } from "./resharding.js";
import type { StreamRow } from "./store.js";

/** Kinesis lets a stream change its capacity mode twice in a rolling day. */
export const MODE_CHANGES_PER_DAY = 2;
const DAY_MS = 24 * 3_600_000;

export class StreamModeOperations {
  constructor(private readonly c: KinesisContext) {}

  /** WarmThroughputMiBps is capacity planning for on-demand streams: taken, with nothing to plan locally. */
  UpdateStreamMode(input: StreamNaming & { StreamModeDetails: { StreamMode: string }; WarmThroughputMiBps?: number }): Record<string, never> {
    const row = requireActiveStream(this.c, input);
    const mode = input.StreamModeDetails.StreamMode as StreamRow["mode"];
    if (input.WarmThroughputMiBps !== undefined && mode !== "ON_DEMAND") {
      throw validationException(`WarmThroughputMiBps can only be set when the stream mode is updated to ON_DEMAND; stream ${row.name} under account ${ACCOUNT_ID} is being updated to ${mode}.`);
    }
    if (row.mode === mode) throw invalidArgument(`Stream ${row.name} under account ${ACCOUNT_ID} is already in ${mode} mode.`);
    const now = Date.now();
    if (this.c.store.modeChangesSince(row.name, now - DAY_MS) >= MODE_CHANGES_PER_DAY) {
      throw limitExceeded(`Stream ${row.name} under account ${ACCOUNT_ID} has already changed its capacity mode ${MODE_CHANGES_PER_DAY} times in the last 24 hours, the most allowed.`);
    }
    this.c.store.changeMode(row.name, mode, now);
    this.c.updatingUntil.set(row.name, now + RESHARD_SETTLE_MS);
    return {};
  }
}
