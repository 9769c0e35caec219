/**
 * Which S3 operation an HTTP request is: method, whether it names a bucket and a key,
 * the sub-resource in the query string (?cors, ?uploads, ?tagging…) and, for PUT,
 * whether it copies (x-amz-copy-source).
 */
import { AwsError } from "../../../server/aws-error.js";
import { methodNotAllowed } from "../errors.js";
import type { WireRequest } from "./request.js";

/** Bucket sub-resources: query flag → [GET, PUT, DELETE] operations. */
const BUCKET_SUBRESOURCES: Record<string, [string?, string?, string?]> = {
  location: ["GetBucketLocation"],
  cors: ["GetBucketCors", "PutBucketCors", "DeleteBucketCors"],
  policy: ["GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"],
  notification: ["GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration"],
  tagging: ["GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging"],
  versioning: ["GetBucketVersioning", "PutBucketVersioning"],
  encryption: ["GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption"],
  publicAccessBlock: ["GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock"],
  lifecycle: ["GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle"],
  ownershipControls: ["GetBucketOwnershipControls", "PutBucketOwnershipControls", "DeleteBucketOwnershipControls"],
  acl: ["GetBucketAcl", "PutBucketAcl"],
  uploads: ["ListMultipartUploads"],
  versions: ["ListObjectVersions"],
};

/** Sub-resources S3 has that the local cloud does not model. */
const UNSUPPORTED = [
  "website",
  "logging",
  "replication",
  "analytics",
  "metrics",
  "inventory",
  "intelligent-tiering",
  "accelerate",
  "requestPayment",
  "object-lock",
  "legal-hold",
  "retention",
  "restore",
  "select",
  "torrent",
  "policyStatus",
  "attributes",
  "metadataTable",
];

function notImplemented(what: string): AwsError {
  return new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501, { Header: what });
}

export function routeOperation(w: WireRequest): string {
  const q = w.query;
  const m = w.method;
  const unsupported = UNSUPPORTED.find((name) => q.has(name));
  if (unsupported) throw notImplemented(unsupported);
  if (w.bucket === undefined) {
    if (m === "GET") return "ListBuckets";
    throw methodNotAllowed(m, "SERVICE");
  }
  if (w.key === undefined) {
    for (const [flag, ops] of Object.entries(BUCKET_SUBRESOURCES)) {
      if (!q.has(flag)) continue;
      const op = m === "GET" ? ops[0] : m === "PUT" ? ops[1] : m === "DELETE" ? ops[2] : undefined;
      if (!op) throw methodNotAllowed(m, "BUCKET");
      return op;
    }
    switch (m) {
      case "GET":
        return q.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects";
      case "PUT":
        return "CreateBucket";
      case "HEAD":
        return "HeadBucket";
      case "DELETE":
        return "DeleteBucket";
      case "POST":
        if (q.has("delete")) return "DeleteObjects";
        return "PostObject";
    }
    throw methodNotAllowed(m, "BUCKET");
  }
  switch (m) {
    case "GET":
      if (q.has("tagging")) return "GetObjectTagging";
      if (q.has("acl")) return "GetObjectAcl";
      if (q.has("uploadId")) return "ListParts";
      return "GetObject";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("tagging")) return "PutObjectTagging";
      if (q.has("acl")) return "PutObjectAcl";
      if (q.has("uploadId") || q.has("partNumber")) return w.headers["x-amz-copy-source"] ? "UploadPartCopy" : "UploadPart";
      return w.headers["x-amz-copy-source"] ? "CopyObject" : "PutObject";
    case "DELETE":
      if (q.has("tagging")) return "DeleteObjectTagging";
      if (q.has("uploadId")) return "AbortMultipartUpload";
      return "DeleteObject";
    case "POST":
      if (q.has("uploads")) return "CreateMultipartUpload";
      if (q.has("uploadId")) return "CompleteMultipartUpload";
      if (q.has("restore") || q.has("select")) throw notImplemented("POST");
      break;
  }
  throw methodNotAllowed(m, "OBJECT");
}
