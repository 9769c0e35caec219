/**
 * Stream → Lambda, for DynamoDB Streams and Kinesis alike: reads each shard in order
 * from the mapping's starting position, batches records (BatchSize,
 * MaximumBatchingWindowInSeconds), drops records FilterCriteria rejects, and retries a
 * failing batch in place — a shard never skips ahead of a failed record — until
 * MaximumRetryAttempts is used up. Then the batch is described to the OnFailure
 * destination (SQS) and skipped. BisectBatchOnFunctionError splits a failing batch;
 * ReportBatchItemFailures checkpoints at the first failure. What differs between the
 * two services (their API, their record shape) is a StreamSource (stream-sources.ts).
 * ParallelizationFactor deals each shard's records to that many lanes by partition key
 * (Kinesis) or item key (DynamoDB), each delivered in order, one batch at a time, all at
 * once; a lane's failing batch holds back only its own keys.
 * TumblingWindowInSeconds cuts batches at window bounds and carries the function's
 * state within a window (tumbling-window.ts).
 */
import { createHash } from "node:crypto";
import type { StoredMapping } from "../../model.js";
import { compileFilters } from "./event-filter.js";
import type { PollerDeps } from "./poller-deps.js";
import { IDLE_WAIT_MS, MAX_BACKOFF_MS, PollingLoop } from "./polling-loop.js";
import type { StreamSource } from "./stream-sources.js";
import { countInWindow, stateOfResponse, stateTooLarge, windowEvent, windowOf, type OpenWindow } from "./tumbling-window.js";

interface ShardState {
  shardId: string;
  iterator?: string;
  closed: boolean;
  /** The sequence number of the last record read: where reading resumes if the iterator expires. */
  lastSequence?: string;
  /** ParallelizationFactor lanes: records of one partition key (Kinesis) or item (DynamoDB) always go to the same lane. */
  lanes: Lane[];
  /** The read in flight, shared by whoever asks meanwhile (one iterator per shard). */
  reading?: Promise<void>;
}

/** A sequence of the shard's records delivered in order, one batch at a time. */
interface Lane {
  /** Records read but not yet delivered (the failed batch is retried from here). */
  pending: any[];
  /** Failed attempts of the batch at the head of `pending`. */
  attempts: number;
  /** Size of the batch being retried (shrinks when bisecting). */
  retrySize?: number;
  /** Epoch ms before which a failed batch (or final window invocation) is not retried. */
  retryAt: number;
  /** TumblingWindowInSeconds: the window whose state the lane carries, until its final invocation. */
  window?: OpenWindow;
  /** Failed final invocations of `window` (Lambda retries them until one succeeds). */
  finalAttempts: number;
}

function newLanes(count: number): Lane[] {
  return Array.from({ length: count }, () => ({ pending: [], attempts: 0, retryAt: 0, finalAttempts: 0 }));
}

export class StreamPoller extends PollingLoop {
  private readonly shards = new Map<string, ShardState>();
  /** Shards read to their end (or skipped): their children may be read. */
  private readonly finished = new Set<string>();
  private firstDescribe = true;

  constructor(
    mapping: StoredMapping,
    deps: PollerDeps,
    private readonly source: StreamSource,
  ) {
    super(mapping, deps);
  }

  /**
   * Reads what is available on every shard and delivers up to ParallelizationFactor
   * batches of each at once (one per lane); true when anything happened.
   */
  async pollOnce(): Promise<boolean> {
    await this.discoverShards();
    let progressed = false;
    for (const shard of this.shards.values()) {
      if (!this.running) break;
      this.resizeLanes(shard);
      await this.read(shard);
      await this.gather(shard);
      const moved = await Promise.all(shard.lanes.map((lane) => this.pollLane(shard, lane)));
      progressed = moved.includes(true) || progressed;
      // A shard read to its end: poll again at once, so its children start.
      if (shard.closed && shard.lanes.every((l) => l.pending.length === 0 && !l.window)) progressed = true;
    }
    return progressed;
  }

  /** Idle until the first retry or window end that is due, at most IDLE_WAIT_MS. */
  protected override idleWaitMs(): number {
    let until = Date.now() + IDLE_WAIT_MS;
    for (const shard of this.shards.values()) {
      for (const lane of shard.lanes) {
        if (lane.retryAt > Date.now()) until = Math.min(until, lane.retryAt);
        if (lane.window) until = Math.min(until, lane.window.endMs);
      }
    }
    return Math.max(10, until - Date.now());
  }

