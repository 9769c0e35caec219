/**
 * SQS → Lambda: receives batches from the queue (collecting several receives up to
 * BatchSize or until MaximumBatchingWindowInSeconds elapses), invokes the function with
 * the SQS event, deletes what succeeded, and leaves failures to reappear after the
 * visibility timeout. ReportBatchItemFailures and FilterCriteria are honoured.
 * It wakes early on "sqs:message" for its queue; a missing queue or function is
 * logged and retried with back-off, never thrown.
 */
import type { StoredMapping } from "../../model.js";
import { compileFilters } from "./event-filter.js";
import { PollingLoop } from "./polling-loop.js";

export class SqsPoller extends PollingLoop {
  private queueUrl?: string;

  override update(mapping: StoredMapping): void {
    if (mapping.EventSourceArn !== this.mapping.EventSourceArn) this.queueUrl = undefined;
    super.update(mapping);
  }

  /** The queue may have been deleted and made again: look its URL up afresh. */
  protected override onPollError(): void {
    this.queueUrl = undefined;
  }

  /** One batch: receive, filter, invoke, delete. False when the queue was empty. */
  async pollOnce(): Promise<boolean> {
    const sqs = this.deps.cloud.sqs;
    if (!sqs) throw new Error("SQS is not running");
    const queueUrl = await this.resolveQueueUrl();
    const messages = await this.collect(queueUrl);
    if (messages.length === 0) return false;

    const arn = this.mapping.EventSourceArn;
    const region = arn.split(":")[3];
    const records = messages.map((m) => toRecord(m, arn, region));
    const filter = compileFilters(this.mapping.FilterCriteria);
    const matched = filter ? records.filter((r) => filter(filterView(r))) : records;
    const dropped = filter ? records.filter((r) => !matched.includes(r)) : [];
    // Messages no filter matches are deleted without invoking, as Lambda does.
    if (dropped.length) await this.deleteMessages(queueUrl, dropped);
    if (matched.length === 0) return true;

    const result = await this.deps.invoke(this.mapping.FunctionArn, { Records: matched });
    if (result.status !== "success") {
      this.deps.reportResult(this.mapping.UUID, "PROBLEM: Function call failed");
      return true;
    }
    let succeeded = matched;
    if (this.mapping.FunctionResponseTypes?.includes("ReportBatchItemFailures")) {
      const failed = failedIds(result.payload, matched);
      succeeded = failed === "all" ? [] : matched.filter((r) => !failed.has(r.messageId));
    }
    if (succeeded.length) await this.deleteMessages(queueUrl, succeeded);
    this.deps.reportResult(this.mapping.UUID, "OK");
    return true;
  }

  private async resolveQueueUrl(): Promise<string> {
    if (this.queueUrl) return this.queueUrl;
    const parts = this.mapping.EventSourceArn.split(":");
    const out = await this.deps.cloud.sqs!.call("GetQueueUrl", { QueueName: parts[5], QueueOwnerAWSAccountId: parts[4] });
    if (!out?.QueueUrl) throw new Error(`queue ${parts[5]} has no URL`);
    this.queueUrl = String(out.QueueUrl);
    return this.queueUrl;
  }

  /** Receives until BatchSize messages are in hand or the batching window is over. */
  private async collect(queueUrl: string): Promise<any[]> {
    const batchSize = this.mapping.BatchSize || 10;
    const windowMs = (this.mapping.MaximumBatchingWindowInSeconds || 0) * 1000;
    const deadline = Date.now() + windowMs;
    const messages: any[] = [];
    while (this.running && messages.length < batchSize) {
      const out = await this.deps.cloud.sqs!.call("ReceiveMessage", {
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, batchSize - messages.length),
        WaitTimeSeconds: 0,
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      });
      const got: any[] = out?.Messages ?? [];
      messages.push(...got);
      if (got.length > 0) continue;
      // Nothing more now: with no window (or nothing collected yet) hand back what we have.
      if (windowMs === 0 || messages.length === 0) break;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await this.waiter.wait(Math.min(left, 200));
    }
    return messages;
  }

  private async deleteMessages(queueUrl: string, records: SqsRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      await this.deps.cloud.sqs!.call("DeleteMessageBatch", {
        QueueUrl: queueUrl,
        Entries: chunk.map((r, j) => ({ Id: String(j), ReceiptHandle: r.receiptHandle })),
      });
    }
  }
}

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, unknown>;
  md5OfBody: string;
  eventSource: "aws:sqs";
  eventSourceARN: string;
  awsRegion: string;
}

/** The SQS record Lambda hands to functions (camelCase message attributes with list fields). */
export function toRecord(m: any, arn: string, region: string): SqsRecord {
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, v] of Object.entries<any>(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      stringValue: v.StringValue,
      binaryValue: v.BinaryValue !== undefined ? Buffer.from(v.BinaryValue).toString("base64") : undefined,
      stringListValues: v.StringListValues ?? [],
      binaryListValues: v.BinaryListValues ?? [],
      dataType: v.DataType,
    };
  }
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body ?? "",
    attributes: { ...(m.Attributes ?? {}) },
    messageAttributes,
    md5OfBody: m.MD5OfBody,
    eventSource: "aws:sqs",
    eventSourceARN: arn,
    awsRegion: region,
  };
}

/** Filters see the body as JSON when it is JSON. */
function filterView(r: SqsRecord): unknown {
  try {
    return { ...r, body: JSON.parse(r.body) };
  } catch {
    return r;
  }
}

/** The ids the function reported as failed; "all" when its answer is malformed (Lambda then retries the whole batch). */
function failedIds(payload: Buffer, records: SqsRecord[]): Set<string> | "all" {
  let response: any;
  try {
    response = JSON.parse(payload.toString() || "null");
  } catch {
    return "all";
  }
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return "all";
  const ids = new Set<string>();
  const known = new Set(records.map((r) => r.messageId));
  for (const f of failures) {
    const id = f?.itemIdentifier;
    if (typeof id !== "string" || !known.has(id)) return "all";
    ids.add(id);
  }
  return ids;
}
