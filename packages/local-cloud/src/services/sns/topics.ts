/**
 * Topic operations: CreateTopic (idempotent for the same name and attributes, FIFO
 * when the name ends in ".fifo" and FifoTopic is "true"), DeleteTopic, ListTopics,
 * Get/SetTopicAttributes and tags.
 */
import { AwsError } from "../../server/aws-error.js";
import type { CallContext } from "../../types.js";
import { topicArnOf, parseTopicArn, type SnsContext } from "./context.js";
import { invalidParameter, resourceNotFound, topicNotFound } from "./errors.js";
import type { StoredTopic } from "./store.js";

/** Attributes a caller may set (the rest are computed). */
const SETTABLE = new Set([
  "DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig", "ContentBasedDeduplication",
  "FifoTopic", "ArchivePolicy", "DataProtectionPolicy", "FifoThroughputScope",
  "HTTPSuccessFeedbackRoleArn", "HTTPFailureFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate",
  "LambdaSuccessFeedbackRoleArn", "LambdaFailureFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate",
  "SQSSuccessFeedbackRoleArn", "SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackSampleRate",
]);
const PAGE = 100;

export class TopicOperations {
  constructor(private readonly c: SnsContext) {}

  /** The topic an ARN names; NotFound when it does not exist. */
  topic(arn: unknown): StoredTopic {
    const parsed = parseTopicArn(arn);
    if (!parsed) throw invalidParameter("TopicArn");
    const topic = this.c.store.getTopic(String(arn));
    if (!topic) throw topicNotFound();
    return topic;
  }

  CreateTopic(input: any, ctx: CallContext) {
    const name = input.Name;
    if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(name) || name.length > 256) {
      throw invalidParameter("Topic Name");
    }
    const arn = topicArnOf(this.c, name);
    const attrs = stringMap(input.Attributes);
    for (const k of Object.keys(attrs)) if (!SETTABLE.has(k)) throw invalidParameter(`Attributes Reason: Unknown attribute ${k}`);
    const fifo = attrs.FifoTopic === "true";
    if (fifo !== name.endsWith(".fifo")) throw invalidParameter("Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.");
    if (!fifo) delete attrs.FifoTopic;
    const existing = this.c.store.getTopic(arn);
    if (existing) {
      // Same name, different attributes: SNS refuses rather than silently changing them.
      for (const [k, v] of Object.entries(attrs)) {
        if (existing.attributes[k] !== v) throw invalidParameter("Attributes Reason: Topic already exists with different attributes");
      }
      return { TopicArn: arn };
    }
    this.c.store.putTopic({ arn, name, attributes: { ...(fifo ? { ContentBasedDeduplication: "false" } : {}), ...attrs }, tags: tagMap(input.Tags) });
    return { TopicArn: arn };
  }

  DeleteTopic(input: any, ctx: CallContext) {
    if (!parseTopicArn(input.TopicArn)) throw invalidParameter("TopicArn");
    // Deleting a topic that does not exist succeeds, as in SNS.
    this.c.store.deleteTopic(input.TopicArn);
    return {};
  }

  ListTopics(input: any, ctx: CallContext) {
    const all = this.c.store.listTopics();
    const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), "base64").toString()) : 0;
    if (!Number.isInteger(start) || start < 0) throw invalidParameter("NextToken");
    const page = all.slice(start, start + PAGE);
    const next = start + PAGE < all.length ? Buffer.from(String(start + PAGE)).toString("base64") : undefined;
    return { Topics: page.map((t) => ({ TopicArn: t.arn })), ...(next ? { NextToken: next } : {}) };
  }

  GetTopicAttributes(input: any, ctx: CallContext) {
    const topic = this.topic(input.TopicArn);
    const subs = this.c.store.listSubscriptions(topic.arn);
    const pending = subs.filter((s) => s.attributes.PendingConfirmation === "true").length;
    return {
      Attributes: {
        TopicArn: topic.arn,
        Owner: this.c.accountId,
        Policy: topic.attributes.Policy ?? defaultPolicy(topic.arn, this.c.accountId),
        DisplayName: topic.attributes.DisplayName ?? "",
        SubscriptionsPending: String(pending),
        SubscriptionsConfirmed: String(subs.length - pending),
        SubscriptionsDeleted: "0",
        EffectiveDeliveryPolicy: topic.attributes.DeliveryPolicy ?? DEFAULT_DELIVERY_POLICY,
        ...topic.attributes,
      },
    };
  }

  SetTopicAttributes(input: any, ctx: CallContext) {
    const topic = this.topic(input.TopicArn);
    const name = input.AttributeName;
    if (typeof name !== "string" || !SETTABLE.has(name)) throw invalidParameter("AttributeName");
    if (name === "FifoTopic") throw invalidParameter("AttributeName: FifoTopic can only be set when the topic is created");
    const value = input.AttributeValue === undefined || input.AttributeValue === null ? "" : String(input.AttributeValue);
    if (name === "Policy" && value !== "") {
      try {
        JSON.parse(value);
      } catch {
        throw invalidParameter("Policy: failed to parse JSON");
      }
    }
    if (value === "") delete topic.attributes[name];
    else topic.attributes[name] = value;
    this.c.store.putTopic(topic);
    return {};
  }

  TagResource(input: any, ctx: CallContext) {
    const topic = this.taggable(input.ResourceArn);
    const tags = tagMap(input.Tags);
    if (Object.keys({ ...topic.tags, ...tags }).length > 50) throw new AwsError("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded", 400);
    topic.tags = { ...topic.tags, ...tags };
    this.c.store.putTopic(topic);
    return {};
  }

  UntagResource(input: any, ctx: CallContext) {
    const topic = this.taggable(input.ResourceArn);
    for (const k of Array.isArray(input.TagKeys) ? input.TagKeys : []) delete topic.tags[String(k)];
    this.c.store.putTopic(topic);
    return {};
  }

  ListTagsForResource(input: any, ctx: CallContext) {
    const topic = this.taggable(input.ResourceArn);
    return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  private taggable(arn: unknown): StoredTopic {
    const topic = parseTopicArn(arn) ? this.c.store.getTopic(String(arn)) : undefined;
    if (!topic) throw resourceNotFound();
    return topic;
  }
}

export const DEFAULT_DELIVERY_POLICY = JSON.stringify({
  http: { defaultHealthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear" }, disableSubscriptionOverrides: false },
});

function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [{
      Sid: "__default_statement_ID", Effect: "Allow", Principal: { AWS: "*" },
      Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
      Resource: arn, Condition: { StringEquals: { "AWS:SourceOwner": account } },
    }],
  });
}

function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== "object") return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
}

/** Tags arrive as [{ Key, Value }]. */
export function tagMap(tags: unknown): Record<string, string> {
  if (!Array.isArray(tags)) return {};
  const out: Record<string, string> = {};
  for (const t of tags) {
    if (!t || typeof t.Key !== "string" || t.Key === "") throw invalidParameter("Tags: every tag needs a Key");
    out[t.Key] = String(t.Value ?? "");
  }
  return out;
}