  private async pollLane(shard: ShardState, lane: Lane): Promise<boolean> {
    if (!this.running || Date.now() < lane.retryAt) return false;
    if (this.windowOver(shard, lane)) return this.finishWindow(shard, lane, false);
    if (lane.pending.length === 0) return false;
    return this.deliver(shard, lane);
  }

  private batchSize(): number {
    return this.mapping.BatchSize || 100;
  }

  /** A new ParallelizationFactor takes effect once the shard's lanes are drained (so no key changes lane mid-flight). */
  private resizeLanes(shard: ShardState): void {
    const count = this.mapping.ParallelizationFactor || 1;
    if (shard.lanes.length === count) return;
    if (shard.lanes.every((l) => l.pending.length === 0 && !l.window)) shard.lanes = newLanes(count);
  }

  private async discoverShards(): Promise<void> {
    const listed = await this.source.shards();
    const known = new Set(listed.map((s) => s.shardId));
    for (const s of listed) {
      if (this.shards.has(s.shardId) || this.finished.has(s.shardId)) continue;
      // LATEST applies to shards open when the mapping starts; later shards are read from their start.
      const type = this.firstDescribe ? (this.mapping.StartingPosition ?? "LATEST") : "TRIM_HORIZON";
      if (this.firstDescribe && type === "LATEST" && s.closed) {
        this.finished.add(s.shardId);
        continue;
      }
      // After a reshard, a child waits until its parents are read to their end, so each key stays in order.
      if (s.waitFor.some((p) => known.has(p) && !this.finished.has(p))) continue;
      const timestamp = type === "AT_TIMESTAMP" ? this.mapping.StartingPositionTimestamp : undefined;
      const iterator = await this.source.iterator(s.shardId, type, timestamp);
      this.shards.set(s.shardId, { shardId: s.shardId, iterator, closed: false, lanes: newLanes(this.mapping.ParallelizationFactor || 1) });
    }
    this.firstDescribe = false;
    for (const shard of this.shards.values()) {
      if (shard.closed && shard.lanes.every((l) => l.pending.length === 0 && !l.window)) {
        this.finished.add(shard.shardId);
        this.shards.delete(shard.shardId);
      }
    }
  }

  private read(shard: ShardState): Promise<void> {
    shard.reading ??= this.readNow(shard).finally(() => (shard.reading = undefined));
    return shard.reading;
  }

  /** Reads on while the lanes hold less than a batch each, and deals the records to their lanes. */
  private async readNow(shard: ShardState): Promise<void> {
    const waiting = shard.lanes.reduce((n, l) => n + l.pending.length, 0);
    const want = this.batchSize() * shard.lanes.length - waiting;
    if (want <= 0 || !shard.iterator) return;
    let out;
    try {
      out = await this.source.read(shard.shardId, shard.iterator, want);
    } catch (err: any) {
      // Iterators expire (Kinesis: 5 minutes, DynamoDB Streams: 15) while a failing batch is
      // retried without reading on: take a new one just after what was read.
      if (err?.code !== "ExpiredIteratorException") throw err;
      shard.iterator = shard.lastSequence
        ? await this.source.iterator(shard.shardId, "AFTER_SEQUENCE_NUMBER", undefined, shard.lastSequence)
        : await this.source.iterator(shard.shardId, "TRIM_HORIZON");
      if (!shard.iterator) return;
      out = await this.source.read(shard.shardId, shard.iterator, want);
    }
    shard.iterator = out.next;
    if (!shard.iterator) shard.closed = true;
    for (const record of out.records) shard.lanes[laneOf(this.source.orderKeyOf(record), shard.lanes.length)].pending.push(record);
    if (out.records.length > 0) shard.lastSequence = this.source.sequenceOf(out.records[out.records.length - 1]);
  }

  /**
   * MaximumBatchingWindowInSeconds: with records waiting but no full batch (and no retry
   * due), reads on until a lane's batch fills or the window passes.
   */
  private async gather(shard: ShardState): Promise<void> {
    const size = this.batchSize();
    const windowMs = (this.mapping.MaximumBatchingWindowInSeconds || 0) * 1000;
    const ready = () => shard.lanes.some((l) => l.pending.length >= size || (l.attempts > 0 && l.pending.length > 0));
    if (windowMs === 0 || shard.lanes.every((l) => l.pending.length === 0) || ready()) return;
    const deadline = Date.now() + windowMs;
    while (this.running && !ready() && Date.now() < deadline) {
      await this.waiter.wait(Math.min(200, deadline - Date.now()));
      await this.read(shard);
    }
  }

