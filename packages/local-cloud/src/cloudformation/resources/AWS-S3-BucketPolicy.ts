/** AWS::S3::BucketPolicy: PutBucketPolicy on Bucket; Ref is the bucket name. */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

const json = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export const s3BucketPolicy: ResourceProvider = {
  replacementProps: ["Bucket"],
  async create(props, ctx) {
    await service(ctx, "s3").call("PutBucketPolicy", { Bucket: props.Bucket, Policy: json(props.PolicyDocument) });
    return { physicalId: props.Bucket };
  },
  async update(_id, props, _old, ctx) {
    await service(ctx, "s3").call("PutBucketPolicy", { Bucket: props.Bucket, Policy: json(props.PolicyDocument) });
    return {};
  },
  async delete(_id, props, ctx) {
    await ignoreNotFound(service(ctx, "s3").call("DeleteBucketPolicy", { Bucket: props.Bucket }));
  },
};
