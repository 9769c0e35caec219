/**
 * Publish and PublishBatch: validate the message, then fan it out to every confirmed
 * subscription whose filter policy passes. Publish answers once deliveries are
 * started, as SNS answers before subscribers have it. FIFO topics need a message
 * group, deduplicate for five minutes and number their messages.
 */
import { createHash, randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import type { SnsContext } from "./context.js";
import type { Delivery } from "./delivery.js";
import type { PublishedMessage } from "./envelope.js";
import { invalidParameter } from "./errors.js";
import { passesFilter } from "./filter-policy.js";
import { validateMessageAttributes } from "./message-attributes.js";
import type { StoredTopic } from "./store.js";
import type { TopicOperations } from "./topics.js";

const MAX_BYTES = 262_144;
const DEDUP_WINDOW_MS = 5 * 60_000;

export class PublishOperations {
  private sequence = BigInt(Date.now()) * 1000n;
  /** FIFO deduplication: `${topicArn}\n${dedupId}` → the first message's id and when it expires. */
  private readonly dedup = new Map<string, { messageId: string; sequenceNumber: string; expires: number }>();
  /** Deliveries in flight, so close() can wait for them. */
  readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly c: SnsContext,
    private readonly topics: TopicOperations,
    private readonly delivery: Delivery,
  ) {}

  Publish(input: any, ctx: CallContext) {
    if (input.PhoneNumber !== undefined) throw invalidParameter("PhoneNumber: the local cloud does not send SMS");
    const arn = input.TopicArn ?? input.TargetArn;
    if (arn === undefined) throw invalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
    const topic = this.topics.topic(arn);
    return this.publishOne(topic, input);
  }

  PublishBatch(input: any, ctx: CallContext) {
    const topic = this.topics.topic(input.TopicArn);
    const entries = Array.isArray(input.PublishBatchRequestEntries) ? input.PublishBatchRequestEntries : [];
    if (entries.length === 0) throw new AwsError("EmptyBatchRequest", "The batch request doesn't contain any entries", 400);
    if (entries.length > 10) throw new AwsError("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible", 400);
    const ids = entries.map((e: any) => e?.Id);
    if (new Set(ids).size !== ids.length) throw new AwsError("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id", 400);
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const entry of entries) {
      if (typeof entry?.Id !== "string" || !/^[A-Za-z0-9_-]{1,80}$/.test(entry.Id)) throw new AwsError("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification", 400);
      try {
        Successful.push({ Id: entry.Id, ...this.publishOne(topic, entry) });
      } catch (err) {
        const e = err instanceof AwsError ? err : new AwsError("InternalError", String(err), 500);
        Failed.push({ Id: entry.Id, Code: e.code, Message: e.message, SenderFault: e.status < 500 });
      }
    }
    return { Successful, Failed };
  }

  private publishOne(topic: StoredTopic, input: any): { MessageId: string; SequenceNumber?: string } {
    const message = input.Message;
    if (typeof message !== "string" || message.length === 0) throw invalidParameter("Empty message");
    const attributes = validateMessageAttributes(input.MessageAttributes);
    const size = Buffer.byteLength(message) + Object.entries(attributes).reduce((n, [k, a]) => n + k.length + a.DataType.length + Buffer.byteLength(a.StringValue ?? "") + (a.BinaryValue?.length ?? 0), 0);
    if (size > MAX_BYTES) throw invalidParameter("Message too long");
    const subject = input.Subject;
    if (subject !== undefined && (typeof subject !== "string" || subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject))) {
      throw invalidParameter("Subject");
    }
    const messageFor = messageSelector(message, input.MessageStructure);
    const fifo = topic.attributes.FifoTopic === "true";
    let groupId: string | undefined, dedupId: string | undefined;
    if (fifo) {
      groupId = input.MessageGroupId;
      if (typeof groupId !== "string" || groupId === "") throw invalidParameter("The MessageGroupId parameter is required for FIFO topics");
      dedupId = input.MessageDeduplicationId;
      if (dedupId === undefined) {
        if (topic.attributes.ContentBasedDeduplication !== "true") {
          throw invalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        }
        dedupId = createHash("sha256").update(message).digest("hex");
      }
      const seen = this.dedup.get(`${topic.arn}\n${dedupId}`);
      if (seen && seen.expires > Date.now()) return { MessageId: seen.messageId, SequenceNumber: seen.sequenceNumber };
    } else if (input.MessageDeduplicationId !== undefined) {
      throw invalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
    }
    const published: PublishedMessage = {
      messageId: randomUUID(),
      topicArn: topic.arn,
      messageFor,
      subject,
      attributes,
      timestamp: new Date(),
      ...(fifo ? { messageGroupId: groupId, deduplicationId: dedupId, sequenceNumber: String(++this.sequence).padStart(20, "0") } : {}),
    };
    if (fifo) {
      this.sweepDedup();
      this.dedup.set(`${topic.arn}\n${dedupId}`, { messageId: published.messageId, sequenceNumber: published.sequenceNumber!, expires: Date.now() + DEDUP_WINDOW_MS });
    }
    for (const sub of this.c.store.listSubscriptions(topic.arn)) {
      if (sub.token) continue; // pending confirmation
      if (!passesFilter(sub.attributes, messageFor(sub.protocol), attributes)) continue;
      const p = this.delivery.deliver(sub, published);
      this.inFlight.add(p);
      p.finally(() => this.inFlight.delete(p));
    }
    return { MessageId: published.messageId, ...(fifo ? { SequenceNumber: published.sequenceNumber } : {}) };
  }

  private sweepDedup(): void {
    const now = Date.now();
    for (const [k, v] of this.dedup) if (v.expires <= now) this.dedup.delete(k);
  }
}

/**
 * MessageStructure "json": a JSON object with a "default" text and optional per-protocol
 * texts. SNS reads only "json"; any other value publishes the message as it is (SST v2's
 * pub-sub example, run on AWS, sends "string").
 */
function messageSelector(message: string, structure: unknown): (protocol: string) => string {
  if (structure !== "json") return () => message;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter("Message Structure - JSON message body failed to parse");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || typeof (parsed as any).default !== "string") {
    throw invalidParameter("Message Structure - No default entry in JSON message body");
  }
  const texts = parsed as Record<string, unknown>;
  return (protocol) => (typeof texts[protocol] === "string" ? (texts[protocol] as string) : (texts.default as string));
}
