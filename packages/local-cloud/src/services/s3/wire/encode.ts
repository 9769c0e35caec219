/** SDK-shaped operation output → S3 HTTP response (status, headers, XML or body). */
import type { AwsResponse } from "../../../types.js";
import { checksumField, checksumHeader, CHECKSUM_ALGORITHMS } from "../checksums.js";
import type { ObjectBody } from "../ops/body.js";
import * as shapes from "./shapes.js";
import { S3_XMLNS, toXmlContent, xmlDocument, type ShapeMap } from "./xml-shape.js";

const OUTPUT_HEADERS: Array<[string, string]> = [
  ["AcceptRanges", "accept-ranges"],
  ["ContentRange", "content-range"],
  ["CacheControl", "cache-control"],
  ["ContentDisposition", "content-disposition"],
  ["ContentEncoding", "content-encoding"],
  ["ContentLanguage", "content-language"],
  ["Expires", "expires"],
  ["WebsiteRedirectLocation", "x-amz-website-redirect-location"],
  ["StorageClass", "x-amz-storage-class"],
  ["TagCount", "x-amz-tagging-count"],
  ["PartsCount", "x-amz-mp-parts-count"],
  ["ServerSideEncryption", "x-amz-server-side-encryption"],
  ["ChecksumType", "x-amz-checksum-type"],
  ["VersionId", "x-amz-version-id"],
  ...CHECKSUM_ALGORITHMS.map((a): [string, string] => [checksumField(a), checksumHeader(a)]),
];