  /** Delivers the batch at the head of the lane; true when the lane moved forward. */
  private async deliver(shard: ShardState, lane: Lane): Promise<boolean> {
    if (await this.discardExpired(shard, lane)) return true;
    let size = Math.min(lane.retrySize ?? this.batchSize(), this.batchSize());
    const windowSeconds = this.mapping.TumblingWindowInSeconds || 0;
    const window = windowSeconds > 0 ? windowOf(this.source.arrivalOf(lane.pending[0]), windowSeconds) : undefined;
    if (window) {
      // A batch never spans two windows, and a window's final invocation comes before the next window's records.
      if (lane.window && lane.window.startMs !== window.startMs) return this.finishWindow(shard, lane, false);
      size = Math.min(size, countInWindow(lane.pending, window, (r) => this.source.arrivalOf(r)));
    }
    const batch = lane.pending.slice(0, size);
    const filter = compileFilters(this.mapping.FilterCriteria);
    const matched = filter ? batch.filter((r) => filter(this.source.filterView(r))) : batch;
    if (matched.length === 0) {
      lane.pending.splice(0, batch.length);
      return true;
    }

    let done = batch.length; // how many records at the head are finished
    let failed = false;
    try {
      const event = window
        ? windowEvent(matched, window, lane.window?.state ?? {}, shard.shardId, this.mapping.EventSourceArn, { final: false, terminatedEarly: false })
        : { Records: matched };
      const result = await this.deps.invoke(this.mapping.FunctionArn, event);
      const state = window && result.status === "success" ? stateOfResponse(result.payload) : undefined;
      if (result.status !== "success" || (window && !state)) {
        // With a tumbling window, an answer without a `state` is a failed invocation.
        failed = true;
        done = 0;
      } else if (this.mapping.FunctionResponseTypes?.includes("ReportBatchItemFailures")) {
        const first = firstFailure(result.payload, batch, this.source);
        if (first !== undefined) {
          done = first;
          failed = true;
        }
      }
      if (window && state) {
        lane.window = { ...window, state };
        if (stateTooLarge(state)) await this.finishWindow(shard, lane, true);
      }
    } catch (err: any) {
      // The function is gone: keep the records and back off.
      this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
      throw err;
    }

    if (!failed) {
      lane.pending.splice(0, batch.length);
      lane.attempts = 0;
      lane.retrySize = undefined;
      this.deps.reportResult(this.mapping.UUID, "OK");
      return true;
    }

    this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
    lane.pending.splice(0, done);
    const failedCount = batch.length - done;
    if (this.mapping.BisectBatchOnFunctionError && failedCount > 1) {
      // Split and retry the halves; like Lambda, splitting doesn't use up retry attempts.
      lane.retrySize = Math.ceil(failedCount / 2);
      return true;
    }
    lane.attempts++;
    const maxRetries = this.mapping.MaximumRetryAttempts ?? -1;
    if (maxRetries >= 0 && lane.attempts > maxRetries) {
      const failedBatch = lane.pending.splice(0, Math.max(1, failedCount));
      await this.sendToFailureDestination(shard, failedBatch, lane.attempts);
      lane.attempts = 0;
      lane.retrySize = undefined;
      return true;
    }
    // Back off a little between retries of the same batch; the other lanes go on meanwhile.
    lane.retryAt = Date.now() + backoffMs(lane.attempts);
    return false;
  }

  /** The lane's window has ended (or its shard has) and none of its records wait to be delivered. */
  private windowOver(shard: ShardState, lane: Lane): boolean {
    const window = lane.window;
    if (!window) return false;
    if (Date.now() < window.endMs && !shard.closed) return false;
    return countInWindow(lane.pending, window, (r) => this.source.arrivalOf(r)) === 0;
  }

