/**
 * Keeps one poller running per enabled event source mapping: started with the Lambda
 * service, re-synced whenever a mapping is created, updated or deleted, and woken by
 * the services' "sqs:message" / "dynamodb:stream" events so delivery is immediate.
 */
import type { StoredMapping } from "../../model.js";
import { sourceKind } from "../../event-source-mappings.js";
import { DynamoDbStreamPoller } from "./dynamodb-stream-poller.js";
import type { PollerDeps } from "./poller-deps.js";
import { SqsPoller } from "./sqs-poller.js";

type AnyPoller = SqsPoller | DynamoDbStreamPoller;

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
    const kind = sourceKind(mapping.EventSourceArn);
    const poller = kind === "sqs" ? new SqsPoller(mapping, this.deps) : kind === "dynamodb" ? new DynamoDbStreamPoller(mapping, this.deps) : undefined;
    if (!poller) return;
    this.pollers.set(uuid, { poller, arn: mapping.EventSourceArn });
    poller.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.deps.cloud.events.off("sqs:message", this.onSqs);
    this.deps.cloud.events.off("dynamodb:stream", this.onStream);
    const all = [...this.pollers.values()];
    this.pollers.clear();
    await Promise.all(all.map((p) => p.poller.stop()));
  }

  private wakeSource(arn: string | undefined): void {
    for (const p of this.pollers.values()) if (!arn || p.arn === arn) p.poller.wake();
  }
}
