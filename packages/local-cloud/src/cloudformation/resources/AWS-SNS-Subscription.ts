/**
 * AWS::SNS::Subscription: Ref is the subscription ARN. FilterPolicy, RedrivePolicy and
 * DeliveryPolicy arrive as JSON objects and are stored as text; changing them updates
 * the subscription in place, changing topic, protocol or endpoint replaces it.
 */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

const SETTABLE = ["FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn", "ReplayPolicy"];

function attributes(props: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of SETTABLE) {
    const v = props[k];
    if (v !== undefined) out[k] = typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

export const snsSubscription: ResourceProvider = {
  replacementProps: ["TopicArn", "Protocol", "Endpoint", "Region"],
  async create(props, ctx) {
    const { SubscriptionArn } = await service(ctx, "sns").call("Subscribe", {
      TopicArn: props.TopicArn, Protocol: props.Protocol, Endpoint: props.Endpoint, Attributes: attributes(props), ReturnSubscriptionArn: true,
    });
    return { physicalId: SubscriptionArn };
  },
  async update(arn, props, old, ctx) {
    const sns = service(ctx, "sns");
    const now = attributes(props), before = attributes(old);
    // Scope before policy: a body-scoped policy is only valid once the scope says so.
    for (const k of ["FilterPolicyScope", ...SETTABLE.filter((x) => x !== "FilterPolicyScope")]) {
      if (now[k] !== before[k]) await sns.call("SetSubscriptionAttributes", { SubscriptionArn: arn, AttributeName: k, AttributeValue: now[k] ?? "" });
    }
    return {};
  },
  async delete(arn, _props, ctx) {
    await ignoreNotFound(service(ctx, "sns").call("Unsubscribe", { SubscriptionArn: arn }));
  },
};
