/**
 * Queue management: create (idempotent), look up, list, attributes, tags, purge,
 * delete. Messages live in messages.ts.
 */
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import { queueArn, queueNameOf, queueUrl, type SqsContext } from "./context.js";
import {
  invalidAttributeName,
  invalidParameterValue,
  missingParameter,
  purgeQueueInProgress,
  queueDoesNotExist,
  queueNameExists,
} from "./errors.js";
import { COMPUTED, initialAttributes, isKnownAttribute, mergeAttributes, validateAttributes } from "./queue-attributes.js";
import type { QueueRow } from "./store.js";

const NAME_RE = /^[A-Za-z0-9_-]{1,80}$/;

function attributeMap(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalidParameterValue("Attributes must be a map.");
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
}

export class QueueOperations {
  constructor(private readonly c: SqsContext) {}

  get(name: string): QueueRow | undefined {
    return this.c.db.prepare("SELECT * FROM queues WHERE name = ?").get(name) as QueueRow | undefined;
  }

  getByArn(arn: string): QueueRow | undefined {
    const name = arn.split(":")[5];
    return name ? this.get(name) : undefined;
  }

  /** The queue a QueueUrl names (the IAM check on it was made with the request: operations.ts). */
  resolve(url: string): QueueRow {
    const row = this.get(queueNameOf(url));
    if (!row) throw queueDoesNotExist();
    return row;
  }

  /**
   * A redrive policy must point at an existing queue of the same type whose
   * RedriveAllowPolicy admits this source.
   */
  private checkRedriveTarget(sourceName: string, fifo: boolean, redrivePolicy: string | undefined): void {
    if (!redrivePolicy) return;
    const { deadLetterTargetArn } = JSON.parse(redrivePolicy) as { deadLetterTargetArn: string };
    const reason = (why: string) => invalidParameterValue(`Value ${redrivePolicy} for parameter RedrivePolicy is invalid. Reason: ${why}`);
    const target = this.getByArn(deadLetterTargetArn);
    if (!target) throw reason("Dead letter target does not exist.");
    if (this.isFifo(target) !== fifo) throw reason("Dead-letter queue must be same type of queue as the source.");
    const allow = this.attributesOf(target).RedriveAllowPolicy;
    if (allow) {
      const p = JSON.parse(allow) as { redrivePermission: string; sourceQueueArns?: string[] };
      const source = queueArn(this.c.region, sourceName);
      if (p.redrivePermission === "denyAll" || (p.redrivePermission === "byQueue" && !(p.sourceQueueArns ?? []).includes(source))) {
        throw reason(`Queue ${source} is not allowed to use ${deadLetterTargetArn} as its dead-letter queue.`);
      }
    }
  }

  attributesOf(row: QueueRow): Record<string, string> {
    return JSON.parse(row.attributes);
  }

  isFifo(row: QueueRow): boolean {
    return this.attributesOf(row).FifoQueue === "true";
  }

  CreateQueue(input: any, ctx: CallContext) {
    const name = input.QueueName;
    if (typeof name !== "string" || name === "") throw missingParameter("QueueName");
    const given = attributeMap(input.Attributes) ?? {};
    const fifo = name.endsWith(".fifo");
    const base = fifo ? name.slice(0, -5) : name;
    if (!NAME_RE.test(base) || name.length > 80) {
      throw invalidParameterValue(
        fifo || given.FifoQueue === "true"
          ? "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length."
          : "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
      );
    }
    if (fifo && given.FifoQueue !== "true") {
      throw invalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
    }
    const attrs = validateAttributes(given, fifo, true);
    this.checkRedriveTarget(name, fifo, attrs.RedrivePolicy);
    const existing = this.get(name);
    if (existing) {
      const current = this.attributesOf(existing);
      for (const [k, v] of Object.entries(attrs)) {
        if ((current[k] ?? "") !== v) {
          throw queueNameExists(`A queue already exists with the same name and a different value for attribute ${k}`);
        }
      }
      return { QueueUrl: queueUrl(this.c.endpoint(), name) };
    }
    const tags = input.tags ?? input.Tags ?? {};
    if (typeof tags !== "object") throw invalidParameterValue("Tags must be a map.");
    const now = Date.now();
    this.c.db.prepare("INSERT INTO queues (name, attributes, tags, created, modified) VALUES (?, ?, ?, ?, ?)").run(
      name,
      JSON.stringify(initialAttributes(attrs, fifo)),
      JSON.stringify(tags),
      now,
      now,
    );
    return { QueueUrl: queueUrl(this.c.endpoint(), name) };
  }

  GetQueueUrl(input: any, ctx: CallContext) {
    const name = input.QueueName;
    if (typeof name !== "string" || name === "") throw missingParameter("QueueName");
    if (!this.get(name)) throw queueDoesNotExist();
    return { QueueUrl: queueUrl(this.c.endpoint(), name) };
  }

