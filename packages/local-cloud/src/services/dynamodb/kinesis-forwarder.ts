/**
 * Moves committed change records from the Kinesis outbox (kinesis-destination.ts) to
 * their streams with PutRecords, oldest first, deleting each once Kinesis took it.
 * Records Kinesis refuses for throughput stay and are retried after a pause; records for
 * a stream that no longer exists are dropped (DynamoDB cannot deliver them either). Runs
 * after every commit that added records, and once at start for what a previous run left.
 */
import type { DynamoStore } from "./store.js";

/** PutRecords takes at most 500 records. */
const BATCH = 500;
const RETRY_MS = 200;

export interface KinesisPort {
  call(operation: "PutRecords", input: { StreamARN: string; Records: { Data: Uint8Array; PartitionKey: string }[] }): Promise<{ FailedRecordCount?: number; Records?: { ErrorCode?: string }[] }>;
}

export class KinesisForwarder {
  private running?: Promise<void>;
  private again = false;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly store: DynamoStore,
    private readonly kinesis: () => KinesisPort | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Drains the outbox once what was written so far is committed. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (this.store.committed() ?? Promise.resolve())
      .then(() => this.drain())
      .catch((err) => this.log(`Kinesis streaming destination: ${(err as Error)?.message ?? err}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Settles when the current drain is done (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  private async drain(): Promise<void> {
    const kinesis = this.kinesis();
    if (!kinesis) return;
    for (;;) {
      const rows = this.store.kinesisOutbox(BATCH);
      if (rows.length === 0) return;
      // One stream at a time, in order: the head of the outbox and what follows it for the same stream.
      const arn = rows[0]!.stream_arn;
      const batch = rows.filter((r) => r.stream_arn === arn);
      const done: number[] = [];
      try {
        const out = await kinesis.call("PutRecords", {
          StreamARN: arn,
          Records: batch.map((r) => ({ Data: Buffer.from(r.record), PartitionKey: r.partition_key })),
        });
        // Delivered up to the first refused record: what follows waits, so order holds.
        for (const [i, result] of (out.Records ?? []).entries()) {
          if (result.ErrorCode) break;
          done.push(batch[i]!.seq);
        }
      } catch (err: any) {
        if (err?.code !== "ResourceNotFoundException") throw err;
        this.log(`Kinesis streaming destination ${arn} does not exist: dropping ${batch.length} change record(s)`);
        done.push(...batch.map((r) => r.seq));
      }
      this.store.deleteKinesisRecords(done);
      if (done.length < batch.length) {
        this.retry = setTimeout(() => this.wake(), RETRY_MS);
        this.retry.unref();
        return;
      }
    }
  }
}
