/**
 * Bucket sub-resources stored as documents: CORS, policy, notifications, tagging,
 * versioning, encryption, public access block, lifecycle, ownership controls. Each is
 * one entry in CONFIGS: how to read its input, what "not set" answers, which IAM
 * action guards it.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { CallContext } from "../../../types.js";
import { authorizeS3, requireBucket, type S3Context } from "../context.js";
import { validateCorsConfiguration } from "../cors.js";
import { malformedXml } from "../errors.js";
import { policyDocumentProblem } from "../policy.js";
import type { NotificationConfiguration } from "../notifications.js";
import { validateTagSet } from "./tags.js";
import { OWNER } from "./buckets.js";
import { objectAclToStore } from "../acl.js";
import { findObject, grantsOf } from "./objects.js";

interface ConfigKind {
  kind: string;
  put: string;
  get: string;
  delete?: string;
  putAction: string;
  getAction: string;
  /** Input → stored document (validated). */
  fromInput(input: any): unknown;
  /** Stored document → output. */
  toOutput(doc: any): Record<string, unknown>;
  /** Side effects of a successful put (e.g. S3's test event to new queue destinations). */
  afterPut?(c: S3Context, ctx: CallContext, bucket: string, doc: any): void;
  /** Output when nothing is stored; an error to throw, or a default output. */
  whenMissing(bucket: string): AwsError | Record<string, unknown>;
}

const notFound = (code: string, message: string) => (bucket: string) => new AwsError(code, message, 404, { BucketName: bucket });

const CONFIGS: ConfigKind[] = [
  {
    kind: "cors",
    put: "PutBucketCors",
    get: "GetBucketCors",
    delete: "DeleteBucketCors",
    putAction: "s3:PutBucketCORS",
    getAction: "s3:GetBucketCORS",
    fromInput: (i) => validateCorsConfiguration(i.CORSConfiguration),
    toOutput: (d) => ({ CORSRules: d.CORSRules }),
    whenMissing: notFound("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
  },
  {
    kind: "policy",
    put: "PutBucketPolicy",
    get: "GetBucketPolicy",
    delete: "DeleteBucketPolicy",
    putAction: "s3:PutBucketPolicy",
    getAction: "s3:GetBucketPolicy",
    fromInput: (i) => {
      const text = typeof i.Policy === "string" ? i.Policy : JSON.stringify(i.Policy ?? "");
      const problem = policyDocumentProblem(text);
      if (problem) throw new AwsError("MalformedPolicy", problem, 400);
      return { text, doc: JSON.parse(text) };
    },
    toOutput: (d) => ({ Policy: d.text }),
    whenMissing: notFound("NoSuchBucketPolicy", "The bucket policy does not exist"),
  },
  {
    kind: "notification",
    put: "PutBucketNotificationConfiguration",
    get: "GetBucketNotificationConfiguration",
    putAction: "s3:PutBucketNotification",
    getAction: "s3:GetBucketNotification",
    fromInput: (i) => validateNotificationConfiguration(i.NotificationConfiguration ?? {}),
    afterPut: (c, ctx, bucket, doc) => c.notifier.publishTestEvent(doc, bucket, ctx.requestId),
    toOutput: (d) => ({ ...d }),
    whenMissing: () => ({}),
  },
  {
    kind: "tagging",
    put: "PutBucketTagging",
    get: "GetBucketTagging",
    delete: "DeleteBucketTagging",
    putAction: "s3:PutBucketTagging",
    getAction: "s3:GetBucketTagging",
    fromInput: (i) => ({ TagSet: validateTagSet(i.Tagging?.TagSet) }),
    toOutput: (d) => ({ TagSet: d.TagSet }),
    whenMissing: notFound("NoSuchTagSet", "The TagSet does not exist"),
  },
  {
    kind: "versioning",
    put: "PutBucketVersioning",
    get: "GetBucketVersioning",
    putAction: "s3:PutBucketVersioning",
    getAction: "s3:GetBucketVersioning",
    fromInput: (i) => {
      const status = i.VersioningConfiguration?.Status;
      if (status !== "Enabled" && status !== "Suspended") throw malformedXml();
      const out: Record<string, string> = { Status: status };
      if (i.VersioningConfiguration?.MFADelete) out.MFADelete = i.VersioningConfiguration.MFADelete;
      return out;
    },
    toOutput: (d) => ({ ...d }),
    whenMissing: () => ({}),
  },
  {
    kind: "encryption",
    put: "PutBucketEncryption",
    get: "GetBucketEncryption",
    delete: "DeleteBucketEncryption",
    putAction: "s3:PutEncryptionConfiguration",
    getAction: "s3:GetEncryptionConfiguration",
    fromInput: (i) => {
      const rules = i.ServerSideEncryptionConfiguration?.Rules;
      if (!Array.isArray(rules) || rules.length === 0) throw malformedXml();
      return { Rules: rules };
    },
    toOutput: (d) => ({ ServerSideEncryptionConfiguration: d }),
    // Every bucket has had SSE-S3 default encryption since January 2023.
    whenMissing: () => ({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false }],
      },
    }),
  },
  {
    kind: "publicAccessBlock",
    put: "PutPublicAccessBlock",
    get: "GetPublicAccessBlock",
    delete: "DeletePublicAccessBlock",
    putAction: "s3:PutBucketPublicAccessBlock",
    getAction: "s3:GetBucketPublicAccessBlock",
    fromInput: (i) => {
      const cfg = i.PublicAccessBlockConfiguration ?? {};
      const out: Record<string, boolean> = {};
      for (const k of ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]) {
        out[k] = cfg[k] === true || cfg[k] === "true";
      }
      return out;
    },
    toOutput: (d) => ({ PublicAccessBlockConfiguration: d }),
    whenMissing: notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"),
  },
  {
    kind: "lifecycle",
    put: "PutBucketLifecycleConfiguration",
    get: "GetBucketLifecycleConfiguration",
    delete: "DeleteBucketLifecycle",
    putAction: "s3:PutLifecycleConfiguration",
    getAction: "s3:GetLifecycleConfiguration",
    fromInput: (i) => {
      const rules = i.LifecycleConfiguration?.Rules;
      if (!Array.isArray(rules) || rules.length === 0) throw malformedXml();
      return { Rules: rules };
    },
    toOutput: (d) => ({ Rules: d.Rules }),
    whenMissing: notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
  },
  {
    kind: "ownershipControls",
    put: "PutBucketOwnershipControls",
    get: "GetBucketOwnershipControls",
    delete: "DeleteBucketOwnershipControls",
    putAction: "s3:PutBucketOwnershipControls",
    getAction: "s3:GetBucketOwnershipControls",
    fromInput: (i) => {
      const rules = i.OwnershipControls?.Rules;
      if (!Array.isArray(rules) || rules.length !== 1) throw malformedXml();
      return { Rules: rules };
    },
    toOutput: (d) => ({ OwnershipControls: d }),
    whenMissing: notFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found"),
  },
];

