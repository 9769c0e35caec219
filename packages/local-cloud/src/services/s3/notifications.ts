/**
 * Bucket event notifications: which configured destinations an object event matches
 * (event-name wildcards, prefix/suffix key filters), the S3 event record S3 sends, and
 * asynchronous delivery to Lambda (Invoke, Event) and SQS (SendMessage). Delivery never
 * blocks or fails the request that caused it.
 */
import type { S3CloudDeps } from "./context.js";
import { ACCOUNT_ID } from "../../types.js";

export interface FilterRule {
  Name: string;
  Value: string;
}
interface DestinationBase {
  Id?: string;
  Events: string[];
  Filter?: { Key?: { FilterRules?: FilterRule[] } };
}
export interface NotificationConfiguration {
  LambdaFunctionConfigurations?: Array<DestinationBase & { LambdaFunctionArn: string }>;
  QueueConfigurations?: Array<DestinationBase & { QueueArn: string }>;
  TopicConfigurations?: Array<DestinationBase & { TopicArn: string }>;
  EventBridgeConfiguration?: Record<string, never>;
}

export interface Destination {
  kind: "lambda" | "queue" | "topic";
  arn: string;
  configurationId: string;
}

/** What happened, as the operation that caused it knows it. */
export interface ObjectEvent {
  /** Without the "s3:" prefix, e.g. "ObjectCreated:Put". */
  eventName: string;
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  principalId: string;
  requestId: string;
  sourceIp: string;
}

export const OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

/** "s3:ObjectCreated:*" matches "s3:ObjectCreated:Put"; names are otherwise exact. */
export function eventMatches(configured: string, eventName: string): boolean {
  const full = `s3:${eventName}`;
  if (configured === full) return true;
  if (configured.endsWith(":*")) return full.startsWith(configured.slice(0, -1));
  return false;
}

export function keyMatchesFilter(filter: DestinationBase["Filter"], key: string): boolean {
  for (const rule of filter?.Key?.FilterRules ?? []) {
    const name = String(rule.Name).toLowerCase();
    if (name === "prefix" && !key.startsWith(rule.Value)) return false;
    if (name === "suffix" && !key.endsWith(rule.Value)) return false;
  }
  return true;
}

export function matchingDestinations(config: NotificationConfiguration | undefined, eventName: string, key: string): Destination[] {
  if (!config) return [];
  const out: Destination[] = [];
  const consider = (kind: Destination["kind"], list: DestinationBase[] | undefined, arnOf: (d: any) => string) => {
    for (const d of list ?? []) {
      if (!(d.Events ?? []).some((e) => eventMatches(e, eventName))) continue;
      if (!keyMatchesFilter(d.Filter, key)) continue;
      out.push({ kind, arn: arnOf(d), configurationId: d.Id ?? "" });
    }
  };
  consider("lambda", config.LambdaFunctionConfigurations, (d) => d.LambdaFunctionArn);
  consider("queue", config.QueueConfigurations, (d) => d.QueueArn);
  consider("topic", config.TopicConfigurations, (d) => d.TopicArn);
  return out;
}

/**
 * Keys in event records are URL-encoded the way S3 does it (form encoding: space as
 * "+", "/" kept), so handlers must decodeURIComponent(key.replace(/\+/g, " ")).
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, "+")
    .replace(/%2F/g, "/")
    .replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

let sequence = 0;
/** Sequencers grow per key over time; a time-based counter gives that. */
function nextSequencer(): string {
  sequence = (sequence + 1) % 0x10000;
  return (Date.now().toString(16) + sequence.toString(16).padStart(4, "0")).toUpperCase().padStart(18, "0");
}

export function buildEventRecord(ev: ObjectEvent, dest: Destination, region: string, now = new Date()) {
  const object: Record<string, unknown> = { key: encodeEventKey(ev.key) };
  if (ev.size !== undefined) object.size = ev.size;
  if (ev.etag !== undefined) object.eTag = ev.etag;
  object.sequencer = nextSequencer();
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: region,
    eventTime: now.toISOString(),
    eventName: ev.eventName,
    userIdentity: { principalId: ev.principalId },
    requestParameters: { sourceIPAddress: ev.sourceIp },
    responseElements: { "x-amz-request-id": ev.requestId, "x-amz-id-2": Buffer.from(ev.requestId).toString("base64") },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: dest.configurationId,
      bucket: { name: ev.bucket, ownerIdentity: { principalId: OWNER_ID }, arn: `arn:aws:s3:::${ev.bucket}` },
      object,
    },
  };
}

export class Notifier {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly cloud: S3CloudDeps,
    /** The commit of the writes so far (see store.ts): an event waits for it, and is dropped if it failed. */
    private readonly committed: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** Queue delivery of `ev` to every destination in `config` it matches. */
  publish(config: NotificationConfiguration | undefined, ev: ObjectEvent): void {
    for (const dest of matchingDestinations(config, ev.eventName, ev.key)) {
      const event = { Records: [buildEventRecord(ev, dest, this.cloud.region)] };
      this.track(dest, event, `${ev.eventName} for s3://${ev.bucket}/${ev.key}`);
    }
  }

  /**
   * S3 confirms a new configuration by sending each queue an s3:TestEvent message
   * (never to functions); consumers see it before any object event.
   */
  publishTestEvent(config: NotificationConfiguration, bucket: string, requestId: string): void {
    for (const q of config.QueueConfigurations ?? []) {
      const dest: Destination = { kind: "queue", arn: q.QueueArn, configurationId: q.Id ?? "" };
      const event = {
        Service: "Amazon S3",
        Event: "s3:TestEvent",
        Time: new Date().toISOString(),
        Bucket: bucket,
        RequestId: requestId,
        HostId: Buffer.from(requestId).toString("base64"),
      };
      this.track(dest, event, `s3:TestEvent for ${bucket}`);
    }
  }

  private track(dest: Destination, event: unknown, what: string): void {
    const landed = this.committed() ?? Promise.resolve();
    const delivery = landed
      .then(
        () => new Promise<boolean>((resolve) => setImmediate(resolve, true)),
        () => false, // the write was rolled back: nothing happened to report
      )
      .then((deliver) => (deliver ? this.deliver(dest, event) : undefined))
      .catch((err) => {
        console.warn(`[local-cloud] s3: notification ${what} to ${dest.arn} failed: ${err?.message ?? err}`);
      });
    this.pending.add(delivery);
    delivery.finally(() => this.pending.delete(delivery));
  }

  private async deliver(dest: Destination, event: unknown): Promise<void> {
    this.cloud.events.emit("s3:notification", { destination: dest, event });
    const payload = JSON.stringify(event);
    if (dest.kind === "lambda") {
      await this.cloud.clients.lambda.call("Invoke", { FunctionName: dest.arn, InvocationType: "Event", Payload: payload });
    } else if (dest.kind === "queue") {
      const queueName = dest.arn.split(":")[5];
      const accountId = dest.arn.split(":")[4] || ACCOUNT_ID;
      const { QueueUrl } = await this.cloud.clients.sqs.call("GetQueueUrl", { QueueName: queueName, QueueOwnerAWSAccountId: accountId });
      await this.cloud.clients.sqs.call("SendMessage", { QueueUrl: QueueUrl!, MessageBody: payload });
    } else {
      throw new Error("SNS topic destinations are not supported by the local cloud");
    }
  }

  /** Resolves when every queued delivery has finished (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
