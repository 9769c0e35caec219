/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects,
 * CopyObject and object tagging. Inputs and outputs have the AWS SDK v3 shapes.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { CallContext } from "../../../types.js";
import { CHECKSUM_ALGORITHMS, checksumField, isChecksumAlgorithm, type ChecksumAlgorithm } from "../checksums.js";
import { checkCopySourcePreconditions, checkPreconditions, resolveRange } from "../conditions.js";
import { objectAclToStore, readableByAnyone } from "../acl.js";
import { authorizeS3, isAnonymous, quoteEtag, requireBucket, type S3Context } from "../context.js";
import { badDigest, invalidRequest, malformedXml, noSuchKey, preconditionFailed } from "../errors.js";
import { assertValidKey } from "../names.js";
import type { ObjectRecord, StoredHeaders } from "../store.js";
import { ObjectBody } from "./body.js";
import { isInlineBlob } from "../blobs.js";
import { receivedBody, type ReceivedBody } from "./received-body.js";
import { parseTaggingHeader, validateTagSet } from "./tags.js";

/** Facts about the HTTP request that S3 event records report. */
export interface RequestInfo {
  sourceIp: string;
}
const LOCAL: RequestInfo = { sourceIp: "127.0.0.1" };

const STORED_HEADER_FIELDS = ["CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires", "WebsiteRedirectLocation"] as const;
const MAX_METADATA_BYTES = 2048;

function storedHeaders(input: any): StoredHeaders {
  const out: StoredHeaders = {};
  for (const f of STORED_HEADER_FIELDS) {
    const v = input[f];
    if (v === undefined || v === null || v === "") continue;
    out[f] = v instanceof Date ? v.toUTCString() : String(v);
  }
  return out;
}

function normalizeMetadata(meta: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  let bytes = 0;
  for (const [k, v] of Object.entries((meta ?? {}) as Record<string, unknown>)) {
    const key = k.toLowerCase();
    out[key] = String(v);
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(v));
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new AwsError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size", 400, {
      Size: bytes,
      MaxSizeAllowed: MAX_METADATA_BYTES,
    });
  }
  return out;
}

function checkContentMd5(expected: string | undefined, md5: Buffer): void {
  if (expected === undefined) return;
  const given = Buffer.from(expected, "base64");
  if (given.length !== 16 || given.toString("base64") !== expected) {
    throw new AwsError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400, { "Content-MD5": expected });
  }
  if (!given.equals(md5)) {
    throw new AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400, {
      ExpectedDigest: given.toString("hex"),
      CalculatedDigest: md5.toString("base64"),
    });
  }
}

/** Validate any x-amz-checksum-* the caller sent and decide which checksum the object keeps. */
export function resolveChecksum(input: any, data: ReceivedBody): ObjectRecord["checksum"] {
  const given = CHECKSUM_ALGORITHMS.filter((a) => input[checksumField(a)] !== undefined);
  if (given.length > 1) {
    throw invalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  }
  if (given.length === 1) {
    const algorithm = given[0]!;
    const value = String(input[checksumField(algorithm)]);
    if (data.checksum(algorithm) !== value) throw badDigest(algorithm);
    return { algorithm, value, type: "FULL_OBJECT" };
  }
  const requested = input.ChecksumAlgorithm ? String(input.ChecksumAlgorithm).toUpperCase() : undefined;
  if (requested !== undefined) {
    if (!isChecksumAlgorithm(requested)) {
      throw new AwsError("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]", 400);
    }
    return { algorithm: requested, value: data.checksum(requested), type: "FULL_OBJECT" };
  }
  return undefined;
}

export function checksumOutput(checksum: ObjectRecord["checksum"]): Record<string, string> {
  if (!checksum) return {};
  return { [checksumField(checksum.algorithm as ChecksumAlgorithm)]: checksum.value, ChecksumType: checksum.type };
}

/** Conditional writes: If-None-Match: * refuses to overwrite, If-Match requires the current ETag. */
function checkWriteConditions(input: any, existing: ObjectRecord | undefined, key: string): void {
  if (input.IfNoneMatch !== undefined) {
    if (input.IfNoneMatch !== "*") throw new AwsError("NotImplemented", "A header you provided implies functionality that is not implemented", 501, { Header: "If-None-Match" });
    if (existing) throw preconditionFailed("If-None-Match");
  }
  if (input.IfMatch !== undefined) {
    if (!existing) throw noSuchKey(key);
    const want = String(input.IfMatch).replace(/^"|"$/g, "");
    if (want !== existing.etag) throw preconditionFailed("If-Match");
  }
}

