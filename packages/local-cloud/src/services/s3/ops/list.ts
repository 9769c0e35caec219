/**
 * ListObjectsV2 and ListObjects (v1): prefix, delimiter → CommonPrefixes, paging by
 * max-keys with continuation tokens / markers, encoding-type=url.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { CallContext } from "../../../types.js";
import { authorizeS3, quoteEtag, requireBucket, type S3Context } from "../context.js";
import type { ObjectRecord } from "../store.js";
import { OWNER } from "./buckets.js";
import { encodeEventKey } from "../notifications.js";

interface Page {
  contents: ObjectRecord[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  last?: string;
}

/** Walk keys in order after `after`, grouping by delimiter, until `maxKeys` entries. */
export function listPage(c: S3Context, bucket: string, prefix: string, delimiter: string, after: string | undefined, maxKeys: number): Page {
  const page: Page = { contents: [], commonPrefixes: [], truncated: false };
  let count = 0;
  for (const rec of c.store.iterateObjects(bucket, prefix, after)) {
    if (!rec.key.startsWith(prefix)) break; // sorted: past the prefix range
    let entry: string = rec.key;
    let isPrefix = false;
    if (delimiter) {
      const idx = rec.key.indexOf(delimiter, prefix.length);
      if (idx >= 0) {
        entry = rec.key.slice(0, idx + delimiter.length);
        isPrefix = true;
        // Keys under a prefix already returned (here or on an earlier page) fold into it.
        if (entry === page.last || entry === after) continue;
      }
    }
    if (count >= maxKeys) {
      // max-keys=0 asks for nothing and is not a page of a longer listing.
      page.truncated = maxKeys > 0;
      break;
    }
    if (isPrefix) page.commonPrefixes.push(entry);
    else page.contents.push(rec);
    page.last = entry;
    count++;
  }
  return page;
}

/** The condition keys bucket policies use to scope listings (s3:prefix, s3:delimiter, s3:max-keys). */
function listConditionKeys(input: any): Record<string, string> {
  const keys: Record<string, string> = { "s3:prefix": String(input.Prefix ?? "") };
  if (input.Delimiter) keys["s3:delimiter"] = String(input.Delimiter);
  if (input.MaxKeys !== undefined) keys["s3:max-keys"] = String(input.MaxKeys);
  return keys;
}

function parseMaxKeys(value: unknown): number {
  if (value === undefined || value === null || value === "") return 1000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new AwsError("InvalidArgument", "Provided max-keys not an integer or within integer range", 400, {
      ArgumentName: "max-keys",
      ArgumentValue: String(value),
    });
  }
  return Math.min(n, 1000);
}

function checkEncodingType(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (value !== "url") {
    throw new AwsError("InvalidArgument", "Invalid Encoding Method specified in Request", 400, {
      ArgumentName: "encoding-type",
      ArgumentValue: String(value),
    });
  }
  return true;
}

function entries(page: Page, encode: (s: string) => string, fetchOwner: boolean) {
  return {
    Contents: page.contents.length
      ? page.contents.map((r) => ({
          Key: encode(r.key),
          LastModified: new Date(r.lastModified),
          ETag: quoteEtag(r.etag),
          ...(r.checksum ? { ChecksumAlgorithm: [r.checksum.algorithm], ChecksumType: r.checksum.type } : {}),
          Size: r.size,
          StorageClass: r.storageClass,
          ...(fetchOwner ? { Owner: OWNER } : {}),
        }))
      : undefined,
    CommonPrefixes: page.commonPrefixes.length ? page.commonPrefixes.map((p) => ({ Prefix: encode(p) })) : undefined,
  };
}

const encodeToken = (s: string) => Buffer.from(s, "utf8").toString("base64");

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64").toString("utf8");
  if (!token || encodeToken(text) !== token) {
    throw new AwsError("InvalidArgument", "The continuation token provided is incorrect", 400, { ArgumentName: "continuation-token" });
  }
  return text;
}

