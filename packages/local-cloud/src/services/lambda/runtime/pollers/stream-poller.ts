/**
 * Stream → Lambda, for DynamoDB Streams and Kinesis alike: reads each shard in order
 * from the mapping's starting position, batches records (BatchSize,
 * MaximumBatchingWindowInSeconds), drops records FilterCriteria rejects, and retries a
 * failing batch in place — a shard never skips ahead of a failed record — until
 * MaximumRetryAttempts is used up. Then the batch is described to the OnFailure
 * destination (SQS) and skipped. BisectBatchOnFunctionError splits a failing batch;
 * ReportBatchItemFailures checkpoints at the first failure. What differs between the
 * two services (their API, their record shape) is a StreamSource (stream-sources.ts).
 * TumblingWindowInSeconds cuts batches at window bounds and carries the function's
 * state within a window (tumbling-window.ts).
 */
import type { StoredMapping } from "../../model.js";
import { compileFilters } from "./event-filter.js";
import type { PollerDeps } from "./poller-deps.js";
import { MAX_BACKOFF_MS, PollingLoop } from "./polling-loop.js";
import type { StreamSource } from "./stream-sources.js";
import { countInWindow, stateOfResponse, stateTooLarge, windowEvent, windowOf, type OpenWindow } from "./tumbling-window.js";

interface ShardState {
  shardId: string;
  iterator?: string;
  /** Records read but not yet delivered (the failed batch is retried from here). */
  pending: any[];
  closed: boolean;
  /** Failed attempts of the batch at the head of `pending`. */
  attempts: number;
  /** Size of the batch being retried (shrinks when bisecting). */
  retrySize?: number;
  /** The sequence number of the last record read: where reading resumes if the iterator expires. */
  lastSequence?: string;
  /** TumblingWindowInSeconds: the window whose state the shard carries, until its final invocation. */
  window?: OpenWindow;
  /** Failed final invocations of `window` (Lambda retries them until one succeeds). */
  finalAttempts: number;
}

export class StreamPoller extends PollingLoop {
  private readonly shards = new Map<string, ShardState>();
  private firstDescribe = true;

  constructor(
    mapping: StoredMapping,
    deps: PollerDeps,
    private readonly source: StreamSource,
  ) {
    super(mapping, deps);
  }

  /** Reads and delivers what is available on every shard; true when anything happened. */
  async pollOnce(): Promise<boolean> {
    await this.discoverShards();
    let progressed = false;
    for (const shard of this.shards.values()) {
      if (!this.running) break;
      await this.read(shard);
      if (this.windowOver(shard)) {
        progressed = (await this.finishWindow(shard, false)) || progressed;
        continue;
      }
      if (shard.pending.length === 0) continue;
      if (!(await this.batchReady(shard))) continue;
      progressed = (await this.deliver(shard)) || progressed;
    }
    return progressed;
  }

  private async discoverShards(): Promise<void> {
    for (const s of await this.source.shards()) {
      if (this.shards.has(s.shardId)) continue;
      // LATEST applies to shards open when the mapping starts; later shards are read from their start.
      const type = this.firstDescribe ? (this.mapping.StartingPosition ?? "LATEST") : "TRIM_HORIZON";
      if (this.firstDescribe && type === "LATEST" && s.closed) continue;
      const timestamp = type === "AT_TIMESTAMP" ? this.mapping.StartingPositionTimestamp : undefined;
      const iterator = await this.source.iterator(s.shardId, type, timestamp);
      this.shards.set(s.shardId, { shardId: s.shardId, iterator, pending: [], closed: false, attempts: 0, finalAttempts: 0 });
    }
    this.firstDescribe = false;
  }

  private async read(shard: ShardState): Promise<void> {
    const want = (this.mapping.BatchSize || 100) - shard.pending.length;
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
    shard.pending.push(...out.records);
    if (out.records.length > 0) shard.lastSequence = this.source.sequenceOf(out.records[out.records.length - 1]);
  }

  /** A batch goes out when full, when the window has passed, or at once with no window. */
  private async batchReady(shard: ShardState): Promise<boolean> {
    const size = this.mapping.BatchSize || 100;
    const windowMs = (this.mapping.MaximumBatchingWindowInSeconds || 0) * 1000;
    if (shard.pending.length >= size || windowMs === 0 || shard.attempts > 0) return true;
    const deadline = Date.now() + windowMs;
    while (this.running && shard.pending.length < size && Date.now() < deadline) {
      await this.waiter.wait(Math.min(200, deadline - Date.now()));
      await this.read(shard);
    }
    return true;
  }

