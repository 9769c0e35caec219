/** AWS::SNS::TopicPolicy: the Policy attribute of each topic in Topics. */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

const json = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export const snsTopicPolicy: ResourceProvider = {
  async create(props, ctx) {
    const sns = service(ctx, "sns");
    for (const arn of props.Topics ?? []) await sns.call("SetTopicAttributes", { TopicArn: arn, AttributeName: "Policy", AttributeValue: json(props.PolicyDocument) });
    return { physicalId: ctx.physicalName({ maxLength: 128 }) };
  },
  async update(_id, props, old, ctx) {
    const sns = service(ctx, "sns");
    for (const arn of props.Topics ?? []) await sns.call("SetTopicAttributes", { TopicArn: arn, AttributeName: "Policy", AttributeValue: json(props.PolicyDocument) });
    for (const arn of old.Topics ?? []) {
      if (!(props.Topics ?? []).includes(arn)) await ignoreNotFound(sns.call("SetTopicAttributes", { TopicArn: arn, AttributeName: "Policy", AttributeValue: "" }));
    }
    return {};
  },
  async delete(_id, props, ctx) {
    const sns = service(ctx, "sns");
    for (const arn of props.Topics ?? []) await ignoreNotFound(sns.call("SetTopicAttributes", { TopicArn: arn, AttributeName: "Policy", AttributeValue: "" }));
  },
};