/** What every listing reads from its request, after the bucket and IAM checks. */
function listRequest(c: S3Context, ctx: CallContext, input: any, action: string) {
  const bucket = requireBucket(c, input.Bucket).name;
  authorizeS3(c, ctx, action, bucket, undefined, listConditionKeys(input));
  const url = checkEncodingType(input.EncodingType);
  return {
    bucket,
    maxKeys: parseMaxKeys(input.MaxKeys),
    url,
    encode: url ? encodeEventKey : (s: string) => s,
    prefix: (input.Prefix ?? "") as string,
    delimiter: (input.Delimiter ?? "") as string,
  };
}

export function listObjectsV2(c: S3Context, ctx: CallContext, input: any) {
  const { bucket, maxKeys, url, encode, prefix, delimiter } = listRequest(c, ctx, input, "s3:ListBucket");
  const after = input.ContinuationToken ? decodeToken(String(input.ContinuationToken)) : input.StartAfter || undefined;
  const page = listPage(c, bucket, prefix, delimiter, after, maxKeys);
  return {
    IsTruncated: page.truncated,
    ...entries(page, encode, input.FetchOwner === true || input.FetchOwner === "true"),
    Name: bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter ? encode(delimiter) : undefined,
    MaxKeys: maxKeys,
    EncodingType: url ? "url" : undefined,
    KeyCount: page.contents.length + page.commonPrefixes.length,
    ContinuationToken: input.ContinuationToken || undefined,
    NextContinuationToken: page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined,
    StartAfter: input.StartAfter ? encode(input.StartAfter) : undefined,
  };
}

export function listObjects(c: S3Context, ctx: CallContext, input: any) {
  const { bucket, maxKeys, url, encode, prefix, delimiter } = listRequest(c, ctx, input, "s3:ListBucket");
  const marker: string = input.Marker ?? "";
  const page = listPage(c, bucket, prefix, delimiter, marker || undefined, maxKeys);
  return {
    IsTruncated: page.truncated,
    Marker: encode(marker),
    // v1 names NextMarker only when a delimiter is used; otherwise clients use the last key.
    NextMarker: page.truncated && delimiter && page.last !== undefined ? encode(page.last) : undefined,
    ...entries(page, encode, true),
    Name: bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter ? encode(delimiter) : undefined,
    MaxKeys: maxKeys,
    EncodingType: url ? "url" : undefined,
  };
}

/**
 * ListObjectVersions without kept versions: every object is its only, latest
 * version "null" — what S3 answers for a bucket that never had versioning enabled.
 */
export function listObjectVersions(c: S3Context, ctx: CallContext, input: any) {
  const { bucket, maxKeys, url, encode, prefix, delimiter } = listRequest(c, ctx, input, "s3:ListBucketVersions");
  const keyMarker: string = input.KeyMarker ?? "";
  const page = listPage(c, bucket, prefix, delimiter, keyMarker || undefined, maxKeys);
  return {
    IsTruncated: page.truncated,
    KeyMarker: encode(keyMarker),
    VersionIdMarker: input.VersionIdMarker ?? "",
    NextKeyMarker: page.truncated && page.last !== undefined ? encode(page.last) : undefined,
    NextVersionIdMarker: page.truncated ? "null" : undefined,
    Versions: page.contents.length
      ? page.contents.map((r) => ({
          ETag: quoteEtag(r.etag),
          Size: r.size,
          StorageClass: r.storageClass,
          Key: encode(r.key),
          VersionId: "null",
          IsLatest: true,
          LastModified: new Date(r.lastModified),
          Owner: OWNER,
        }))
      : undefined,
    CommonPrefixes: page.commonPrefixes.length ? page.commonPrefixes.map((p) => ({ Prefix: encode(p) })) : undefined,
    Name: bucket,
    Prefix: encode(prefix),
    Delimiter: delimiter ? encode(delimiter) : undefined,
    MaxKeys: maxKeys,
    EncodingType: url ? "url" : undefined,
  };
}
