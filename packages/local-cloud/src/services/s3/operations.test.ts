/** S3 operations through call(), with a fake cloud. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { S3Service } from "./index.js";
import { ANONYMOUS_CALLER, fakeCloud, ROLE_SESSION, type FakeCloud } from "./test-support.js";
import { AwsError } from "../../server/aws-error.js";

async function rejectsWith(p: Promise<unknown>, code: string, status?: number) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AwsError, `expected AwsError, got ${err}`);
    assert.equal(err.code, code);
    if (status !== undefined) assert.equal(err.status, status);
    return true;
  });
}

describe("S3 operations (call)", () => {
  let cloud: FakeCloud;
  let s3: S3Service;
  before(() => {
    cloud = fakeCloud();
    s3 = new S3Service({ kernel: cloud });
  });
  after(async () => {
    await s3.close();
    cloud.cleanup();
  });

  it("creates, lists, heads and deletes buckets", async () => {
    assert.deepEqual(await s3.call("CreateBucket", { Bucket: "alpha" }), { Location: "/alpha" });
    await rejectsWith(s3.call("CreateBucket", { Bucket: "alpha" }), "BucketAlreadyOwnedByYou", 409);
    await rejectsWith(s3.call("CreateBucket", { Bucket: "Bad_Name" }), "InvalidBucketName", 400);
    await rejectsWith(s3.call("CreateBucket", { Bucket: "ab" }), "InvalidBucketName", 400);
    await rejectsWith(s3.call("CreateBucket", { Bucket: "192.168.1.1" }), "InvalidBucketName", 400);
    await rejectsWith(
      s3.call("CreateBucket", { Bucket: "beta", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }),
      "IllegalLocationConstraintException",
      400,
    );
    const list = await s3.call("ListBuckets", {});
    assert.deepEqual(list.Buckets.map((b: any) => b.Name), ["alpha"]);
    assert.ok(list.Buckets[0].CreationDate instanceof Date);
    assert.equal((await s3.call("HeadBucket", { Bucket: "alpha" })).BucketRegion, "us-east-1");
    await rejectsWith(s3.call("HeadBucket", { Bucket: "missing-bucket" }), "NoSuchBucket", 404);
    assert.deepEqual(await s3.call("GetBucketLocation", { Bucket: "alpha" }), { LocationConstraint: undefined });
    await s3.call("PutObject", { Bucket: "alpha", Key: "k", Body: "x" });
    await rejectsWith(s3.call("DeleteBucket", { Bucket: "alpha" }), "BucketNotEmpty", 409);
    await s3.call("DeleteObject", { Bucket: "alpha", Key: "k" });
    await s3.call("DeleteBucket", { Bucket: "alpha" });
    await rejectsWith(s3.call("DeleteBucket", { Bucket: "alpha" }), "NoSuchBucket", 404);
  });

  it("puts and gets objects with metadata, ranges and conditions", async () => {
    await s3.call("CreateBucket", { Bucket: "objects" });
    const body = "hello, world";
    const md5 = createHash("md5").update(body).digest();
    const put = await s3.call("PutObject", {
      Bucket: "objects",
      Key: "dir/a b+c ü.txt",
      Body: body,
      ContentType: "text/plain",
      ContentMD5: md5.toString("base64"),
      Metadata: { Owner: "me" },
      CacheControl: "max-age=60",
    });
    assert.equal(put.ETag, `"${md5.toString("hex")}"`);
    const got = await s3.call("GetObject", { Bucket: "objects", Key: "dir/a b+c ü.txt" });
    assert.equal(got.Body.toString(), body);
    assert.equal(got.ContentType, "text/plain");
    assert.equal(got.ContentLength, body.length);
    assert.deepEqual(got.Metadata, { owner: "me" });
    assert.equal(got.CacheControl, "max-age=60");
    const ranged = await s3.call("GetObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", Range: "bytes=7-" });
    assert.equal(ranged.Body.toString(), "world");
    assert.equal(ranged.ContentRange, `bytes 7-11/12`);
    const suffix = await s3.call("GetObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", Range: "bytes=-5" });
    assert.equal(suffix.Body.toString(), "world");
    await rejectsWith(s3.call("GetObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", Range: "bytes=50-60" }), "InvalidRange", 416);
    await rejectsWith(s3.call("GetObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", IfNoneMatch: put.ETag }), "NotModified", 304);
    await rejectsWith(s3.call("GetObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", IfMatch: '"nope"' }), "PreconditionFailed", 412);
    const future = new Date(Date.now() + 60_000);
    await rejectsWith(s3.call("HeadObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", IfModifiedSince: future }), "NotModified", 304);
    const head = await s3.call("HeadObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", IfMatch: put.ETag });
    assert.equal(head.ContentLength, 12);
    assert.equal(head.Body, undefined);
    await rejectsWith(s3.call("GetObject", { Bucket: "objects", Key: "nope" }), "NoSuchKey", 404);
    await rejectsWith(s3.call("PutObject", { Bucket: "objects", Key: "x", Body: "abc", ContentMD5: md5.toString("base64") }), "BadDigest", 400);
    await rejectsWith(s3.call("PutObject", { Bucket: "nobucket", Key: "x", Body: "abc" }), "NoSuchBucket", 404);
    // Conditional writes.
    await rejectsWith(s3.call("PutObject", { Bucket: "objects", Key: "dir/a b+c ü.txt", Body: "x", IfNoneMatch: "*" }), "PreconditionFailed", 412);
    await s3.call("PutObject", { Bucket: "objects", Key: "fresh", Body: "x", IfNoneMatch: "*" });
    await rejectsWith(s3.call("PutObject", { Bucket: "objects", Key: "fresh", Body: "y", IfMatch: '"0123"' }), "PreconditionFailed", 412);
    // Streams are accepted in-process.
    await s3.call("PutObject", { Bucket: "objects", Key: "stream", Body: Readable.from([Buffer.from("ab"), Buffer.from("cd")]) });
    assert.equal((await s3.call("GetObject", { Bucket: "objects", Key: "stream" })).Body.toString(), "abcd");
  });

  it("validates flexible checksums and returns them with ChecksumMode", async () => {
    await s3.call("CreateBucket", { Bucket: "sums" });
    await rejectsWith(s3.call("PutObject", { Bucket: "sums", Key: "a", Body: "123456789", ChecksumCRC32: "AAAAAA==" }), "BadDigest", 400);
    const put = await s3.call("PutObject", { Bucket: "sums", Key: "a", Body: "123456789", ChecksumCRC32: "y/Q5Jg==" });
    assert.equal(put.ChecksumCRC32, "y/Q5Jg==");
    const got = await s3.call("GetObject", { Bucket: "sums", Key: "a", ChecksumMode: "ENABLED" });
    assert.equal(got.ChecksumCRC32, "y/Q5Jg==");
    const computed = await s3.call("PutObject", { Bucket: "sums", Key: "b", Body: "123456789", ChecksumAlgorithm: "CRC32C" });
    assert.equal(computed.ChecksumCRC32C, "4waSgw==");
  });

  it("copies objects with COPY and REPLACE directives", async () => {
    await s3.call("CreateBucket", { Bucket: "copies" });
    await s3.call("PutObject", { Bucket: "copies", Key: "src key", Body: "data", ContentType: "text/x", Metadata: { a: "1" } });
    const copy = await s3.call("CopyObject", { Bucket: "copies", Key: "dst", CopySource: "copies/src%20key" });
    assert.match(copy.CopyObjectResult.ETag, /^"[0-9a-f]{32}"$/);
    const dst = await s3.call("GetObject", { Bucket: "copies", Key: "dst" });
    assert.equal(dst.Body.toString(), "data");
    assert.equal(dst.ContentType, "text/x");
    assert.deepEqual(dst.Metadata, { a: "1" });
    await s3.call("CopyObject", {
      Bucket: "copies",
      Key: "dst",
      CopySource: "/copies/src%20key",
      MetadataDirective: "REPLACE",
      ContentType: "text/y",
      Metadata: { b: "2" },
    });
    const replaced = await s3.call("HeadObject", { Bucket: "copies", Key: "dst" });
    assert.equal(replaced.ContentType, "text/y");
    assert.deepEqual(replaced.Metadata, { b: "2" });
    await rejectsWith(s3.call("CopyObject", { Bucket: "copies", Key: "src key", CopySource: "copies/src%20key" }), "InvalidRequest", 400);
    await rejectsWith(s3.call("CopyObject", { Bucket: "copies", Key: "x", CopySource: "copies/none" }), "NoSuchKey", 404);
    // Deleting the source leaves the copy intact (separate body file).
    await s3.call("DeleteObject", { Bucket: "copies", Key: "src key" });
    assert.equal((await s3.call("GetObject", { Bucket: "copies", Key: "dst" })).Body.toString(), "data");
  });

  it("lists with prefix, delimiter, paging and start-after", async () => {
    await s3.call("CreateBucket", { Bucket: "listing" });
    const keys = ["a.txt", "photos/2024/x.jpg", "photos/2024/y.jpg", "photos/2025/z.jpg", "photos/top.jpg", "videos/v.mp4", "zeta"];
    for (const Key of keys) await s3.call("PutObject", { Bucket: "listing", Key, Body: Key });
    const all = await s3.call("ListObjectsV2", { Bucket: "listing" });
    assert.deepEqual(all.Contents.map((c: any) => c.Key), keys);
    assert.equal(all.KeyCount, 7);
    assert.equal(all.IsTruncated, false);
    const top = await s3.call("ListObjectsV2", { Bucket: "listing", Delimiter: "/" });
    assert.deepEqual(top.Contents.map((c: any) => c.Key), ["a.txt", "zeta"]);
    assert.deepEqual(top.CommonPrefixes.map((p: any) => p.Prefix), ["photos/", "videos/"]);
    const photos = await s3.call("ListObjectsV2", { Bucket: "listing", Prefix: "photos/", Delimiter: "/" });
    assert.deepEqual(photos.Contents.map((c: any) => c.Key), ["photos/top.jpg"]);
    assert.deepEqual(photos.CommonPrefixes.map((p: any) => p.Prefix), ["photos/2024/", "photos/2025/"]);
    // Paging over keys and prefixes, two entries a page.
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.call("ListObjectsV2", { Bucket: "listing", Delimiter: "/", MaxKeys: 2, ContinuationToken: token });
      seen.push(...(page.Contents ?? []).map((c: any) => c.Key), ...(page.CommonPrefixes ?? []).map((p: any) => p.Prefix));
      token = page.NextContinuationToken;
      pages++;
      assert.equal(page.IsTruncated, token !== undefined);
    } while (token);
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), ["a.txt", "photos/", "videos/", "zeta"]);
    const after = await s3.call("ListObjectsV2", { Bucket: "listing", StartAfter: "photos/top.jpg" });
    assert.deepEqual(after.Contents.map((c: any) => c.Key), ["videos/v.mp4", "zeta"]);
    const v1 = await s3.call("ListObjects", { Bucket: "listing", Marker: "videos/v.mp4" });
    assert.deepEqual(v1.Contents.map((c: any) => c.Key), ["zeta"]);
    await rejectsWith(s3.call("ListObjectsV2", { Bucket: "listing", ContinuationToken: "!!bad" }), "InvalidArgument", 400);
    const encoded = await s3.call("ListObjectsV2", { Bucket: "listing", Prefix: "a", EncodingType: "url" });
    assert.equal(encoded.EncodingType, "url");
  });

  it("deletes many objects and reports per-key errors", async () => {
    await s3.call("CreateBucket", { Bucket: "bulk" });
    for (const Key of ["1", "2", "3"]) await s3.call("PutObject", { Bucket: "bulk", Key, Body: Key });
    const res = await s3.call("DeleteObjects", { Bucket: "bulk", Delete: { Objects: [{ Key: "1" }, { Key: "2" }, { Key: "missing" }] } });
    assert.deepEqual(res.Deleted.map((d: any) => d.Key), ["1", "2", "missing"]);
    const left = await s3.call("ListObjectsV2", { Bucket: "bulk" });
    assert.deepEqual(left.Contents.map((c: any) => c.Key), ["3"]);
    await rejectsWith(s3.call("DeleteObjects", { Bucket: "bulk", Delete: { Objects: [] } }), "MalformedXML", 400);
  });

  it("runs multipart uploads", async () => {
    await s3.call("CreateBucket", { Bucket: "multi" });
    const { UploadId } = await s3.call("CreateMultipartUpload", { Bucket: "multi", Key: "big", ContentType: "application/zip" });
    const part1 = Buffer.alloc(5 * 1024 * 1024, 1);
    const part2 = Buffer.from("tail");
    const p1 = await s3.call("UploadPart", { Bucket: "multi", Key: "big", UploadId, PartNumber: 1, Body: part1 });
    const p2 = await s3.call("UploadPart", { Bucket: "multi", Key: "big", UploadId, PartNumber: 2, Body: part2 });
    const parts = await s3.call("ListParts", { Bucket: "multi", Key: "big", UploadId });
    assert.deepEqual(parts.Parts.map((p: any) => [p.PartNumber, p.Size]), [[1, part1.length], [2, 4]]);
    const uploads = await s3.call("ListMultipartUploads", { Bucket: "multi" });
    assert.deepEqual(uploads.Uploads.map((u: any) => u.UploadId), [UploadId]);
    await rejectsWith(
      s3.call("CompleteMultipartUpload", {
        Bucket: "multi",
        Key: "big",
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 2, ETag: p2.ETag }, { PartNumber: 1, ETag: p1.ETag }] },
      }),
      "InvalidPartOrder",
      400,
    );
    await rejectsWith(
      s3.call("CompleteMultipartUpload", { Bucket: "multi", Key: "big", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"bad"' }] } }),
      "InvalidPart",
      400,
    );
    const done = await s3.call("CompleteMultipartUpload", {
      Bucket: "multi",
      Key: "big",
      UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
    });
    const expected = createHash("md5")
      .update(Buffer.concat([createHash("md5").update(part1).digest(), createHash("md5").update(part2).digest()]))
      .digest("hex");
    assert.equal(done.ETag, `"${expected}-2"`);
    const got = await s3.call("GetObject", { Bucket: "multi", Key: "big" });
    assert.equal(got.ContentLength, part1.length + 4);
    assert.equal(got.ContentType, "application/zip");
    assert.equal(got.Body.subarray(-4).toString(), "tail");
    await rejectsWith(s3.call("ListParts", { Bucket: "multi", Key: "big", UploadId }), "NoSuchUpload", 404);
    const small = await s3.call("CreateMultipartUpload", { Bucket: "multi", Key: "small" });
    const s1 = await s3.call("UploadPart", { Bucket: "multi", Key: "small", UploadId: small.UploadId, PartNumber: 1, Body: "a" });
    const s2 = await s3.call("UploadPart", { Bucket: "multi", Key: "small", UploadId: small.UploadId, PartNumber: 2, Body: "b" });
    await rejectsWith(
      s3.call("CompleteMultipartUpload", {
        Bucket: "multi",
        Key: "small",
        UploadId: small.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: s1.ETag }, { PartNumber: 2, ETag: s2.ETag }] },
      }),
      "EntityTooSmall",
      400,
    );
    await s3.call("AbortMultipartUpload", { Bucket: "multi", Key: "small", UploadId: small.UploadId });
    await rejectsWith(s3.call("AbortMultipartUpload", { Bucket: "multi", Key: "small", UploadId: small.UploadId }), "NoSuchUpload", 404);
  });

  it("stores bucket configurations", async () => {
    await s3.call("CreateBucket", { Bucket: "configs" });
    await rejectsWith(s3.call("GetBucketCors", { Bucket: "configs" }), "NoSuchCORSConfiguration", 404);
    const CORSRules = [{ AllowedOrigins: ["*"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["*"], MaxAgeSeconds: 300 }];
    await s3.call("PutBucketCors", { Bucket: "configs", CORSConfiguration: { CORSRules } });
    assert.deepEqual((await s3.call("GetBucketCors", { Bucket: "configs" })).CORSRules, CORSRules);
    await rejectsWith(
      s3.call("PutBucketCors", { Bucket: "configs", CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["PATCH"] }] } }),
      "InvalidRequest",
      400,
    );
    await s3.call("DeleteBucketCors", { Bucket: "configs" });
    await rejectsWith(s3.call("GetBucketCors", { Bucket: "configs" }), "NoSuchCORSConfiguration", 404);

    await rejectsWith(s3.call("GetBucketTagging", { Bucket: "configs" }), "NoSuchTagSet", 404);
    await s3.call("PutBucketTagging", { Bucket: "configs", Tagging: { TagSet: [{ Key: "app", Value: "my-app" }] } });
    assert.deepEqual((await s3.call("GetBucketTagging", { Bucket: "configs" })).TagSet, [{ Key: "app", Value: "my-app" }]);
    await rejectsWith(
      s3.call("PutBucketTagging", { Bucket: "configs", Tagging: { TagSet: [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }] } }),
      "InvalidTag",
      400,
    );

    assert.deepEqual(await s3.call("GetBucketVersioning", { Bucket: "configs" }), {});
    await s3.call("PutBucketVersioning", { Bucket: "configs", VersioningConfiguration: { Status: "Enabled" } });
    assert.equal((await s3.call("GetBucketVersioning", { Bucket: "configs" })).Status, "Enabled");

    await rejectsWith(s3.call("GetBucketPolicy", { Bucket: "configs" }), "NoSuchBucketPolicy", 404);
    await rejectsWith(s3.call("PutBucketPolicy", { Bucket: "configs", Policy: "{not json" }), "MalformedPolicy", 400);
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::configs/*" }] });
    await s3.call("PutBucketPolicy", { Bucket: "configs", Policy: policy });
    assert.equal((await s3.call("GetBucketPolicy", { Bucket: "configs" })).Policy, policy);

    await s3.call("PutObject", { Bucket: "configs", Key: "t", Body: "x", Tagging: "a=1&b=two%20words" });
    assert.deepEqual((await s3.call("GetObjectTagging", { Bucket: "configs", Key: "t" })).TagSet, [
      { Key: "a", Value: "1" },
      { Key: "b", Value: "two words" },
    ]);
    assert.equal((await s3.call("HeadObject", { Bucket: "configs", Key: "t" })).TagCount, 2);
    await s3.call("DeleteObjectTagging", { Bucket: "configs", Key: "t" });
    assert.deepEqual((await s3.call("GetObjectTagging", { Bucket: "configs", Key: "t" })).TagSet, []);
  });

  it("enforces bucket policies for anonymous callers and IAM for role sessions", async () => {
    await s3.call("CreateBucket", { Bucket: "guarded" });
    await s3.call("PutObject", { Bucket: "guarded", Key: "public/a.txt", Body: "pub" });
    await s3.call("PutObject", { Bucket: "guarded", Key: "private/b.txt", Body: "priv" });
    const anon = { principal: ANONYMOUS_CALLER };
    await rejectsWith(s3.call("GetObject", { Bucket: "guarded", Key: "public/a.txt" }, anon), "AccessDenied", 403);
    await s3.call("PutBucketPolicy", {
      Bucket: "guarded",
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::guarded/public/*" },
          {
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: "s3:*",
            Resource: ["arn:aws:s3:::guarded", "arn:aws:s3:::guarded/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
    assert.equal((await s3.call("GetObject", { Bucket: "guarded", Key: "public/a.txt" }, anon)).Body.toString(), "pub");
    await rejectsWith(s3.call("GetObject", { Bucket: "guarded", Key: "private/b.txt" }, anon), "AccessDenied", 403);
    await rejectsWith(s3.call("PutObject", { Bucket: "guarded", Key: "public/new", Body: "x" }, anon), "AccessDenied", 403);

    // Listing scoped by an s3:prefix condition.
    await s3.call("PutBucketPolicy", {
      Bucket: "guarded",
      Policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::guarded/public/*" },
          { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: "arn:aws:s3:::guarded", Condition: { StringLike: { "s3:prefix": "public/*" } } },
        ],
      }),
    });
    const listed = await s3.call("ListObjectsV2", { Bucket: "guarded", Prefix: "public/" }, anon);
    assert.deepEqual(listed.Contents.map((o: any) => o.Key), ["public/a.txt"]);
    await rejectsWith(s3.call("ListObjectsV2", { Bucket: "guarded" }, anon), "AccessDenied", 403);
    const role = { principal: ROLE_SESSION };
    await rejectsWith(s3.call("PutObject", { Bucket: "guarded", Key: "private/c", Body: "x" }, role), "AccessDenied", 403);
    cloud.allowed.add("s3:PutObject");
    await s3.call("PutObject", { Bucket: "guarded", Key: "private/c", Body: "x" }, role);
    await rejectsWith(s3.call("ListObjectsV2", { Bucket: "guarded" }, role), "AccessDenied", 403);
    // The bucket policy's Allow for everyone also admits the role.
    assert.equal((await s3.call("GetObject", { Bucket: "guarded", Key: "public/a.txt" }, role)).Body.toString(), "pub");
    cloud.allowed.delete("s3:PutObject");
  });
});
