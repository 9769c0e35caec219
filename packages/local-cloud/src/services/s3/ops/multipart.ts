/**
 * Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
 * ListMultipartUploads. Parts are separate body files until completion concatenates
 * them; the object's ETag is MD5(concat(part MD5s))-N, as on S3.
 */
import { createHash, randomBytes } from "node:crypto";
import { AwsError } from "../../../server/aws-error.js";
import type { CallContext } from "../../../types.js";
import { computeChecksum, isChecksumAlgorithm } from "../checksums.js";
import { authorizeS3, quoteEtag, requireBucket, type S3Context } from "../context.js";
import { malformedXml, noSuchUpload } from "../errors.js";
import { assertValidKey } from "../names.js";
import type { ObjectRecord, PartRecord, UploadRecord } from "../store.js";
import { OWNER } from "./buckets.js";
import { objectAclToStore } from "../acl.js";
import { checksumOutput, findObject, grantsOf, parseCopySource, publishCreated, resolveChecksum, type RequestInfo } from "./objects.js";
import { receivedBody, StagedUpload, type ReceivedBody } from "./received-body.js";
import { parseTaggingHeader } from "./tags.js";
import { resolveRange } from "../conditions.js";

const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10000;

function requireUpload(c: S3Context, bucket: string, key: string, uploadId: unknown): UploadRecord {
  const upload = typeof uploadId === "string" ? c.store.getUpload(uploadId) : undefined;
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(String(uploadId ?? ""));
  return upload;
}

function partNumberOf(value: unknown): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PART_NUMBER) {
    throw new AwsError("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400, {
      ArgumentName: "partNumber",
      ArgumentValue: String(value),
    });
  }
  return n;
}

