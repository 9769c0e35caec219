/**
 * What every S3 operation works with: the stores, the parts of the cloud S3 talks to,
 * and the two checks nearly every operation starts with (bucket exists, caller may act).
 */
import type { Kernel } from "../../kernel/kernel.js";
import type { CallContext } from "../../types.js";
import type { BlobStore } from "./blobs.js";
import type { S3Store, BucketRecord } from "./store.js";
import type { Notifier } from "./notifications.js";
import { accessDenied, noSuchBucket } from "./errors.js";
import { bucketArn, objectArn } from "./names.js";
import { evaluateBucketPolicy } from "./policy.js";

/**
 * The slice of the kernel S3 depends on: storage, the IAM check, access keys (POST policy
 * signatures are checked by S3 itself) and the clients of notification destinations.
 */
export type S3CloudDeps = Pick<Kernel, "region" | "events" | "openDatabase" | "dataDir" | "authorize" | "lookupAccessKey" | "clients">;

export interface S3Context {
  cloud: S3CloudDeps;
  store: S3Store;
  blobs: BlobStore;
  notifier: Notifier;
}

/** Unsigned requests reach S3 with the kernel's anonymous principal (no access key). */
export function isAnonymous(ctx: CallContext): boolean {
  return !ctx.principal || ctx.principal.accessKeyId === "";
}

export function requireBucket(c: S3Context, bucket: unknown): BucketRecord {
  const found = typeof bucket === "string" ? c.store.getBucket(bucket) : undefined;
  if (!found) throw noSuchBucket(String(bucket ?? ""));
  return found;
}

/**
 * S3's access decision for a bucket or object. The admin passes. A bucket policy's
 * explicit Deny refuses anyone else; its Allow admits anyone it names (anonymous
 * callers only through "*"); otherwise a signed caller needs an identity policy.
 */
export function authorizeS3(
  c: S3Context,
  ctx: CallContext,
  action: string,
  bucket: string,
  key?: string,
  /** Request-specific condition keys, e.g. s3:prefix for listings. */
  conditionKeys: Record<string, string> = {},
  /** The object's ACL lets anyone read it (acl.ts): anonymous callers pass unless a policy denies them. */
  readableByAnyone = false,
): void {
  if (ctx.principal?.admin) return;
  const resource = key === undefined ? bucketArn(bucket) : objectArn(bucket, key);
  const anonymous = isAnonymous(ctx);
  const decision = evaluateBucketPolicy(c.store.getConfig<{ doc: unknown }>(bucket, "policy")?.doc, {
    principalArn: anonymous ? undefined : ctx.principal.arn,
    roleArn: anonymous ? undefined : ctx.principal.roleArn,
    action,
    resource,
    // The loopback endpoint stands in for S3's TLS endpoint, so policies that deny
    // insecure transport (CDK's enforceSSL) do not lock every local caller out.
    context: {
      "aws:SecureTransport": "true",
      ...conditionKeys,
      ...(anonymous ? {} : { "aws:PrincipalArn": ctx.principal.roleArn ?? ctx.principal.arn, "aws:PrincipalAccount": "000000000000" }),
    },
  });
  if (decision === "Deny") throw accessDenied();
  if (decision === "Allow") return;
  if (anonymous && readableByAnyone) return;
  if (anonymous) throw accessDenied();
  c.cloud.authorize(ctx, action, resource, () => accessDenied());
}

export const httpDate = (ms: number) => new Date(ms).toUTCString();
export const isoDate = (ms: number) => new Date(ms).toISOString();
export const quoteEtag = (etag: string) => `"${etag}"`;