function principalId(ctx: CallContext): string {
  return ctx.principal.admin ? `AWS:${ctx.principal.accessKeyId}` : ctx.principal.accessKeyId ? `AWS:${ctx.principal.accessKeyId}` : "Anonymous";
}

export function publishCreated(c: S3Context, ctx: CallContext, rec: ObjectRecord, how: "Put" | "Copy" | "CompleteMultipartUpload", info: RequestInfo) {
  c.notifier.publish(c.store.getConfig(rec.bucket, "notification"), {
    eventName: `ObjectCreated:${how}`,
    bucket: rec.bucket,
    key: rec.key,
    size: rec.size,
    etag: rec.etag,
    principalId: principalId(ctx),
    requestId: ctx.requestId,
    sourceIp: info.sourceIp,
  });
}

/** The x-amz-grant-* headers of a request (not modelled: acl.ts refuses them). */
export function grantsOf(input: any): Record<string, unknown> {
  return { GrantFullControl: input.GrantFullControl, GrantRead: input.GrantRead, GrantReadACP: input.GrantReadACP, GrantWriteACP: input.GrantWriteACP };
}

export function putObject(c: S3Context, ctx: CallContext, input: any, info: RequestInfo = LOCAL) {
  const bucket = requireBucket(c, input.Bucket).name;
  assertValidKey(input.Key);
  authorizeS3(c, ctx, "s3:PutObject", bucket, input.Key);
  const acl = objectAclToStore(c, bucket, input.ACL, grantsOf(input));
  // S3 also asks for s3:PutObjectAcl when an upload sets an ACL.
  if (input.ACL !== undefined) authorizeS3(c, ctx, "s3:PutObjectAcl", bucket, input.Key);
  const data = receivedBody(input);
  const md5 = data.md5();
  checkContentMd5(input.ContentMD5, md5);
  if (input.ContentLength !== undefined && Number(input.ContentLength) !== data.length) {
    throw new AwsError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", 400);
  }
  const checksum = resolveChecksum(input, data);
  const metadata = normalizeMetadata(input.Metadata);
  const tags = typeof input.Tagging === "string" ? parseTaggingHeader(input.Tagging) : [];
  // One transaction for the body (a row, when small), the object and the old body (a
  // row) going: one commit. An old body file goes once the new object is committed.
  const { rec, old } = c.store.transaction(() => {
    checkWriteConditions(input, c.store.getObject(bucket, input.Key), input.Key);
    const rec: ObjectRecord = {
      bucket,
      key: input.Key,
      size: data.length,
      etag: md5.toString("hex"),
      lastModified: Date.now(),
      contentType: input.ContentType || "binary/octet-stream",
      metadata,
      headers: storedHeaders(input),
      checksum,
      tags,
      blob: data.store(c.blobs),
      storageClass: input.StorageClass ?? "STANDARD",
      ...(acl ? { acl } : {}),
    };
    const old = c.store.putObject(rec);
    if (old && isInlineBlob(old)) c.blobs.remove(old);
    return { rec, old };
  });
  if (old && !isInlineBlob(old)) c.blobs.remove(old);
  publishCreated(c, ctx, rec, "Put", info);
  return { ETag: quoteEtag(rec.etag), ServerSideEncryption: "AES256", ...checksumOutput(checksum), Size: rec.size };
}

export function findObject(c: S3Context, bucket: string, key: unknown): ObjectRecord {
  if (typeof key !== "string" || key === "") throw noSuchKey(String(key ?? ""));
  const rec = c.store.getObject(bucket, key);
  if (!rec) throw noSuchKey(key);
  return rec;
}

const OVERRIDES = [
  ["ResponseContentType", "ContentType"],
  ["ResponseContentLanguage", "ContentLanguage"],
  ["ResponseExpires", "Expires"],
  ["ResponseCacheControl", "CacheControl"],
  ["ResponseContentDisposition", "ContentDisposition"],
  ["ResponseContentEncoding", "ContentEncoding"],
] as const;