  /** Delivers the batch at the head of the shard; true when the shard moved forward. */
  private async deliver(shard: ShardState): Promise<boolean> {
    if (await this.discardExpired(shard)) return true;
    let size = Math.min(shard.retrySize ?? this.mapping.BatchSize ?? 100, this.mapping.BatchSize || 100);
    const windowSeconds = this.mapping.TumblingWindowInSeconds || 0;
    const window = windowSeconds > 0 ? windowOf(this.source.arrivalOf(shard.pending[0]), windowSeconds) : undefined;
    if (window) {
      // A batch never spans two windows, and a window's final invocation comes before the next window's records.
      if (shard.window && shard.window.startMs !== window.startMs) return this.finishWindow(shard, false);
      size = Math.min(size, countInWindow(shard.pending, window, (r) => this.source.arrivalOf(r)));
    }
    const batch = shard.pending.slice(0, size);
    const filter = compileFilters(this.mapping.FilterCriteria);
    const matched = filter ? batch.filter((r) => filter(this.source.filterView(r))) : batch;
    if (matched.length === 0) {
      shard.pending.splice(0, batch.length);
      return true;
    }

    let done = batch.length; // how many records at the head are finished
    let failed = false;
    try {
      const event = window
        ? windowEvent(matched, window, shard.window?.state ?? {}, shard.shardId, this.mapping.EventSourceArn, { final: false, terminatedEarly: false })
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
        shard.window = { ...window, state };
        if (stateTooLarge(state)) await this.finishWindow(shard, true);
      }
    } catch (err: any) {
      // The function is gone: keep the records and back off.
      this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
      throw err;
    }

    if (!failed) {
      shard.pending.splice(0, batch.length);
      shard.attempts = 0;
      shard.retrySize = undefined;
      this.deps.reportResult(this.mapping.UUID, "OK");
      return true;
    }

    this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
    shard.pending.splice(0, done);
    const failedCount = batch.length - done;
    if (this.mapping.BisectBatchOnFunctionError && failedCount > 1) {
      // Split and retry the halves; like Lambda, splitting doesn't use up retry attempts.
      shard.retrySize = Math.ceil(failedCount / 2);
      return true;
    }
    shard.attempts++;
    const maxRetries = this.mapping.MaximumRetryAttempts ?? -1;
    if (maxRetries >= 0 && shard.attempts > maxRetries) {
      const failedBatch = shard.pending.splice(0, Math.max(1, failedCount));
      await this.sendToFailureDestination(shard, failedBatch, shard.attempts);
      shard.attempts = 0;
      shard.retrySize = undefined;
      return true;
    }
    // Back off a little between retries of the same batch.
    await this.waiter.wait(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(shard.attempts, 8)));
    return true;
  }

  /** The shard's window has ended (or the shard has) and none of its records wait to be delivered. */
  private windowOver(shard: ShardState): boolean {
    const window = shard.window;
    if (!window) return false;
    if (Date.now() < window.endMs && !shard.closed) return false;
    return countInWindow(shard.pending, window, (r) => this.source.arrivalOf(r)) === 0;
  }

  /**
   * The window's final invocation: no records, the state so far, isFinalInvokeForWindow.
   * Lambda holds the shard until it succeeds. `terminatedEarly`: the state outgrew 1 MB;
   * the window goes on with a fresh state. True when the window was finished.
   */
  private async finishWindow(shard: ShardState, terminatedEarly: boolean): Promise<boolean> {
    const window = shard.window!;
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
      shard.finalAttempts++;
      await this.waiter.wait(Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(shard.finalAttempts, 8)));
      return false;
    }
    this.deps.reportResult(this.mapping.UUID, "OK");
    shard.finalAttempts = 0;
    shard.window = terminatedEarly ? { ...window, state: {} } : undefined;
    return true;
  }

  /**
   * MaximumRecordAgeInSeconds: records at the head of the shard older than that are not
   * delivered (or retried) any more; they go to the OnFailure destination. True when some went.
   */
  private async discardExpired(shard: ShardState): Promise<boolean> {
    const maxAge = this.mapping.MaximumRecordAgeInSeconds ?? -1;
    if (maxAge < 0) return false;
    const cutoff = Date.now() - maxAge * 1000;
    let expired = 0;
    while (expired < shard.pending.length && this.source.arrivalOf(shard.pending[expired]).getTime() < cutoff) expired++;
    if (expired === 0) return false;
    const attempts = shard.attempts;
    const records = shard.pending.splice(0, expired);
    shard.attempts = 0;
    shard.retrySize = undefined;
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