export function createMultipartUpload(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  assertValidKey(input.Key);
  authorizeS3(c, ctx, "s3:PutObject", bucket, input.Key);
  const acl = objectAclToStore(c, bucket, input.ACL, grantsOf(input));
  if (input.ACL !== undefined) authorizeS3(c, ctx, "s3:PutObjectAcl", bucket, input.Key);
  const algorithm = input.ChecksumAlgorithm ? String(input.ChecksumAlgorithm).toUpperCase() : undefined;
  if (algorithm !== undefined && !isChecksumAlgorithm(algorithm)) {
    throw new AwsError("InvalidRequest", "Checksum algorithm provided is unsupported.", 400);
  }
  const upload: UploadRecord = {
    uploadId: randomBytes(24).toString("base64url"),
    bucket,
    key: input.Key,
    initiated: Date.now(),
    contentType: input.ContentType || "binary/octet-stream",
    metadata: Object.fromEntries(Object.entries(input.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
    headers: Object.fromEntries(
      ["CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "Expires", "WebsiteRedirectLocation"]
        .filter((f) => input[f] !== undefined && input[f] !== null)
        .map((f) => [f, input[f] instanceof Date ? input[f].toUTCString() : String(input[f])]),
    ),
    tags: typeof input.Tagging === "string" ? parseTaggingHeader(input.Tagging) : [],
    checksumAlgorithm: algorithm,
    storageClass: input.StorageClass ?? "STANDARD",
    ...(acl ? { acl } : {}),
  };
  c.store.insertUpload(upload);
  return {
    Bucket: bucket,
    Key: upload.key,
    UploadId: upload.uploadId,
    ServerSideEncryption: "AES256",
    ...(algorithm ? { ChecksumAlgorithm: algorithm, ChecksumType: "COMPOSITE" } : {}),
  };
}

function storePart(c: S3Context, uploadId: string, partNumber: number, data: ReceivedBody, checksum?: PartRecord["checksum"]): PartRecord {
  const part: PartRecord = {
    partNumber,
    size: data.length,
    etag: data.md5().toString("hex"),
    lastModified: Date.now(),
    blob: data.store(c.blobs),
    checksum,
  };
  c.blobs.remove(c.store.putPart(uploadId, part));
  return part;
}

export function uploadPart(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:PutObject", bucket, String(input.Key ?? ""));
  const upload = requireUpload(c, bucket, input.Key, input.UploadId);
  const partNumber = partNumberOf(input.PartNumber);
  const data = receivedBody(input);
  if (input.ContentMD5 !== undefined && data.md5().toString("base64") !== input.ContentMD5) {
    throw new AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);
  }
  const checksum = resolveChecksum(input, data);
  const part = storePart(c, upload.uploadId, partNumber, data, checksum && { algorithm: checksum.algorithm, value: checksum.value });
  return { ETag: quoteEtag(part.etag), ServerSideEncryption: "AES256", ...(checksum ? checksumOutput(checksum) : {}) };
}

export async function uploadPartCopy(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:PutObject", bucket, String(input.Key ?? ""));
  const upload = requireUpload(c, bucket, input.Key, input.UploadId);
  const partNumber = partNumberOf(input.PartNumber);
  const src = parseCopySource(input.CopySource);
  const srcBucket = requireBucket(c, src.bucket).name;
  authorizeS3(c, ctx, "s3:GetObject", srcBucket, src.key);
  const source = findObject(c, srcBucket, src.key);
  const range = input.CopySourceRange ? resolveRange(input.CopySourceRange, source.size) : undefined;
  // Streamed into a staged file (a part may be 5 GiB), stored like a streamed UploadPart.
  const copied = await c.blobs.copyRangeToStaging(source.blob, range?.start ?? 0, range?.end);
  const staged = new StagedUpload(copied.file, copied.length, copied.md5, new Map(), {});
  let part: PartRecord;
  try {
    // The upload may have been completed or aborted while the bytes were copied.
    requireUpload(c, bucket, input.Key, input.UploadId);
    part = storePart(c, upload.uploadId, partNumber, staged);
  } finally {
    staged.discard();
  }
  return { CopyPartResult: { ETag: quoteEtag(part.etag), LastModified: new Date(part.lastModified) } };
}

export async function completeMultipartUpload(c: S3Context, ctx: CallContext, input: any, info?: RequestInfo) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:PutObject", bucket, String(input.Key ?? ""));
  const upload = requireUpload(c, bucket, input.Key, input.UploadId);
  const requested = input.MultipartUpload?.Parts;
  if (!Array.isArray(requested) || requested.length === 0) {
    throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  }
  const stored = new Map(c.store.listParts(upload.uploadId).map((p) => [p.partNumber, p]));
  const chosen: PartRecord[] = [];
  let previous = 0;
  for (const r of requested) {
    const n = Number(r?.PartNumber);
    if (!Number.isInteger(n)) throw malformedXml();
    if (n <= previous) {
      throw new AwsError(
        "InvalidPartOrder",
        "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
        400,
        { UploadId: upload.uploadId },
      );
    }
    previous = n;
    const part = stored.get(n);
    const etag = String(r?.ETag ?? "").replace(/^"|"$/g, "");
    if (!part || part.etag !== etag) {
      throw new AwsError(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
        400,
        { UploadId: upload.uploadId, PartNumber: n, ETag: etag },
      );
    }
    chosen.push(part);
  }
  for (const part of chosen.slice(0, -1)) {
    if (part.size < MIN_PART_SIZE) {
      throw new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", 400, {
        ProposedSize: part.size,
        MinSizeAllowed: MIN_PART_SIZE,
        PartNumber: part.partNumber,
        ETag: part.etag,
      });
    }
  }
  const blob = await c.blobs.concat(chosen.map((p) => p.blob));
  const md5s = Buffer.concat(chosen.map((p) => Buffer.from(p.etag, "hex")));
  const etag = `${createHash("md5").update(md5s).digest("hex")}-${chosen.length}`;
  let checksum: ObjectRecord["checksum"];
  if (upload.checksumAlgorithm && chosen.every((p) => p.checksum?.algorithm === upload.checksumAlgorithm)) {
    // COMPOSITE: the checksum of the parts' binary checksums, suffixed with the part count.
    const joined = Buffer.concat(chosen.map((p) => Buffer.from(p.checksum!.value, "base64")));
    checksum = {
      algorithm: upload.checksumAlgorithm,
      value: `${computeChecksum(upload.checksumAlgorithm as any, joined)}-${chosen.length}`,
      type: "COMPOSITE",
    };
  }
  const rec: ObjectRecord = {
    bucket,
    key: upload.key,
    size: chosen.reduce((n, p) => n + p.size, 0),
    etag,
    lastModified: Date.now(),
    contentType: upload.contentType,
    metadata: upload.metadata,
    headers: upload.headers,
    checksum,
    tags: upload.tags,
    blob,
    partsCount: chosen.length,
    storageClass: upload.storageClass,
    ...(upload.acl ? { acl: upload.acl } : {}),
  };
  c.blobs.remove(c.store.putObject(rec));
  for (const b of c.store.deleteUpload(upload.uploadId)) c.blobs.remove(b);
  publishCreated(c, ctx, rec, "CompleteMultipartUpload", info ?? { sourceIp: "127.0.0.1" });
  return {
    Location: `/${bucket}/${encodeURIComponent(upload.key).replace(/%2F/g, "/")}`,
    Bucket: bucket,
    Key: upload.key,
    ETag: quoteEtag(etag),
    ServerSideEncryption: "AES256",
    ...checksumOutput(checksum),
  };
}

