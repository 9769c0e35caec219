/**
 * Subscription operations. Lambda and SQS subscriptions are confirmed at once (as in
 * SNS, for endpoints in the same account); http/https ones stay pending until the
 * endpoint confirms with the token SNS sent it in a SubscriptionConfirmation message.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { CallContext } from "../../types.js";
import { parseTopicArn, type SnsContext } from "./context.js";
import { invalidParameter, subscriptionNotFound } from "./errors.js";
import { parseFilterPolicy } from "./filter-policy.js";
import type { StoredSubscription } from "./store.js";
import type { TopicOperations } from "./topics.js";

const SETTABLE = new Set(["RawMessageDelivery", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn", "ReplayPolicy"]);
const SUPPORTED = new Set(["lambda", "sqs", "http", "https"]);

export interface ConfirmationSender {
  /** POSTs the SubscriptionConfirmation message to an http/https endpoint. */
  sendConfirmation(sub: StoredSubscription): void;
}

export class SubscriptionOperations {
  constructor(
    private readonly c: SnsContext,
    private readonly topics: TopicOperations,
    private readonly confirmations: ConfirmationSender,
  ) {}

  private subscription(arn: unknown): StoredSubscription {
    if (typeof arn !== "string" || !/^arn:aws[a-z-]*:sns:[^:]+:\d{12}:[^:]+:[0-9a-f-]{36}$/.test(arn)) throw invalidParameter("SubscriptionArn");
    const sub = this.c.store.getSubscription(arn);
    if (!sub) throw subscriptionNotFound();
    return sub;
  }

  Subscribe(input: any, ctx: CallContext) {
    const topic = this.topics.topic(input.TopicArn);
    const protocol = String(input.Protocol ?? "").toLowerCase();
    const endpoint = input.Endpoint === undefined ? "" : String(input.Endpoint);
    if (!SUPPORTED.has(protocol)) throw invalidParameter(`Invalid protocol type: ${input.Protocol ?? ""} (the local cloud delivers to lambda, sqs, http and https)`);
    checkEndpoint(protocol, endpoint);
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries((input.Attributes ?? {}) as Record<string, unknown>)) {
      if (!SETTABLE.has(k)) throw invalidParameter(`Attributes Reason: Unknown attribute ${k}`);
      attributes[k] = String(v);
    }
    checkAttributes(attributes);
    const existing = this.c.store.listSubscriptions(topic.arn).find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (existing) {
      for (const [k, v] of Object.entries(attributes)) {
        if ((existing.attributes[k] ?? "") !== v) throw invalidParameter("Attributes Reason: Subscription already exists with different attributes");
      }
      return { SubscriptionArn: existing.token && input.ReturnSubscriptionArn !== true && input.ReturnSubscriptionArn !== "true" ? "pending confirmation" : existing.arn };
    }
    const http = protocol === "http" || protocol === "https";
    const sub: StoredSubscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      attributes: { ...attributes, PendingConfirmation: http ? "true" : "false", ConfirmationWasAuthenticated: http ? "false" : "true" },
      ...(http ? { token: randomBytes(64).toString("hex") } : {}),
    };
    this.c.store.putSubscription(sub);
    if (http) {
      this.confirmations.sendConfirmation(sub);
      if (input.ReturnSubscriptionArn !== true && input.ReturnSubscriptionArn !== "true") return { SubscriptionArn: "pending confirmation" };
    }
    return { SubscriptionArn: sub.arn };
  }

  ConfirmSubscription(input: any, ctx: CallContext) {
    const topic = this.topics.topic(input.TopicArn);
    const sub = this.c.store.listSubscriptions(topic.arn).find((s) => s.token !== undefined && s.token === input.Token);
    if (!sub) throw invalidParameter("Token");
    delete sub.token;
    sub.attributes.PendingConfirmation = "false";
    sub.attributes.ConfirmationWasAuthenticated = String(input.AuthenticateOnUnsubscribe === "true" || input.AuthenticateOnUnsubscribe === true);
    this.c.store.putSubscription(sub);
    return { SubscriptionArn: sub.arn };
  }

  Unsubscribe(input: any, ctx: CallContext) {
    const sub = this.subscription(input.SubscriptionArn);
    this.c.store.deleteSubscription(sub.arn);
    return {};
  }

  ListSubscriptions(input: any, ctx: CallContext) {
    return page(this.c.store.listSubscriptions(), input.NextToken, this.c.accountId);
  }

  ListSubscriptionsByTopic(input: any, ctx: CallContext) {
    const topic = this.topics.topic(input.TopicArn);
    return page(this.c.store.listSubscriptions(topic.arn), input.NextToken, this.c.accountId);
  }

  GetSubscriptionAttributes(input: any, ctx: CallContext) {
    const sub = this.subscription(input.SubscriptionArn);
    return {
      Attributes: {
        SubscriptionArn: sub.arn,
        TopicArn: sub.topicArn,
        Owner: this.c.accountId,
        Protocol: sub.protocol,
        Endpoint: sub.endpoint,
        RawMessageDelivery: "false",
        SubscriptionPrincipal: `arn:aws:iam::${this.c.accountId}:root`,
        ...(sub.attributes.FilterPolicy ? { FilterPolicyScope: "MessageAttributes" } : {}),
        ...sub.attributes,
      },
    };
  }

  SetSubscriptionAttributes(input: any, ctx: CallContext) {
    const sub = this.subscription(input.SubscriptionArn);
    const name = input.AttributeName;
    if (typeof name !== "string" || !SETTABLE.has(name)) throw invalidParameter("AttributeName");
    const value = input.AttributeValue === undefined || input.AttributeValue === null ? "" : String(input.AttributeValue);
    const next = { ...sub.attributes };
    if (value === "") delete next[name];
    else next[name] = value;
    checkAttributes(next);
    sub.attributes = next;
    this.c.store.putSubscription(sub);
    return {};
  }
}

