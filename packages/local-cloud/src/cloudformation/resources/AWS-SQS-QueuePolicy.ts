/** AWS::SQS::QueuePolicy: the Policy attribute of each queue URL in Queues. */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

const json = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export const sqsQueuePolicy: ResourceProvider = {
  async create(props, ctx) {
    const sqs = service(ctx, "sqs");
    for (const url of props.Queues ?? []) await sqs.call("SetQueueAttributes", { QueueUrl: url, Attributes: { Policy: json(props.PolicyDocument) } });
    return { physicalId: ctx.physicalName({ maxLength: 128 }) };
  },
  async update(_id, props, old, ctx) {
    const sqs = service(ctx, "sqs");
    for (const url of props.Queues ?? []) await sqs.call("SetQueueAttributes", { QueueUrl: url, Attributes: { Policy: json(props.PolicyDocument) } });
    for (const url of old.Queues ?? []) {
      if (!(props.Queues ?? []).includes(url)) await ignoreNotFound(sqs.call("SetQueueAttributes", { QueueUrl: url, Attributes: { Policy: "" } }));
    }
    return {};
  },
  async delete(_id, props, ctx) {
    const sqs = service(ctx, "sqs");
    for (const url of props.Queues ?? []) await ignoreNotFound(sqs.call("SetQueueAttributes", { QueueUrl: url, Attributes: { Policy: "" } }));
  },
};