/** GetObject and HeadObject: the output fields, and for GetObject the opened body. */
export function readObject(c: S3Context, ctx: CallContext, input: any, withBody: boolean): { output: Record<string, any>; body?: ObjectBody } {
  const bucket = requireBucket(c, input.Bucket).name;
  const key = typeof input.Key === "string" ? input.Key : "";
  const stored = isAnonymous(ctx) && key !== "" ? c.store.getObject(bucket, key) : undefined;
  authorizeS3(c, ctx, "s3:GetObject", bucket, key, {}, readableByAnyone(c, bucket, stored?.acl));
  const rec = findObject(c, bucket, input.Key);
  checkPreconditions(input, rec.etag, rec.lastModified);
  const range = resolveRange(input.Range, rec.size);
  const output: Record<string, any> = {
    AcceptRanges: "bytes",
    LastModified: new Date(rec.lastModified),
    ContentLength: range ? range.end - range.start + 1 : rec.size,
    ETag: quoteEtag(rec.etag),
    ContentType: rec.contentType,
    ServerSideEncryption: "AES256",
    Metadata: { ...rec.metadata },
    ...rec.headers,
  };
  if (rec.storageClass !== "STANDARD") output.StorageClass = rec.storageClass;
  if (rec.tags.length) output.TagCount = rec.tags.length;
  if (rec.partsCount && input.PartNumber !== undefined) output.PartsCount = rec.partsCount;
  if (range) output.ContentRange = `bytes ${range.start}-${range.end}/${rec.size}`;
  // Checksums describe the whole object, so a range never carries one.
  if (!range && input.ChecksumMode === "ENABLED") Object.assign(output, checksumOutput(rec.checksum));
  const overrides = OVERRIDES.filter(([from]) => input[from] !== undefined);
  if (overrides.length && isAnonymous(ctx)) {
    throw invalidRequest("Request specific response headers cannot be used for anonymous GET requests.");
  }
  for (const [from, to] of overrides) {
    const v = input[from];
    output[to] = v instanceof Date ? v.toUTCString() : String(v);
  }
  if (!withBody) return { output };
  return { output, body: new ObjectBody(c.blobs.open(rec.blob), range?.start ?? 0, output.ContentLength) };
}

export function deleteObject(c: S3Context, ctx: CallContext, input: any, info: RequestInfo = LOCAL) {
  const bucket = requireBucket(c, input.Bucket).name;
  assertValidKey(input.Key);
  authorizeS3(c, ctx, "s3:DeleteObject", bucket, input.Key);
  removeObject(c, ctx, bucket, input.Key, info);
  return {};
}

function removeObject(c: S3Context, ctx: CallContext, bucket: string, key: string, info: RequestInfo): void {
  const old = c.store.deleteObject(bucket, key);
  if (!old) return; // Deleting a missing key succeeds, as on S3.
  c.blobs.remove(old.blob);
  c.notifier.publish(c.store.getConfig(bucket, "notification"), {
    eventName: "ObjectRemoved:Delete",
    bucket,
    key,
    principalId: principalId(ctx),
    requestId: ctx.requestId,
    sourceIp: info.sourceIp,
  });
}

export function deleteObjects(c: S3Context, ctx: CallContext, input: any, info: RequestInfo = LOCAL) {
  const bucket = requireBucket(c, input.Bucket).name;
  const objects = input.Delete?.Objects;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > 1000) throw malformedXml();
  const Deleted: any[] = [];
  const Errors: any[] = [];
  for (const o of objects) {
    const key = o?.Key;
    try {
      assertValidKey(key);
      authorizeS3(c, ctx, "s3:DeleteObject", bucket, key);
      removeObject(c, ctx, bucket, key, info);
      Deleted.push({ Key: key, ...(o.VersionId ? { VersionId: o.VersionId } : {}) });
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      Errors.push({ Key: String(key ?? ""), Code: err.code, Message: err.message });
    }
  }
  const quiet = input.Delete.Quiet === true || input.Delete.Quiet === "true";
  return { ...(quiet ? {} : { Deleted }), ...(Errors.length ? { Errors } : {}) };
}

