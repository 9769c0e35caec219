/**
 * SubscribeToShard: a registered consumer's push subscription to one shard. The
 * operation checks its input (consumer, shard, starting position) like GetShardIterator
 * and is answered, once IAM and validation passed, by an event stream (event-stream.ts):
 * an `initial-response`, then a SubscribeToShardEvent whenever records arrive (and at
 * least every 5 seconds), each with the ContinuationSequenceNumber to resume from, until
 * the shard ends (the last event names its ChildShards) or 5 minutes have passed, as
 * Kinesis ends a subscription.
 */
import { Readable } from "node:stream";
import type { EventEmitter } from "node:events";
import type { AwsResponse } from "../../types.js";
import type { ConsumerOperations } from "./consumers.js";
import { jsonEvent } from "./event-stream.js";
import type { RecordOperations } from "./records.js";
import { decodeIterator } from "./shard-iterators.js";
import { sequenceNumberOf } from "./shard-layout.js";

export const SUBSCRIPTION_LIFETIME_MS = 5 * 60_000;
/** How often an idle subscription sends an empty event (Kinesis: at least every 5 s). */
const HEARTBEAT_MS = 5_000;

interface Subscription {
  streamArn: string;
  iterator: string;
}

export class Subscriptions {
  /** Accepted subscriptions by request id, until their answer is built. */
  private readonly accepted = new Map<string, Subscription>();
  /** Ends the waits of live subscriptions (the service is closing). */
  private readonly stopping = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly records: RecordOperations,
    private readonly consumers: ConsumerOperations,
    private readonly events: EventEmitter,
  ) {}

  SubscribeToShard(input: { ConsumerARN: string; ShardId: string; StartingPosition: { Type: string; SequenceNumber?: string; Timestamp?: unknown } }, requestId: string): Record<string, never> {
    const { ConsumerDescription } = this.consumers.DescribeStreamConsumer({ ConsumerARN: input.ConsumerARN });
    const streamArn = ConsumerDescription.StreamARN;
    const { ShardIterator } = this.records.GetShardIterator({
      StreamARN: streamArn,
      ShardId: input.ShardId,
      ShardIteratorType: input.StartingPosition.Type,
      StartingSequenceNumber: input.StartingPosition.SequenceNumber,
      Timestamp: input.StartingPosition.Timestamp,
    });
    this.accepted.set(requestId, { streamArn, iterator: ShardIterator });
    return {};
  }

  /** The event stream answering an accepted SubscribeToShard, or the answer as it was. */
  answer(requestId: string, response: AwsResponse): AwsResponse {
    const subscription = this.accepted.get(requestId);
    this.accepted.delete(requestId);
    if (!subscription || response.status !== 200) return response;
    return { status: 200, headers: { "content-type": "application/vnd.amazon.eventstream" }, body: Readable.from(this.frames(subscription)) };
  }

  private async *frames(sub: Subscription): AsyncGenerator<Buffer> {
    yield jsonEvent("initial-response", {});
    const ends = Date.now() + SUBSCRIPTION_LIFETIME_MS;
    let iterator: string | undefined = sub.iterator;
    let continuation = positionOf(iterator);
    let lastEvent = 0;
    while (iterator && Date.now() < ends && !this.closed) {
      const out: any = this.records.GetRecords({ ShardIterator: iterator }, () => {});
      iterator = out.NextShardIterator;
      if (out.Records.length > 0) continuation = out.Records[out.Records.length - 1].SequenceNumber;
      else if (iterator) continuation = positionOf(iterator);
      if (out.Records.length > 0 || !iterator || Date.now() - lastEvent >= HEARTBEAT_MS) {
        yield jsonEvent("SubscribeToShardEvent", {
          Records: out.Records.map((r: any) => ({
            SequenceNumber: r.SequenceNumber,
            ApproximateArrivalTimestamp: r.ApproximateArrivalTimestamp.getTime() / 1000,
            Data: Buffer.from(r.Data).toString("base64"),
            PartitionKey: r.PartitionKey,
            ...(r.EncryptionType ? { EncryptionType: r.EncryptionType } : {}),
          })),
          ContinuationSequenceNumber: continuation,
          MillisBehindLatest: out.MillisBehindLatest,
          ...(out.ChildShards ? { ChildShards: out.ChildShards } : {}),
        });
        lastEvent = Date.now();
      }
      if (iterator && out.Records.length === 0) await this.nextRecords(sub.streamArn, Math.min(HEARTBEAT_MS, ends - Date.now()));
    }
  }

  /** Waits for new records on the stream, or `ms`. */
  private nextRecords(streamArn: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off("kinesis:records", onRecords);
        this.stopping.delete(done);
        resolve();
      };
      const onRecords = (e: { streamArn?: string }) => {
        if (e?.streamArn === streamArn) done();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.events.on("kinesis:records", onRecords);
      this.stopping.add(done);
    });
  }

  /** Ends every live subscription's stream at its next turn. */
  close(): void {
    this.closed = true;
    for (const done of [...this.stopping]) done();
  }
}

/** The sequence number an iterator stands at: where a new subscription would resume. */
function positionOf(iterator: string): string {
  const at = decodeIterator(iterator);
  return sequenceNumberOf(at.shard, at.after);
}
