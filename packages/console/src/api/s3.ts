/** S3: buckets, a "folder" of objects (delimiter "/"), download, upload and delete. */
import type { AwsResponse } from "local-cloud";
import type { ConsoleContext } from "../context.js";
import { ConsoleError, requireString } from "../http.js";

export async function listBuckets(ctx: ConsoleContext) {
  const out = await ctx.cloud.s3.call("ListBuckets", {});
  return { buckets: (out?.Buckets ?? []).map((b: any) => ({ name: b.Name, createdAt: b.CreationDate })) };
}

export async function listObjects(ctx: ConsoleContext, q: URLSearchParams) {
  const Bucket = requireString(q.get("bucket"), "bucket");
  const Prefix = q.get("prefix") ?? "";
  const token = q.get("token");
  const out = await ctx.cloud.s3.call("ListObjectsV2", {
    Bucket,
    Prefix,
    Delimiter: "/",
    MaxKeys: 200,
    ...(token ? { ContinuationToken: token } : {}),
  });
  return {
    bucket: Bucket,
    prefix: Prefix,
    folders: (out?.CommonPrefixes ?? []).map((p: any) => p.Prefix as string),
    objects: (out?.Contents ?? []).map((o: any) => ({ key: o.Key, size: o.Size, modifiedAt: o.LastModified })),
    next: out?.IsTruncated ? out.NextContinuationToken : null,
  };
}

/** The object as a download: the browser saves it under its own file name. */
export async function downloadObject(ctx: ConsoleContext, q: URLSearchParams): Promise<AwsResponse> {
  const Bucket = requireString(q.get("bucket"), "bucket");
  const Key = requireString(q.get("key"), "key");
  const out = await ctx.cloud.s3.call("GetObject", { Bucket, Key });
  const file = Key.slice(Key.lastIndexOf("/") + 1) || "object";
  const body: Buffer = Buffer.isBuffer(out.Body) ? out.Body : Buffer.from(out.Body ?? "");
  return {
    status: 200,
    headers: {
      "content-type": out.ContentType || "application/octet-stream",
      // RFC 6266: an ASCII fallback name plus the exact UTF-8 one.
      "content-disposition": `attachment; filename="${file.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(file)}`,
      "x-content-type-options": "nosniff",
      // User data on the Console's origin: should a browser render it anyway, it runs in
      // an opaque origin with nothing allowed.
      "content-security-policy": "sandbox; default-src 'none'",
      "cache-control": "no-store",
    },
    body,
  };
}

/** Upload: the raw request body becomes the object. */
export async function uploadObject(ctx: ConsoleContext, q: URLSearchParams, body: Buffer, contentType?: string) {
  const Bucket = requireString(q.get("bucket"), "bucket");
  const Key = requireString(q.get("key"), "key");
  if (Key.length > 1024) throw new ConsoleError("KeyTooLongError", "Your key is too long");
  await ctx.cloud.s3.call("PutObject", { Bucket, Key, Body: body, ...(contentType ? { ContentType: contentType } : {}) });
  return { bucket: Bucket, key: Key, size: body.length };
}

export async function deleteObject(ctx: ConsoleContext, q: URLSearchParams) {
  const Bucket = requireString(q.get("bucket"), "bucket");
  const Key = requireString(q.get("key"), "key");
  await ctx.cloud.s3.call("DeleteObject", { Bucket, Key });
  return { ok: true };
}
