/**
 * Keeps one poller running per enabled event source mapping: started with the Lambda
 * service, re-synced whenever a mapping is created, updated or deleted, and woken by
 * the services' "sqs:message" / "dynamodb:stream" / "kinesis:records" events so
 * delivery is immediate.
 */
import type { StoredMapping } from "../../model.js";
import { sourceKind, streamOfSource } from "../../event-source-mappings.js";
import type { PollerDeps } from "./poller-deps.js";
import { SqsPoller } from "./sqs-poller.js";
import { StreamPoller } from "./stream-poller.js";
import { DynamoDbStreamSource, KinesisStreamSource } from "./stream-sources.js";

type AnyPoller = SqsPoller | StreamPoller;

export class MappingPollers {
  private readonly pollers = new Map<string, { poller: AnyPoller; arn: string }>();
  private started = false;
  private readonly onSqs = (e: { queueArn?: string }) => this.wakeSource(e?.queueArn);
  private readonly onStream = (e: { streamArn?: string }) => this.wakeSource(e?.streamArn);

  constructor(
    private readonly deps: PollerDeps,
    private readonly mappings: { list(): StoredMapping[]; get(uuid: string): StoredMapping | undefined },
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.deps.cloud.events.on("sqs:message", this.onSqs);
    this.deps.cloud.events.on("dynamodb:stream", this.onStream);
    this.deps.cloud.events.on("kinesis:records", this.onStream);
    for (const m of this.mappings.list()) this.sync(m.UUID);
  }

  /** Brings the poller of one mapping in line with its stored state. */
  sync(uuid: string): void {
    if (!this.started) return;
    const mapping = this.mappings.get(uuid);
    const current = this.pollers.get(uuid);
    if (!mapping || mapping.State !== "Enabled") {
      if (current) {
        this.pollers.delete(uuid);
        void current.poller.stop();
      }
      return;
    }
    if (current && current.arn === mapping.EventSourceArn) {
      current.poller.update(mapping);
      return;
    }
    if (current) void current.poller.stop();
    const poller = this.pollerFor(mapping);
    if (!poller) return;
    this.pollers.set(uuid, { poller, arn: mapping.EventSourceArn });
    poller.start();
  }

  private pollerFor(mapping: StoredMapping): AnyPoller | undefined {
    const arn = mapping.EventSourceArn;
    switch (sourceKind(arn)) {
      case "sqs":
        return new SqsPoller(mapping, this.deps);
      case "dynamodb":
        return new StreamPoller(mapping, this.deps, new DynamoDbStreamSource(arn, this.deps.cloud.dynamodb));
      case "kinesis":
        // An enhanced fan-out consumer's mapping reads its stream (records are not pushed locally).
        return new StreamPoller(mapping, this.deps, new KinesisStreamSource(streamOfSource(arn), this.deps.cloud.kinesis, this.deps.roleOf?.(mapping.FunctionArn)));
      default:
        return undefined;
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.deps.cloud.events.off("sqs:message", this.onSqs);
    this.deps.cloud.events.off("dynamodb:stream", this.onStream);
    this.deps.cloud.events.off("kinesis:records", this.onStream);
    const all = [...this.pollers.values()];
    this.pollers.clear();
    await Promise.all(all.map((p) => p.poller.stop()));
  }

  private wakeSource(arn: string | undefined): void {
    for (const p of this.pollers.values()) if (!arn || streamOfSource(p.arn) === arn) p.poller.wake();
  }
}
