/** Bucket lifecycle: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation. */
import { AwsError } from "../../../server/aws-error.js";
import type { CallContext } from "../../../types.js";
import { authorizeS3, requireBucket, type S3Context } from "../context.js";
import { assertValidBucketName, bucketArn } from "../names.js";
import { OWNER_ID } from "../notifications.js";

export const OWNER = { DisplayName: "webfile", ID: OWNER_ID };

export function createBucket(c: S3Context, ctx: CallContext, input: any) {
  const bucket = input.Bucket;
  assertValidBucketName(bucket);
  if (!ctx.principal.admin) c.cloud.authorize(ctx, "s3:CreateBucket", bucketArn(bucket), () => new AwsError("AccessDenied", "Access Denied", 403));
  const constraint: string | undefined = input.CreateBucketConfiguration?.LocationConstraint || undefined;
  // S3 rejects a constraint naming another region than the endpoint's, and an explicit us-east-1.
  if (constraint !== undefined && constraint !== ctx.region) {
    throw new AwsError(
      "IllegalLocationConstraintException",
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  if (constraint === "us-east-1") {
    throw new AwsError("InvalidLocationConstraint", "The specified location-constraint is not valid", 400, { LocationConstraint: constraint });
  }
  if (c.store.getBucket(bucket)) {
    throw new AwsError(
      "BucketAlreadyOwnedByYou",
      "Your previous request to create the named bucket succeeded and you already own it.",
      409,
      { BucketName: bucket },
    );
  }
  c.store.insertBucket({ name: bucket, region: ctx.region, createdAt: Date.now() });
  return { Location: `/${bucket}` };
}

export function headBucket(c: S3Context, ctx: CallContext, input: any) {
  const b = requireBucket(c, input.Bucket);
  authorizeS3(c, ctx, "s3:ListBucket", b.name);
  return { BucketRegion: b.region, AccessPointAlias: false };
}

export function deleteBucket(c: S3Context, ctx: CallContext, input: any) {
  const b = requireBucket(c, input.Bucket);
  authorizeS3(c, ctx, "s3:DeleteBucket", b.name);
  if (c.store.hasObjects(b.name)) {
    throw new AwsError("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, { BucketName: b.name });
  }
  for (const upload of c.store.listUploads(b.name)) {
    for (const blob of c.store.deleteUpload(upload.uploadId)) c.blobs.remove(blob);
  }
  c.store.deleteBucket(b.name);
  return {};
}

export function listBuckets(c: S3Context, ctx: CallContext, input: any) {
  if (!ctx.principal.admin) c.cloud.authorize(ctx, "s3:ListAllMyBuckets", "*", () => new AwsError("AccessDenied", "Access Denied", 403));
  const prefix: string = input.Prefix ?? "";
  const max = input.MaxBuckets === undefined ? undefined : Number(input.MaxBuckets);
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 10000)) {
    throw new AwsError("InvalidArgument", "Argument max-buckets must be an integer between 1 and 10000", 400);
  }
  const after = input.ContinuationToken ? Buffer.from(String(input.ContinuationToken), "base64").toString("utf8") : undefined;
  let all = c.store
    .listBuckets()
    .filter((b) => b.name.startsWith(prefix) && (after === undefined || b.name > after))
    .filter((b) => !input.BucketRegion || b.region === input.BucketRegion);
  let token: string | undefined;
  if (max !== undefined && all.length > max) {
    all = all.slice(0, max);
    token = Buffer.from(all[all.length - 1]!.name).toString("base64");
  }
  return {
    Buckets: all.map((b) => ({ Name: b.name, CreationDate: new Date(b.createdAt), BucketRegion: b.region })),
    Owner: OWNER,
    ContinuationToken: token,
    Prefix: input.Prefix,
  };
}

export function getBucketLocation(c: S3Context, ctx: CallContext, input: any) {
  const b = requireBucket(c, input.Bucket);
  authorizeS3(c, ctx, "s3:GetBucketLocation", b.name);
  // us-east-1 buckets report an empty (null) location constraint.
  return { LocationConstraint: b.region === "us-east-1" ? undefined : b.region };
}