  ListQueues(input: any, ctx: CallContext) {
    const prefix = typeof input.QueueNamePrefix === "string" ? input.QueueNamePrefix : "";
    const max = input.MaxResults === undefined ? undefined : Number(input.MaxResults);
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 1000)) {
      throw invalidParameterValue(`Value ${input.MaxResults} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.`);
    }
    if (input.NextToken !== undefined && max === undefined) {
      throw invalidParameterValue("MaxResults is a mandatory parameter when you provide a value for the NextToken parameter.");
    }
    let names = (this.c.db.prepare("SELECT name FROM queues ORDER BY name").all() as { name: string }[]).map((r) => r.name).filter((n) => n.startsWith(prefix));
    if (input.NextToken) {
      let after: string;
      try {
        after = Buffer.from(String(input.NextToken), "base64url").toString("utf8");
      } catch {
        throw invalidParameterValue("Invalid NextToken value.");
      }
      names = names.filter((n) => n > after);
    }
    // Without MaxResults SQS returns up to 1000 queues and no token.
    const limit = max ?? 1000;
    const page = names.slice(0, limit);
    const more = max !== undefined && names.length > limit;
    return {
      ...(page.length > 0 ? { QueueUrls: page.map((n) => queueUrl(this.c.endpoint(), n)) } : {}),
      ...(more ? { NextToken: Buffer.from(page[page.length - 1]!).toString("base64url") } : {}),
    };
  }

  GetQueueAttributes(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const requested: string[] = Array.isArray(input.AttributeNames) ? input.AttributeNames.map(String) : [];
    for (const n of requested) if (!isKnownAttribute(n)) throw invalidAttributeName(`Unknown Attribute ${n}.`);
    if (requested.length === 0) return {};
    const all = requested.includes("All");
    const attrs = this.attributesOf(row);
    const now = Date.now();
    const counts = this.c.db.prepare(
      `SELECT
         SUM(CASE WHEN visible_at <= ? THEN 1 ELSE 0 END) AS visible,
         SUM(CASE WHEN visible_at > ? AND receive_count > 0 THEN 1 ELSE 0 END) AS inflight,
         SUM(CASE WHEN visible_at > ? AND receive_count = 0 THEN 1 ELSE 0 END) AS delayed
       FROM messages WHERE queue = ?`,
    ).get(now, now, now, row.name) as { visible: number | null; inflight: number | null; delayed: number | null };
    const computed: Record<string, string> = {
      QueueArn: queueArn(this.c.region, row.name),
      ApproximateNumberOfMessages: String(counts.visible ?? 0),
      ApproximateNumberOfMessagesNotVisible: String(counts.inflight ?? 0),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed ?? 0),
      CreatedTimestamp: String(Math.floor(row.created / 1000)),
      LastModifiedTimestamp: String(Math.floor(row.modified / 1000)),
    };
    const everything = { ...attrs, ...computed };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(everything)) {
      if (all || requested.includes(k)) out[k] = v;
    }
    return Object.keys(out).length > 0 ? { Attributes: out } : {};
  }

  SetQueueAttributes(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const changes = validateAttributes(attributeMap(input.Attributes) ?? {}, this.isFifo(row), false);
    for (const k of Object.keys(changes)) if (COMPUTED.has(k)) throw invalidAttributeName(`Unknown Attribute ${k}.`);
    this.checkRedriveTarget(row.name, this.isFifo(row), changes.RedrivePolicy);
    const next = mergeAttributes(this.attributesOf(row), changes);
    this.c.db.prepare("UPDATE queues SET attributes = ?, modified = ? WHERE name = ?").run(JSON.stringify(next), Date.now(), row.name);
    return {};
  }

  DeleteQueue(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    this.c.db.transaction(() => {
      this.c.db.prepare("DELETE FROM messages WHERE queue = ?").run(row.name);
      this.c.db.prepare("DELETE FROM fifo_dedup WHERE queue = ?").run(row.name);
      this.c.db.prepare("DELETE FROM queues WHERE name = ?").run(row.name);
    })();
    // Parked long polls on the queue return (empty) now.
    this.c.waiters.notify(row.name);
    return {};
  }

  PurgeQueue(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const now = Date.now();
    if (now - row.last_purge < 60_000) throw purgeQueueInProgress(queueUrl(this.c.endpoint(), row.name));
    this.c.db.transaction(() => {
      this.c.db.prepare("DELETE FROM messages WHERE queue = ?").run(row.name);
      this.c.db.prepare("UPDATE queues SET last_purge = ? WHERE name = ?").run(now, row.name);
    })();
    return {};
  }

  TagQueue(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const tags = { ...JSON.parse(row.tags), ...(input.Tags ?? {}) };
    if (Object.keys(tags).length > 50) throw invalidParameterValue("Too many tags added for queue " + row.name + ".");
    this.c.db.prepare("UPDATE queues SET tags = ? WHERE name = ?").run(JSON.stringify(tags), row.name);
    return {};
  }

  UntagQueue(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const tags = JSON.parse(row.tags) as Record<string, string>;
    for (const k of Array.isArray(input.TagKeys) ? input.TagKeys : []) delete tags[String(k)];
    this.c.db.prepare("UPDATE queues SET tags = ? WHERE name = ?").run(JSON.stringify(tags), row.name);
    return {};
  }

  ListQueueTags(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const tags = JSON.parse(row.tags) as Record<string, string>;
    return Object.keys(tags).length > 0 ? { Tags: tags } : {};
  }

  ListDeadLetterSourceQueues(input: any, ctx: CallContext) {
    const row = this.resolve(input.QueueUrl);
    const arn = queueArn(this.c.region, row.name);
    const sources = (this.c.db.prepare("SELECT name, attributes FROM queues ORDER BY name").all() as { name: string; attributes: string }[])
      .filter((q) => {
        const rp = JSON.parse(q.attributes).RedrivePolicy;
        return rp && JSON.parse(rp).deadLetterTargetArn === arn;
      })
      .map((q) => queueUrl(this.c.endpoint(), q.name));
    return { queueUrls: sources };
  }
}