function checkEndpoint(protocol: string, endpoint: string): void {
  const ok =
    protocol === "lambda" ? /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/.test(endpoint)
    : protocol === "sqs" ? /^arn:aws[a-z-]*:sqs:[^:]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(endpoint)
    : new RegExp(`^${protocol}://[^\\s]+$`).test(endpoint);
  if (!ok) throw invalidParameter(`${protocol === "lambda" ? "Lambda" : protocol === "sqs" ? "SQS" : "URL"} endpoint ${endpoint ? `'${endpoint}' ` : ""}is not valid`);
}

function checkAttributes(attrs: Record<string, string>): void {
  if (attrs.RawMessageDelivery !== undefined && !/^(true|false)$/i.test(attrs.RawMessageDelivery)) throw invalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [" + attrs.RawMessageDelivery + "]. Must be true or false.");
  if (attrs.FilterPolicyScope !== undefined && !["MessageAttributes", "MessageBody"].includes(attrs.FilterPolicyScope)) {
    throw invalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + attrs.FilterPolicyScope + "]. Please use either MessageBody or MessageAttributes");
  }
  if (attrs.FilterPolicy !== undefined) parseFilterPolicy(attrs.FilterPolicy, attrs.FilterPolicyScope);
  if (attrs.RedrivePolicy !== undefined && attrs.RedrivePolicy !== "") {
    let p: any;
    try {
      p = JSON.parse(attrs.RedrivePolicy);
    } catch {
      throw invalidParameter("Attributes Reason: RedrivePolicy: failed to parse JSON");
    }
    if (typeof p?.deadLetterTargetArn !== "string") throw invalidParameter("Attributes Reason: RedrivePolicy: deadLetterTargetArn is missing");
  }
}

function page(subs: StoredSubscription[], token: unknown, owner: string) {
  const start = token ? Number(Buffer.from(String(token), "base64").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter("NextToken");
  const items = subs.slice(start, start + 100).map((s) => ({
    SubscriptionArn: s.token ? "PendingConfirmation" : s.arn, Owner: owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn,
  }));
  const next = start + 100 < subs.length ? Buffer.from(String(start + 100)).toString("base64") : undefined;
  return { Subscriptions: items, ...(next ? { NextToken: next } : {}) };
}

