/**
 * AWS::SNS::Topic: Ref is the topic ARN; GetAtt TopicArn, TopicName. Inline
 * `Subscription` entries become subscriptions; template attributes become topic
 * attributes (removed ones are cleared on update).
 */
import { ignoreNotFound, optionalCall, service, tagMap, type ProviderContext, type ResourceProvider } from "../provider.js";

const ATTRIBUTES = ["DisplayName", "KmsMasterKeyId", "ContentBasedDeduplication", "SignatureVersion", "TracingConfig", "ArchivePolicy", "DataProtectionPolicy", "FifoThroughputScope"];

function attributes(props: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ATTRIBUTES) {
    const v = props[k];
    if (v !== undefined) out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

const isFifo = (props: Record<string, any>) => props.FifoTopic === true || props.FifoTopic === "true";

function topicName(props: Record<string, any>, ctx: ProviderContext): string {
  if (props.TopicName) return String(props.TopicName);
  return isFifo(props) ? `${ctx.physicalName({ maxLength: 251 })}.fifo` : ctx.physicalName({ maxLength: 256 });
}

const attrs = (arn: string) => ({ TopicArn: arn, TopicName: arn.slice(arn.lastIndexOf(":") + 1) });

async function syncInlineSubscriptions(ctx: ProviderContext, arn: string, now: any[] = [], before: any[] = []) {
  const sns = service(ctx, "sns");
  const key = (s: any) => `${String(s.Protocol).toLowerCase()} ${s.Endpoint}`;
  const wanted = new Set(now.map(key));
  const existing = (await sns.call("ListSubscriptionsByTopic", { TopicArn: arn })).Subscriptions as any[];
  for (const s of before) {
    if (wanted.has(key(s))) continue;
    const sub = existing.find((e) => key(e) === key(s));
    if (sub) await ignoreNotFound(sns.call("Unsubscribe", { SubscriptionArn: sub.SubscriptionArn }));
  }
  for (const s of now) await sns.call("Subscribe", { TopicArn: arn, Protocol: s.Protocol, Endpoint: s.Endpoint, ReturnSubscriptionArn: true });
}

export const snsTopic: ResourceProvider = {
  replacementProps: ["TopicName", "FifoTopic"],
  nameProperty: "TopicName",
  attributeNames: ["TopicArn", "TopicName"],
  async create(props, ctx) {
    const name = topicName(props, ctx);
    const { TopicArn } = await service(ctx, "sns").call("CreateTopic", {
      Name: name,
      Attributes: { ...attributes(props), ...(isFifo(props) ? { FifoTopic: "true" } : {}) },
      Tags: props.Tags,
    });
    await syncInlineSubscriptions(ctx, TopicArn, props.Subscription);
    return { physicalId: TopicArn, attributes: attrs(TopicArn) };
  },
  async update(arn, props, old, ctx) {
    const sns = service(ctx, "sns");
    const now = attributes(props), before = attributes(old);
    for (const k of new Set([...Object.keys(now), ...Object.keys(before)])) {
      if (now[k] !== before[k]) await sns.call("SetTopicAttributes", { TopicArn: arn, AttributeName: k, AttributeValue: now[k] ?? "" });
    }
    const tags = tagMap(props.Tags) ?? {}, oldTags = tagMap(old.Tags) ?? {};
    const removed = Object.keys(oldTags).filter((k) => !(k in tags));
    if (removed.length) await optionalCall(sns, "UntagResource", { ResourceArn: arn, TagKeys: removed });
    if (Object.keys(tags).length) await optionalCall(sns, "TagResource", { ResourceArn: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
    await syncInlineSubscriptions(ctx, arn, props.Subscription, old.Subscription);
    return attrs(arn);
  },
  async delete(arn, _props, ctx) {
    await ignoreNotFound(service(ctx, "sns").call("DeleteTopic", { TopicArn: arn }));
  },
};
