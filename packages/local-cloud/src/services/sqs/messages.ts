/**
 * Messages: send (standard and FIFO), receive with visibility timeouts and long
 * polling, delete, visibility changes, dead-letter redrive and retention expiry.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import { queueArn, type SqsContext } from "./context.js";
import {
  batchIdsNotDistinct,
  batchRequestTooLong,
  emptyBatchRequest,
  invalidBatchEntryId,
  invalidMessageContents,
  invalidParameterValue,
  messageNotInflight,
  missingParameter,
  queryCodeOf,
  receiptHandleIsInvalid,
  tooManyEntries,
} from "./errors.js";
import { md5Hex } from "./md5.js";
import { digestOrUndefined, selectAttributes, validateMessageAttributes, type StoredAttributes } from "./message-attributes.js";
import type { QueueOperations } from "./queues.js";
import type { MessageRow, QueueRow } from "./store.js";

const INVALID_CHARS = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const DEDUP_WINDOW_MS = 5 * 60_000;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const SYSTEM_ATTRIBUTES = [
  "SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp",
  "SequenceNumber", "MessageDeduplicationId", "MessageGroupId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
];

function intParam(name: string, value: unknown, min: number, max: number, reason: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw invalidParameterValue(`Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`);
  return n;
}

/** Receipt handles name the queue, the message and the receive they came from. */
function encodeHandle(queue: string, id: string, nonce: string): string {
  return Buffer.from(JSON.stringify([queue, id, nonce])).toString("base64");
}
function decodeHandle(handle: unknown): { queue: string; id: string; nonce: string } | undefined {
  if (typeof handle !== "string" || handle === "") return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(handle, "base64").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === "string")) {
      return { queue: parsed[0], id: parsed[1], nonce: parsed[2] };
    }
  } catch {
    /* fall through */
  }
  return undefined;
}

export interface SendResult {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

export class MessageOperations {
  constructor(
    private readonly c: SqsContext,
    private readonly queues: QueueOperations,
  ) {}

  // ---- send ----