/** Header values must be latin1 without control characters; S3 MIME-encodes the rest (RFC 2047). */
export function headerValue(v: string): string {
  return /^[\x20-\x7e\x80-\xff\t]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, "utf8").toString("base64")}?=`;
}

function objectHeaders(output: Record<string, any>): Record<string, string> {
  const h: Record<string, string> = {};
  if (output.LastModified) h["last-modified"] = new Date(output.LastModified).toUTCString();
  if (output.ETag) h.etag = output.ETag;
  if (output.ContentType) h["content-type"] = headerValue(String(output.ContentType));
  for (const [field, header] of OUTPUT_HEADERS) {
    const v = output[field];
    if (v !== undefined && v !== null) h[header] = headerValue(v instanceof Date ? v.toUTCString() : String(v));
  }
  for (const [k, v] of Object.entries((output.Metadata ?? {}) as Record<string, string>)) h[`x-amz-meta-${k}`] = headerValue(v);
  return h;
}

const xml = (root: string, content: unknown, map: ShapeMap, status = 200, headers: Record<string, string> = {}): AwsResponse => ({
  status,
  headers: { "content-type": "application/xml", ...headers },
  body: xmlDocument(root, toXmlContent(content, map)),
});

const empty = (status: number, headers: Record<string, string> = {}): AwsResponse => ({
  status,
  headers: { "content-length": "0", ...headers },
});

function pick(o: Record<string, any>, ...names: string[]) {
  return Object.fromEntries(names.filter((n) => o[n] !== undefined).map((n) => [n, o[n]]));
}

const GET_CONFIG_DOCS: Record<string, [string, ShapeMap, (o: any) => unknown]> = {
  GetBucketCors: ["CORSConfiguration", shapes.CORS, (o) => o],
  GetBucketNotificationConfiguration: ["NotificationConfiguration", shapes.NOTIFICATION, (o) => o],
  GetBucketTagging: ["Tagging", shapes.TAGGING, (o) => o],
  GetObjectTagging: ["Tagging", shapes.TAGGING, (o) => ({ TagSet: o.TagSet })],
  GetBucketVersioning: ["VersioningConfiguration", shapes.VERSIONING, (o) => o],
  GetBucketEncryption: ["ServerSideEncryptionConfiguration", shapes.ENCRYPTION, (o) => o.ServerSideEncryptionConfiguration],
  GetPublicAccessBlock: ["PublicAccessBlockConfiguration", shapes.PUBLIC_ACCESS_BLOCK, (o) => o.PublicAccessBlockConfiguration],
  GetBucketLifecycleConfiguration: ["LifecycleConfiguration", shapes.LIFECYCLE, (o) => o],
  GetBucketOwnershipControls: ["OwnershipControls", shapes.OWNERSHIP, (o) => o.OwnershipControls],
  GetBucketAcl: ["AccessControlPolicy", shapes.ACL, (o) => o],
  GetObjectAcl: ["AccessControlPolicy", shapes.ACL, (o) => o],
};

const NO_CONTENT = new Set([
  "DeleteBucket",
  "DeleteObject",
  "DeleteObjectTagging",
  "AbortMultipartUpload",
  "DeleteBucketCors",
  "DeleteBucketPolicy",
  "DeleteBucketTagging",
  "DeleteBucketEncryption",
  "DeletePublicAccessBlock",
  "DeleteBucketLifecycle",
  "DeleteBucketOwnershipControls",
  "PutBucketPolicy",
  "PutBucketTagging",
]);

export function encodeOutput(op: string, output: any, method: string): AwsResponse {
  if (NO_CONTENT.has(op)) return empty(204);
  const doc = GET_CONFIG_DOCS[op];
  if (doc) return xml(doc[0], doc[2](output), doc[1]);
  switch (op) {
    case "CreateBucket":
      return empty(200, { location: output.Location });
    case "HeadBucket":
      return empty(200, { "x-amz-bucket-region": output.BucketRegion, "x-amz-access-point-alias": "false" });
    case "ListBuckets":
      return xml("ListAllMyBucketsResult", pick(output, "Owner", "Buckets", "ContinuationToken", "Prefix"), shapes.LIST_BUCKETS);
    case "GetBucketLocation":
      return {
        status: 200,
        headers: { "content-type": "application/xml" },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${S3_XMLNS}">${output.LocationConstraint ?? ""}</LocationConstraint>`,
      };
    case "GetBucketPolicy":
      return { status: 200, headers: { "content-type": "application/json" }, body: output.Policy };
    case "ListObjectsV2":
    case "ListObjects":
      return xml("ListBucketResult", output, shapes.LIST_OBJECTS);
    case "ListObjectVersions":
      return xml("ListVersionsResult", output, shapes.LIST_VERSIONS);
    case "PutObject":
    case "UploadPart":
      return empty(200, { etag: output.ETag, ...objectHeaders(pick(output, "ServerSideEncryption", "ChecksumType", ...CHECKSUM_ALGORITHMS.map(checksumField))) });
    case "GetObject":
      return objectResponse(output.output, output.body, method);
    case "HeadObject":
      return { status: 200, headers: { ...objectHeaders(output), "content-length": String(output.ContentLength) } };
    case "DeleteObjects":
      return xml("DeleteResult", output, shapes.DELETE_RESULT);
    case "CopyObject":
      return xml("CopyObjectResult", output.CopyObjectResult, shapes.PLAIN, 200, { "x-amz-server-side-encryption": "AES256" });
    case "UploadPartCopy":
      return xml("CopyPartResult", output.CopyPartResult, shapes.PLAIN);
    case "CreateMultipartUpload":
      return xml("InitiateMultipartUploadResult", pick(output, "Bucket", "Key", "UploadId"), shapes.PLAIN,
        200, output.ChecksumAlgorithm ? { "x-amz-checksum-algorithm": output.ChecksumAlgorithm, "x-amz-checksum-type": output.ChecksumType } : {});
    case "CompleteMultipartUpload":
      return xml("CompleteMultipartUploadResult", pick(output, "Location", "Bucket", "Key", "ETag", "ChecksumType", ...CHECKSUM_ALGORITHMS.map(checksumField)), shapes.PLAIN);
    case "ListParts":
      return xml("ListPartsResult", output, shapes.LIST_PARTS);
    case "ListMultipartUploads":
      return xml("ListMultipartUploadsResult", output, shapes.LIST_UPLOADS);
    default:
      // Put* configuration operations and ACL writes answer 200 with no body.
      return empty(200);
  }
}

function objectResponse(output: Record<string, any>, body: ObjectBody, method: string): AwsResponse {
  const headers = { ...objectHeaders(output), "content-length": String(body.length) };
  const status = output.ContentRange ? 206 : 200;
  if (method === "HEAD" || body.length === 0) {
    body.close();
    return { status, headers, body: Buffer.alloc(0) };
  }
  return { status, headers, body: body.forHttp() };
}