  /**
   * The window's final invocation: no records, the state so far, isFinalInvokeForWindow.
   * Lambda holds the lane until it succeeds. `terminatedEarly`: the state outgrew 1 MB;
   * the window goes on with a fresh state. True when the window was finished.
   */
  private async finishWindow(shard: ShardState, lane: Lane, terminatedEarly: boolean): Promise<boolean> {
    const window = lane.window!;
    const event = windowEvent([], window, window.state, shard.shardId, this.mapping.EventSourceArn, { final: true, terminatedEarly });
    let result;
    try {
      result = await this.deps.invoke(this.mapping.FunctionArn, event);
    } catch (err) {
      this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
      throw err;
    }
    if (result.status !== "success") {
      this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
      lane.finalAttempts++;
      lane.retryAt = Date.now() + backoffMs(lane.finalAttempts);
      return false;
    }
    this.deps.reportResult(this.mapping.UUID, "OK");
    lane.finalAttempts = 0;
    lane.window = terminatedEarly ? { ...window, state: {} } : undefined;
    return true;
  }

  /**
   * MaximumRecordAgeInSeconds: records at the head of the shard older than that are not
   * delivered (or retried) any more; they go to the OnFailure destination. True when some went.
   */
  private async discardExpired(shard: ShardState, lane: Lane): Promise<boolean> {
    const maxAge = this.mapping.MaximumRecordAgeInSeconds ?? -1;
    if (maxAge < 0) return false;
    const cutoff = Date.now() - maxAge * 1000;
    let expired = 0;
    while (expired < lane.pending.length && this.source.arrivalOf(lane.pending[expired]).getTime() < cutoff) expired++;
    if (expired === 0) return false;
    const attempts = lane.attempts;
    const records = lane.pending.splice(0, expired);
    lane.attempts = 0;
    lane.retrySize = undefined;
    await this.sendToFailureDestination(shard, records, attempts, "RecordAgeExceeded");
    return true;
  }

  /** The OnFailure record Lambda sends for a stream batch that could not be processed. */
  private async sendToFailureDestination(shard: ShardState, records: any[], attempts: number, condition = "RetryAttemptsExhausted"): Promise<void> {
    const dest = this.mapping.DestinationConfig?.OnFailure?.Destination;
    const why = condition === "RecordAgeExceeded" ? "older than MaximumRecordAgeInSeconds" : `after ${attempts} attempt(s)`;
    this.deps.log(`event source mapping ${this.mapping.UUID}: discarding ${records.length} record(s) of ${shard.shardId} ${why}`);
    if (!dest || !dest.includes(":sqs:") || !this.deps.cloud.sqs || records.length === 0) return;
    const first = records[0];
    const last = records[records.length - 1];
    const arrival = (r: any) => this.source.arrivalOf(r).toISOString();
    const message = {
      requestContext: { requestId: cryptoRandomId(), functionArn: this.mapping.FunctionArn, condition, approximateInvokeCount: attempts },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: new Date().toISOString(),
      [this.source.batchInfoKey]: {
        shardId: shard.shardId,
        startSequenceNumber: this.source.sequenceOf(first),
        endSequenceNumber: this.source.sequenceOf(last),
        approximateArrivalOfFirstRecord: arrival(first),
        approximateArrivalOfLastRecord: arrival(last),
        batchSize: records.length,
        streamArn: this.mapping.EventSourceArn,
      },
    };
    const queueName = dest.split(":")[5];
    const { QueueUrl } = await this.deps.cloud.sqs.call("GetQueueUrl", { QueueName: queueName });
    await this.deps.cloud.sqs.call("SendMessage", { QueueUrl, MessageBody: JSON.stringify(message) });
  }
}

/** Retries of one batch back off from 200 ms, doubling, to 30 s. */
function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(attempts, 8));
}

/** The lane of an order key: a stable hash, so one key's records stay in order. */
export function laneOf(orderKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  return createHash("md5").update(orderKey).digest().readUInt32BE(0) % lanes;
}

/** Index in the batch of the first record reported failed (by SequenceNumber); undefined when none. */
function firstFailure(payload: Buffer, batch: any[], source: StreamSource): number | undefined {
  let response: any;
  try {
    response = JSON.parse(payload.toString() || "null");
  } catch {
    return 0;
  }
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return undefined;
  if (!Array.isArray(failures)) return 0;
  let first: number | undefined;
  for (const f of failures) {
    const i = batch.findIndex((r) => source.sequenceOf(r) === f?.itemIdentifier);
    if (i < 0) return 0; // an unknown id fails the whole batch
    first = first === undefined ? i : Math.min(first, i);
  }
  return first;
}

function cryptoRandomId(): string {
  return globalThis.crypto.randomUUID();
}