  private sendOne(queue: QueueRow, entry: any, ctx: CallContext): SendResult {
    const attrs = this.queues.attributesOf(queue);
    const fifo = attrs.FifoQueue === "true";
    const body = entry.MessageBody;
    if (typeof body !== "string" || body === "") throw missingParameter("MessageBody");
    if (INVALID_CHARS.test(body)) throw invalidMessageContents();
    const user = validateMessageAttributes(entry.MessageAttributes, "user");
    const system = validateMessageAttributes(entry.MessageSystemAttributes, "system");
    const maxSize = Number(attrs.MaximumMessageSize);
    if (Buffer.byteLength(body) + user.size > maxSize) {
      throw invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`);
    }
    const delay = intParam("DelaySeconds", entry.DelaySeconds, 0, 900, "DelaySeconds must be >= 0 and <= 900.");
    const groupId: string | undefined = entry.MessageGroupId ?? undefined;
    let dedupId: string | undefined = entry.MessageDeduplicationId ?? undefined;
    if (fifo) {
      if (delay !== undefined && delay !== 0) {
        throw invalidParameterValue(`Value ${delay} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      }
      if (!groupId) throw missingParameter("MessageGroupId");
      if (!dedupId) {
        if (attrs.ContentBasedDeduplication !== "true") {
          throw invalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
        }
        dedupId = createHash("sha256").update(body).digest("hex");
      }
    } else if (dedupId !== undefined) {
      throw invalidParameterValue("Value " + dedupId + " for parameter MessageDeduplicationId is invalid. Reason: The request includes a parameter that is not valid for this queue type.");
    }
    for (const [field, v] of [["MessageGroupId", groupId], ["MessageDeduplicationId", dedupId]] as const) {
      if (v !== undefined && !/^[\x21-\x7E]{1,128}$/.test(v)) {
        throw invalidParameterValue(`Value ${v} for parameter ${field} is invalid. Reason: ${field} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
      }
    }

    const result: SendResult = {
      MessageId: randomUUID(),
      MD5OfMessageBody: md5Hex(body),
      ...(digestOrUndefined(user.values) ? { MD5OfMessageAttributes: digestOrUndefined(user.values) } : {}),
      ...(digestOrUndefined(system.values) ? { MD5OfMessageSystemAttributes: digestOrUndefined(system.values) } : {}),
    };
    const now = Date.now();
    const db = this.c.db;
    let duplicate = false;
    db.transaction(() => {
      if (fifo) {
        const scope = attrs.DeduplicationScope === "messageGroup" ? groupId! : "";
        db.prepare("DELETE FROM fifo_dedup WHERE queue = ? AND expires <= ?").run(queue.name, now);
        const seen = db.prepare("SELECT message_id, sequence_number FROM fifo_dedup WHERE queue = ? AND scope = ? AND dedup_id = ?").get(queue.name, scope, dedupId) as
          | { message_id: string; sequence_number: string }
          | undefined;
        if (seen) {
          // A duplicate within five minutes is accepted and dropped, answering as the original.
          duplicate = true;
          result.MessageId = seen.message_id;
          result.SequenceNumber = seen.sequence_number;
          return;
        }
        db.prepare("UPDATE queues SET fifo_seq = fifo_seq + 1 WHERE name = ?").run(queue.name);
        const seq = (db.prepare("SELECT fifo_seq FROM queues WHERE name = ?").get(queue.name) as { fifo_seq: number }).fifo_seq;
        result.SequenceNumber = String(seq).padStart(20, "0");
        db.prepare("INSERT INTO fifo_dedup VALUES (?, ?, ?, ?, ?, ?)").run(queue.name, scope, dedupId, result.MessageId, result.SequenceNumber, now + DEDUP_WINDOW_MS);
      }
      const visibleAt = now + 1000 * (delay ?? Number(attrs.DelaySeconds));
      db.prepare(
        `INSERT INTO messages (queue, id, body, attributes, system_attributes, md5_body, md5_attributes, md5_system, sent_at, visible_at,
           receive_count, first_receive_at, receipt_nonce, group_id, dedup_id, sequence_number, sender_id, dlq_source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL, ?, ?, ?, ?, NULL)`,
      ).run(
        queue.name, result.MessageId, body, JSON.stringify(user.stored), JSON.stringify(system.stored), result.MD5OfMessageBody,
        result.MD5OfMessageAttributes ?? null, result.MD5OfMessageSystemAttributes ?? null, now, visibleAt,
        groupId ?? null, fifo ? dedupId! : null, result.SequenceNumber ?? null, this.c.senderId(ctx),
      );
    })();
    if (!duplicate) this.c.messageAvailable(queue.name);
    return result;
  }

  SendMessage(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    return this.sendOne(queue, input, ctx);
  }

  private checkBatch(entries: unknown, entryName: string): any[] {
    if (!Array.isArray(entries) || entries.length === 0) throw emptyBatchRequest(entryName);
    if (entries.length > 10) throw tooManyEntries(entries.length);
    const ids = new Set<string>();
    for (const e of entries) {
      const id = e?.Id;
      if (typeof id !== "string" || !BATCH_ID.test(id)) throw invalidBatchEntryId();
      if (ids.has(id)) throw batchIdsNotDistinct(id);
      ids.add(id);
    }
    return entries;
  }

  private failure(id: string, err: unknown) {
    if (err instanceof AwsError) return { Id: id, SenderFault: err.fault === "Sender", Code: queryCodeOf(err), Message: err.message };
    return { Id: id, SenderFault: false, Code: "InternalError", Message: String((err as Error)?.message ?? err) };
  }

  SendMessageBatch(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    const entries = this.checkBatch(input.Entries, "SendMessageBatchRequestEntry");
    const max = Number(this.queues.attributesOf(queue).MaximumMessageSize);
    const total = entries.reduce((n, e) => n + Buffer.byteLength(String(e.MessageBody ?? "")) + validateSizeLoose(e.MessageAttributes), 0);
    if (total > max) throw batchRequestTooLong(total, max);
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const e of entries) {
      try {
        Successful.push({ Id: e.Id, ...this.sendOne(queue, e, ctx) });
      } catch (err) {
        Failed.push(this.failure(e.Id, err));
      }
    }
    return { Successful, Failed };
  }

  // ---- receive ----

  async ReceiveMessage(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    const attrs = this.queues.attributesOf(queue);
    const max = intParam("MaxNumberOfMessages", input.MaxNumberOfMessages, 1, 10, "Must be between 1 and 10, if provided.") ?? 1;
    const vt = intParam("VisibilityTimeout", input.VisibilityTimeout, 0, 43200, "Must be between 0 and 43200, if provided.") ?? Number(attrs.VisibilityTimeout);
    const wait = intParam("WaitTimeSeconds", input.WaitTimeSeconds, 0, 20, "Must be >= 0 and <= 20, if provided.") ?? Number(attrs.ReceiveMessageWaitTimeSeconds);
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      // A closing service answers parked polls empty before its database goes away.
      if (this.c.waiters.isClosed && Date.now() < deadline) return {};
      if (!this.queues.get(queue.name)) return {};
      const received = this.tryReceive(queue.name, max, vt, input);
      if (received.length > 0) return { Messages: received };
      const now = Date.now();
      if (now >= deadline || this.c.waiters.isClosed) return {};
      // Sleep until a send wakes us, the next delayed/in-flight message turns visible, or the deadline.
      const next = this.c.db.prepare("SELECT MIN(visible_at) AS t FROM messages WHERE queue = ? AND visible_at > ?").get(queue.name, now) as { t: number | null };
      const until = Math.min(deadline, next.t ?? deadline);
      await this.c.waiters.wait(queue.name, Math.max(1, until - now));
    }
  }

  private tryReceive(queueName: string, max: number, vt: number, input: any): unknown[] {
    const db = this.c.db;
    const out: unknown[] = [];
    const redriven = new Set<string>();
    db.transaction(() => {
      const queue = this.queues.get(queueName);
      if (!queue) return;
      const attrs = this.queues.attributesOf(queue);
      const fifo = attrs.FifoQueue === "true";
      const now = Date.now();
      db.prepare("DELETE FROM messages WHERE queue = ? AND sent_at <= ?").run(queueName, now - Number(attrs.MessageRetentionPeriod) * 1000);
      const redrive = attrs.RedrivePolicy ? (JSON.parse(attrs.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number }) : undefined;
      const dlq = redrive ? this.queues.getByArn(redrive.deadLetterTargetArn) : undefined;
      const locked = new Set<string>(
        fifo
          ? (db.prepare("SELECT DISTINCT group_id FROM messages WHERE queue = ? AND visible_at > ? AND receive_count > 0").all(queueName, now) as { group_id: string }[]).map((r) => r.group_id)
          : [],
      );
      const candidates = db.prepare("SELECT * FROM messages WHERE queue = ? AND visible_at <= ? ORDER BY seq LIMIT ?").all(queueName, now, fifo ? 10_000 : max * 4 + 50) as MessageRow[];
      for (const m of candidates) {
        if (out.length >= max) break;
        if (fifo && m.group_id && locked.has(m.group_id)) continue;
        if (redrive && dlq && m.receive_count >= redrive.maxReceiveCount) {
          this.moveToDeadLetterQueue(m, dlq.name, queueArn(this.c.region, queueName));
          redriven.add(dlq.name);
          // A FIFO group stays in order: nothing after a redriven message jumps ahead in this receive.
          continue;
        }
        const nonce = randomBytes(12).toString("base64url");
        const firstReceive = m.first_receive_at ?? now;
        db.prepare("UPDATE messages SET visible_at = ?, receive_count = receive_count + 1, first_receive_at = ?, receipt_nonce = ? WHERE seq = ?").run(
          now + vt * 1000, firstReceive, nonce, m.seq,
        );
        out.push(this.messageShape({ ...m, receive_count: m.receive_count + 1, first_receive_at: firstReceive }, encodeHandle(queueName, m.id, nonce), input));
      }
    })();
    for (const name of redriven) this.c.messageAvailable(name);
    return out;
  }

  private moveToDeadLetterQueue(m: MessageRow, dlqName: string, sourceArn: string): void {
    const db = this.c.db;
    db.prepare("DELETE FROM messages WHERE seq = ?").run(m.seq);
    db.prepare(
      `INSERT INTO messages (queue, id, body, attributes, system_attributes, md5_body, md5_attributes, md5_system, sent_at, visible_at,
         receive_count, first_receive_at, receipt_nonce, group_id, dedup_id, sequence_number, sender_id, dlq_source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
    ).run(
      dlqName, m.id, m.body, m.attributes, m.system_attributes, m.md5_body, m.md5_attributes, m.md5_system, m.sent_at, Date.now(),
      m.receive_count, m.first_receive_at, m.group_id, m.dedup_id, m.sequence_number, m.sender_id, sourceArn,
    );
  }

  private messageShape(m: MessageRow, receiptHandle: string, input: any) {
    const wanted = new Set<string>([
      ...(Array.isArray(input.AttributeNames) ? input.AttributeNames.map(String) : []),
      ...(Array.isArray(input.MessageSystemAttributeNames) ? input.MessageSystemAttributeNames.map(String) : []),
    ]);
    const all = wanted.has("All");
    const system: Record<string, string | undefined> = {
      SenderId: m.sender_id,
      SentTimestamp: String(m.sent_at),
      ApproximateReceiveCount: String(m.receive_count),
      ApproximateFirstReceiveTimestamp: m.first_receive_at !== null ? String(m.first_receive_at) : undefined,
      SequenceNumber: m.sequence_number ?? undefined,
      MessageDeduplicationId: m.dedup_id ?? undefined,
      MessageGroupId: m.group_id ?? undefined,
      AWSTraceHeader: (JSON.parse(m.system_attributes) as StoredAttributes).AWSTraceHeader?.StringValue,
      DeadLetterQueueSourceArn: m.dlq_source ?? undefined,
    };
    const attributes: Record<string, string> = {};
    for (const name of SYSTEM_ATTRIBUTES) {
      const v = system[name];
      if (v !== undefined && (all || wanted.has(name))) attributes[name] = v;
    }
    const userAttrs = selectAttributes(JSON.parse(m.attributes), Array.isArray(input.MessageAttributeNames) ? input.MessageAttributeNames.map(String) : undefined);
    const md5Attrs = digestOrUndefined(userAttrs);
    return {
      MessageId: m.id,
      ReceiptHandle: receiptHandle,
      MD5OfBody: m.md5_body,
      Body: m.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(md5Attrs ? { MD5OfMessageAttributes: md5Attrs, MessageAttributes: userAttrs } : {}),
    };
  }

  // ---- delete and visibility ----

  private message(queue: QueueRow, handle: unknown): { row?: MessageRow; nonce: string } {
    const decoded = decodeHandle(handle);
    if (!decoded || decoded.queue !== queue.name) throw receiptHandleIsInvalid(String(handle ?? ""));
    const row = this.c.db.prepare("SELECT * FROM messages WHERE queue = ? AND id = ?").get(queue.name, decoded.id) as MessageRow | undefined;
    return { row, nonce: decoded.nonce };
  }

  private deleteOne(queue: QueueRow, handle: unknown): void {
    if (typeof handle !== "string" || handle === "") throw missingParameter("ReceiptHandle");
    const { row, nonce } = this.message(queue, handle);
    // Only the latest receipt deletes; an older one succeeds without effect, as on AWS.
    if (row && row.receipt_nonce === nonce) this.c.db.prepare("DELETE FROM messages WHERE seq = ?").run(row.seq);
  }

  DeleteMessage(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    this.deleteOne(queue, input.ReceiptHandle);
    return {};
  }

  DeleteMessageBatch(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    const entries = this.checkBatch(input.Entries, "DeleteMessageBatchRequestEntry");
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const e of entries) {
      try {
        this.deleteOne(queue, e.ReceiptHandle);
        Successful.push({ Id: e.Id });
      } catch (err) {
        Failed.push(this.failure(e.Id, err));
      }
    }
    return { Successful, Failed };
  }

  private changeVisibilityOne(queue: QueueRow, handle: unknown, timeout: unknown): void {
    if (typeof handle !== "string" || handle === "") throw missingParameter("ReceiptHandle");
    if (timeout === undefined || timeout === null) throw missingParameter("VisibilityTimeout");
    const vt = intParam("VisibilityTimeout", timeout, 0, 43200, "Must be between 0 and 43200, if provided.")!;
    const { row, nonce } = this.message(queue, handle);
    if (!row || row.receipt_nonce !== nonce) throw receiptHandleIsInvalid(handle);
    const now = Date.now();
    if (row.visible_at <= now) throw messageNotInflight();
    this.c.db.prepare("UPDATE messages SET visible_at = ? WHERE seq = ?").run(now + vt * 1000, row.seq);
    if (vt === 0) this.c.messageAvailable(queue.name);
  }

  ChangeMessageVisibility(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    this.changeVisibilityOne(queue, input.ReceiptHandle, input.VisibilityTimeout);
    return {};
  }

  ChangeMessageVisibilityBatch(input: any, ctx: CallContext) {
    const queue = this.queues.resolve(input.QueueUrl);
    const entries = this.checkBatch(input.Entries, "ChangeMessageVisibilityBatchRequestEntry");
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    for (const e of entries) {
      try {
        this.changeVisibilityOne(queue, e.ReceiptHandle, e.VisibilityTimeout);
        Successful.push({ Id: e.Id });
      } catch (err) {
        Failed.push(this.failure(e.Id, err));
      }
    }
    return { Successful, Failed };
  }

  /** Drops messages past their queue's retention period (run periodically). */
  sweepExpired(): void {
    const now = Date.now();
    const queues = this.c.db.prepare("SELECT name, attributes FROM queues").all() as { name: string; attributes: string }[];
    for (const q of queues) {
      const retention = Number(JSON.parse(q.attributes).MessageRetentionPeriod ?? 345600);
      this.c.db.prepare("DELETE FROM messages WHERE queue = ? AND sent_at <= ?").run(q.name, now - retention * 1000);
    }
    this.c.db.prepare("DELETE FROM fifo_dedup WHERE expires <= ?").run(now);
  }
}

/** Batch size accounting tolerates malformed attributes; the entry itself reports them. */
function validateSizeLoose(attrs: unknown): number {
  try {
    return validateMessageAttributes(attrs).size;
  } catch {
    return 0;
  }
}
