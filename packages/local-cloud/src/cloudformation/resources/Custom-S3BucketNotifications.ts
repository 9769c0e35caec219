/**
 * Custom::S3BucketNotifications: CDK emits it (backed by an inline Python Lambda) to set
 * a bucket's notifications after the targets' permissions exist. Provisioned natively:
 * the properties already carry the S3 API shape; the ServiceToken is ignored.
 */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

function config(props: Record<string, any>) {
  const c = props.NotificationConfiguration ?? {};
  const out: Record<string, unknown> = {};
  for (const k of ["LambdaFunctionConfigurations", "QueueConfigurations", "TopicConfigurations", "EventBridgeConfiguration"]) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  return out;
}

export const s3BucketNotifications: ResourceProvider = {
  replacementProps: ["BucketName"],
  async create(props, ctx) {
    await service(ctx, "s3").call("PutBucketNotificationConfiguration", { Bucket: props.BucketName, NotificationConfiguration: config(props) });
    return { physicalId: `${props.BucketName}-notifications` };
  },
  async update(_id, props, _old, ctx) {
    await service(ctx, "s3").call("PutBucketNotificationConfiguration", { Bucket: props.BucketName, NotificationConfiguration: config(props) });
    return {};
  },
  async delete(_id, props, ctx) {
    // Managed=false means the bucket is imported: its notifications are not ours to clear.
    if (props.Managed === false || props.Managed === "false") return;
    await ignoreNotFound(service(ctx, "s3").call("PutBucketNotificationConfiguration", { Bucket: props.BucketName, NotificationConfiguration: {} }));
  },
};