function validateNotificationConfiguration(cfg: any): NotificationConfiguration {
  const out: NotificationConfiguration = {};
  const lists = [
    ["LambdaFunctionConfigurations", "LambdaFunctionArn"],
    ["QueueConfigurations", "QueueArn"],
    ["TopicConfigurations", "TopicArn"],
  ] as const;
  for (const [listName, arnField] of lists) {
    const list = cfg[listName];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw malformedXml();
    (out as any)[listName] = list.map((d: any, i: number) => {
      if (!d || typeof d[arnField] !== "string" || !Array.isArray(d.Events) || d.Events.length === 0) throw malformedXml();
      for (const e of d.Events) {
        if (typeof e !== "string" || !/^s3:[A-Za-z]+(:[A-Za-z*]+)?$/.test(e)) {
          throw new AwsError("InvalidArgument", "The event is not supported for notifications", 400, { ArgumentName: "Event", ArgumentValue: String(e) });
        }
      }
      for (const rule of d.Filter?.Key?.FilterRules ?? []) {
        const name = String(rule?.Name ?? "").toLowerCase();
        if (name !== "prefix" && name !== "suffix") {
          throw new AwsError("InvalidArgument", "filter rule name must be either prefix or suffix", 400, {
            ArgumentName: "FilterRule.Name",
            ArgumentValue: String(rule?.Name),
          });
        }
      }
      return { ...d, Id: d.Id ?? `notification-${i + 1}` };
    });
  }
  if (cfg.EventBridgeConfiguration) out.EventBridgeConfiguration = {};
  return out;
}

export const CONFIG_OPERATIONS = new Set(CONFIGS.flatMap((k) => [k.put, k.get, ...(k.delete ? [k.delete] : [])]));

export function runConfigOperation(c: S3Context, ctx: CallContext, operation: string, input: any) {
  const kind = CONFIGS.find((k) => k.put === operation || k.get === operation || k.delete === operation)!;
  const bucket = requireBucket(c, input.Bucket).name;
  if (operation === kind.get) {
    authorizeS3(c, ctx, kind.getAction, bucket);
    const doc = c.store.getConfig(bucket, kind.kind);
    if (doc !== undefined) return kind.toOutput(doc);
    const missing = kind.whenMissing(bucket);
    if (missing instanceof AwsError) throw missing;
    return missing;
  }
  authorizeS3(c, ctx, kind.putAction, bucket);
  if (operation === kind.put) {
    const doc = kind.fromInput(input);
    c.store.putConfig(bucket, kind.kind, doc);
    kind.afterPut?.(c, ctx, bucket, doc);
  } else c.store.deleteConfig(bucket, kind.kind);
  return {};
}

/**
 * ACLs: buckets are private to their owner; objects may also carry a canned public-read
 * ACL (acl.ts), which their ACL shows as AllUsers READ.
 */
export function getAcl(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, input.Key === undefined ? "s3:GetBucketAcl" : "s3:GetObjectAcl", bucket, input.Key);
  const grants: Record<string, unknown>[] = [{ Grantee: { ...OWNER, Type: "CanonicalUser" }, Permission: "FULL_CONTROL" }];
  if (input.Key !== undefined && findObject(c, bucket, input.Key).acl) grants.push({ Grantee: { Type: "Group", URI: ALL_USERS }, Permission: "READ" });
  return { Owner: OWNER, Grants: grants };
}

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

export function putAcl(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, input.Key === undefined ? "s3:PutBucketAcl" : "s3:PutObjectAcl", bucket, input.Key);
  if (input.Key === undefined) {
    if (input.ACL !== undefined && input.ACL !== "private" && input.ACL !== "bucket-owner-full-control") {
      // Buckets default to BucketOwnerEnforced, where S3 refuses ACLs other than private.
      throw new AwsError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400);
    }
    return {};
  }
  if (input.AccessControlPolicy !== undefined) throw new AwsError("NotImplemented", "The local cloud models canned ACLs on objects (x-amz-acl), not AccessControlPolicy documents", 501);
  const acl = objectAclToStore(c, bucket, input.ACL, grantsOf(input));
  const rec = findObject(c, bucket, input.Key);
  const { acl: _old, ...rest } = rec;
  c.store.putObject(acl ? { ...rest, acl } : rest);
  return {};
}
