/**
 * AWS::SQS::Queue: Ref is the queue URL; GetAtt Arn, QueueName, QueueUrl. Template
 * properties become queue attributes (strings, policies as JSON); removed ones go
 * back to SQS's defaults on update.
 */
import { ignoreNotFound, optionalCall, service, tagMap, type ResourceProvider, type ProviderContext } from "../provider.js";

const ATTRIBUTES = [
  "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout",
  "RedrivePolicy", "RedriveAllowPolicy", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
  "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
];

/** What an attribute reverts to when the template stops setting it. */
const DEFAULTS: Record<string, string> = {
  DelaySeconds: "0", MaximumMessageSize: "262144", MessageRetentionPeriod: "345600", ReceiveMessageWaitTimeSeconds: "0",
  VisibilityTimeout: "30", RedrivePolicy: "", RedriveAllowPolicy: "", KmsMasterKeyId: "", SqsManagedSseEnabled: "true",
};

function attributes(props: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ATTRIBUTES) {
    const v = props[k];
    if (v === undefined) continue;
    out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

function queueName(props: Record<string, any>, ctx: ProviderContext): string {
  if (props.QueueName) return props.QueueName;
  const fifo = props.FifoQueue === true || props.FifoQueue === "true";
  return fifo ? `${ctx.physicalName({ maxLength: 75 })}.fifo` : ctx.physicalName({ maxLength: 80 });
}

function attrs(url: string, name: string, ctx: ProviderContext) {
  return { Arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`, QueueName: name, QueueUrl: url };
}

export const sqsQueue: ResourceProvider = {
  replacementProps: ["QueueName", "FifoQueue"],
  nameProperty: "QueueName",
  async create(props, ctx) {
    const name = queueName(props, ctx);
    const out = await service(ctx, "sqs").call("CreateQueue", { QueueName: name, Attributes: attributes(props), tags: tagMap(props.Tags) });
    const url = out?.QueueUrl;
    if (!url) throw new Error(`CreateQueue for ${name} returned no QueueUrl`);
    return { physicalId: url, attributes: attrs(url, name, ctx) };
  },
  async update(url, props, old, ctx, oldAttrs) {
    const sqs = service(ctx, "sqs");
    const now = attributes(props), before = attributes(old);
    const changed: Record<string, string> = {};
    for (const k of new Set([...Object.keys(now), ...Object.keys(before)])) {
      if (now[k] === before[k]) continue;
      if (now[k] !== undefined) changed[k] = now[k];
      else if (DEFAULTS[k] !== undefined) changed[k] = DEFAULTS[k];
    }
    if (Object.keys(changed).length > 0) await sqs.call("SetQueueAttributes", { QueueUrl: url, Attributes: changed });
    const tags = tagMap(props.Tags) ?? {}, oldTags = tagMap(old.Tags) ?? {};
    const removed = Object.keys(oldTags).filter((k) => !(k in tags));
    if (removed.length) await optionalCall(sqs, "UntagQueue", { QueueUrl: url, TagKeys: removed });
    const setTags = Object.fromEntries(Object.entries(tags).filter(([k, v]) => oldTags[k] !== v));
    if (Object.keys(setTags).length) await optionalCall(sqs, "TagQueue", { QueueUrl: url, Tags: setTags });
    return oldAttrs;
  },
  async delete(url, _props, ctx) {
    await ignoreNotFound(service(ctx, "sqs").call("DeleteQueue", { QueueUrl: url }));
  },
};