export function abortMultipartUpload(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:AbortMultipartUpload", bucket, String(input.Key ?? ""));
  const upload = requireUpload(c, bucket, input.Key, input.UploadId);
  for (const b of c.store.deleteUpload(upload.uploadId)) c.blobs.remove(b);
  return {};
}

export function listParts(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:ListMultipartUploadParts", bucket, String(input.Key ?? ""));
  const upload = requireUpload(c, bucket, input.Key, input.UploadId);
  const maxParts = Math.min(input.MaxParts === undefined ? 1000 : Number(input.MaxParts), 1000);
  const marker = input.PartNumberMarker === undefined ? 0 : Number(input.PartNumberMarker);
  const all = c.store.listParts(upload.uploadId).filter((p) => p.partNumber > marker);
  const parts = all.slice(0, maxParts);
  const truncated = all.length > parts.length;
  return {
    Bucket: bucket,
    Key: upload.key,
    UploadId: upload.uploadId,
    PartNumberMarker: String(marker),
    NextPartNumberMarker: parts.length ? String(parts[parts.length - 1]!.partNumber) : undefined,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Parts: parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: new Date(p.lastModified),
      ETag: quoteEtag(p.etag),
      Size: p.size,
      ...(p.checksum ? { [`Checksum${p.checksum.algorithm}`]: p.checksum.value } : {}),
    })),
    Initiator: OWNER,
    Owner: OWNER,
    StorageClass: upload.storageClass,
    ...(upload.checksumAlgorithm ? { ChecksumAlgorithm: upload.checksumAlgorithm } : {}),
  };
}

export function listMultipartUploads(c: S3Context, ctx: CallContext, input: any) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, "s3:ListBucketMultipartUploads", bucket);
  const prefix: string = input.Prefix ?? "";
  const maxUploads = Math.min(input.MaxUploads === undefined ? 1000 : Number(input.MaxUploads), 1000);
  const keyMarker: string = input.KeyMarker ?? "";
  const uploads = c.store
    .listUploads(bucket)
    .filter((u) => u.key.startsWith(prefix) && (!keyMarker || Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker)) > 0));
  const page = uploads.slice(0, maxUploads);
  const truncated = uploads.length > page.length;
  const last = page[page.length - 1];
  return {
    Bucket: bucket,
    KeyMarker: keyMarker,
    UploadIdMarker: input.UploadIdMarker ?? "",
    NextKeyMarker: truncated && last ? last.key : undefined,
    NextUploadIdMarker: truncated && last ? last.uploadId : undefined,
    Prefix: input.Prefix,
    MaxUploads: maxUploads,
    IsTruncated: truncated,
    Uploads: page.map((u) => ({
      UploadId: u.uploadId,
      Key: u.key,
      Initiated: new Date(u.initiated),
      StorageClass: u.storageClass,
      Owner: OWNER,
      Initiator: OWNER,
      ...(u.checksumAlgorithm ? { ChecksumAlgorithm: u.checksumAlgorithm } : {}),
    })),
  };
}
