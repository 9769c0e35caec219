/**
 * Canned ACLs on objects: the part of S3's ACLs apps use, `x-amz-acl: public-read` on an
 * upload (SST v2's quickstarts presign such PUTs, then link to the object). Whether S3
 * takes an ACL depends on the bucket: with Object Ownership `BucketOwnerEnforced` (the
 * default for buckets made since April 2023, and here for a bucket without ownership
 * controls) ACLs other than the owner's are refused; `BlockPublicAcls` refuses public
 * ones; `IgnorePublicAcls` makes stored ones count for nothing. A public-read object may
 * be read (GET/HEAD) without credentials. Grants to named accounts or groups other than
 * AllUsers (`x-amz-grant-*`, `authenticated-read`, …) are not modelled: they are refused,
 * never silently dropped.
 */
import { AwsError } from "../../server/aws-error.js";
import type { S3Context } from "./context.js";
import { accessDenied } from "./errors.js";

/** The canned ACLs whose grants are the owner's only: what every object has without one. */
const OWNER_ONLY = new Set(["private", "bucket-owner-full-control", "bucket-owner-read"]);
/** Canned ACLs that let anyone read the object. */
const PUBLIC_READ = new Set(["public-read", "public-read-write"]);

function ownership(c: S3Context, bucket: string): string {
  return c.store.getConfig<{ Rules?: { ObjectOwnership?: string }[] }>(bucket, "ownershipControls")?.Rules?.[0]?.ObjectOwnership ?? "BucketOwnerEnforced";
}

function publicAccessBlock(c: S3Context, bucket: string): { BlockPublicAcls?: boolean; IgnorePublicAcls?: boolean } {
  return c.store.getConfig(bucket, "publicAccessBlock") ?? {};
}

/**
 * The canned ACL to store on an object written with `acl` (undefined: owner only), or
 * S3's error for an ACL the bucket refuses, checked in S3's order (ownership, then the
 * public access block).
 */
export function objectAclToStore(c: S3Context, bucket: string, acl: unknown, grants: Record<string, unknown> = {}): string | undefined {
  if (Object.values(grants).some((v) => v !== undefined)) {
    throw new AwsError("NotImplemented", "The local cloud models canned ACLs on objects (x-amz-acl), not x-amz-grant-* headers", 501);
  }
  if (acl === undefined || acl === "") return undefined;
  const name = String(acl);
  if (!OWNER_ONLY.has(name) && !PUBLIC_READ.has(name)) {
    if (ownership(c, bucket) === "BucketOwnerEnforced") throw aclNotSupported();
    throw new AwsError("NotImplemented", `The local cloud models the canned ACLs private, bucket-owner-full-control, bucket-owner-read, public-read and public-read-write, not ${name}`, 501);
  }
  if (OWNER_ONLY.has(name)) return undefined;
  if (ownership(c, bucket) === "BucketOwnerEnforced") throw aclNotSupported();
  if (publicAccessBlock(c, bucket).BlockPublicAcls) throw accessDenied();
  return name;
}

/** Whether a stored canned ACL lets anyone read the object (the bucket may ignore public ACLs). */
export function readableByAnyone(c: S3Context, bucket: string, acl: string | undefined): boolean {
  return acl !== undefined && PUBLIC_READ.has(acl) && !publicAccessBlock(c, bucket).IgnorePublicAcls;
}

function aclNotSupported(): AwsError {
  return new AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);
}