/** "bucket/key", "/bucket/key" or with "?versionId=", URL-encoded as the header carries it. */
export function parseCopySource(source: unknown): { bucket: string; key: string } {
  if (typeof source !== "string" || source === "") throw invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  let s = source.startsWith("/") ? source.slice(1) : source;
  const q = s.indexOf("?");
  if (q >= 0) s = s.slice(0, q);
  const slash = s.indexOf("/");
  if (slash <= 0 || slash === s.length - 1) throw invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  try {
    return { bucket: decodeURIComponent(s.slice(0, slash)), key: decodeURIComponent(s.slice(slash + 1)) };
  } catch {
    throw invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
  }
}

function invalidArgument(message: string) {
  return new AwsError("InvalidArgument", message, 400, { ArgumentName: "x-amz-copy-source" });
}

export async function copyObject(c: S3Context, ctx: CallContext, input: any, info: RequestInfo = LOCAL) {
  const bucket = requireBucket(c, input.Bucket).name;
  assertValidKey(input.Key);
  const src = parseCopySource(input.CopySource);
  const srcBucket = requireBucket(c, src.bucket).name;
  authorizeS3(c, ctx, "s3:GetObject", srcBucket, src.key);
  authorizeS3(c, ctx, "s3:PutObject", bucket, input.Key);
  // A copy takes the ACL its request names, not its source's.
  const acl = objectAclToStore(c, bucket, input.ACL, grantsOf(input));
  if (input.ACL !== undefined) authorizeS3(c, ctx, "s3:PutObjectAcl", bucket, input.Key);
  const source = findObject(c, srcBucket, src.key);
  checkCopySourcePreconditions(
    {
      IfMatch: input.CopySourceIfMatch,
      IfNoneMatch: input.CopySourceIfNoneMatch,
      IfModifiedSince: input.CopySourceIfModifiedSince,
      IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
    },
    source.etag,
    source.lastModified,
  );
  const directive = input.MetadataDirective ?? "COPY";
  if (directive !== "COPY" && directive !== "REPLACE") {
    throw new AwsError("InvalidArgument", "Unknown metadata directive.", 400, { ArgumentName: "x-amz-metadata-directive", ArgumentValue: directive });
  }
  const sameObject = srcBucket === bucket && src.key === input.Key;
  if (sameObject && directive === "COPY" && !input.StorageClass && !input.WebsiteRedirectLocation && !input.ServerSideEncryption) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const replace = directive === "REPLACE";
  const blob = c.blobs.duplicate(source.blob);
  // A copy is one PUT: a multipart source's ETag becomes the plain MD5 of its bytes.
  const etag = source.etag.includes("-") ? (await c.blobs.md5(blob)).toString("hex") : source.etag;
  const tags =
    input.TaggingDirective === "REPLACE" ? (typeof input.Tagging === "string" ? parseTaggingHeader(input.Tagging) : []) : source.tags;
  const rec: ObjectRecord = {
    bucket,
    key: input.Key,
    size: source.size,
    etag,
    lastModified: Date.now(),
    contentType: replace ? input.ContentType || "binary/octet-stream" : source.contentType,
    metadata: replace ? normalizeMetadata(input.Metadata) : { ...source.metadata },
    headers: replace ? storedHeaders(input) : { ...source.headers },
    checksum: source.checksum?.type === "FULL_OBJECT" ? source.checksum : undefined,
    tags,
    blob,
    storageClass: input.StorageClass ?? source.storageClass,
    ...(acl ? { acl } : {}),
  };
  c.blobs.remove(c.store.putObject(rec));
  publishCreated(c, ctx, rec, "Copy", info);
  return {
    CopyObjectResult: { ETag: quoteEtag(etag), LastModified: new Date(rec.lastModified), ...checksumOutput(rec.checksum) },
    ServerSideEncryption: "AES256",
  };
}

export function getObjectTagging(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:GetObjectTagging", bucket, String(input.Key ?? ""));
  return { TagSet: findObject(c, bucket, input.Key).tags };
}

export function putObjectTagging(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:PutObjectTagging", bucket, String(input.Key ?? ""));
  const rec = findObject(c, bucket, input.Key);
  c.store.putObject({ ...rec, tags: validateTagSet(input.Tagging?.TagSet, 10) });
  return {};
}

export function deleteObjectTagging(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:DeleteObjectTagging", bucket, String(input.Key ?? ""));
  const rec = findObject(c, bucket, input.Key);
  c.store.putObject({ ...rec, tags: [] });
  return {};
}
