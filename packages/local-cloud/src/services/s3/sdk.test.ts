/** S3 through the real AWS SDK v3 client against a started local cloud. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client,
  CreateBucketCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  GetBucketLocationCommand,
  DeleteBucketCommand,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  CopyObjectCommand,
  ListObjectsV2Command,
  ListObjectsCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  ListPartsCommand,
  PutBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketTaggingCommand,
  GetBucketTaggingCommand,
  PutBucketVersioningCommand,
  GetBucketVersioningCommand,
  PutBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketNotificationConfigurationCommand,
  GetBucketNotificationConfigurationCommand,
  PutObjectTaggingCommand,
  GetObjectTaggingCommand,
  ListObjectVersionsCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { startTestCloud, type TestCloud } from "../../testing.js";

async function sdkError(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (err) {
    if (err instanceof S3ServiceException) return err;
    throw err;
  }
  assert.fail("expected the call to fail");
}

describe("S3 over the AWS SDK v3", () => {
  let tc: TestCloud;
  let s3: S3Client;
  before(async () => {
    tc = await startTestCloud();
    s3 = new S3Client(tc.clientConfig);
  });
  after(async () => {
    s3.destroy();
    await tc.stop();
  });

  it("manages buckets and answers errors with S3's codes", async () => {
    const created = await s3.send(new CreateBucketCommand({ Bucket: "sdk-bucket" }));
    assert.equal(created.Location, "/sdk-bucket");
    const dup = await sdkError(s3.send(new CreateBucketCommand({ Bucket: "sdk-bucket" })));
    assert.equal(dup.name, "BucketAlreadyOwnedByYou");
    assert.equal(dup.$metadata.httpStatusCode, 409);
    const bad = await sdkError(s3.send(new CreateBucketCommand({ Bucket: "Not_Valid" })));
    assert.equal(bad.name, "InvalidBucketName");
    const head = await s3.send(new HeadBucketCommand({ Bucket: "sdk-bucket" }));
    assert.equal(head.BucketRegion, "us-east-1");
    const missing = await sdkError(s3.send(new HeadBucketCommand({ Bucket: "no-such-bucket-here" })));
    assert.equal(missing.$metadata.httpStatusCode, 404);
    const list = await s3.send(new ListBucketsCommand({}));
    assert.ok(list.Buckets!.some((b) => b.Name === "sdk-bucket" && b.CreationDate instanceof Date));
    assert.ok(list.Owner?.ID);
    const loc = await s3.send(new GetBucketLocationCommand({ Bucket: "sdk-bucket" }));
    assert.equal(loc.LocationConstraint, undefined);
    await s3.send(new CreateBucketCommand({ Bucket: "sdk-doomed" }));
    await s3.send(new PutObjectCommand({ Bucket: "sdk-doomed", Key: "x", Body: "x" }));
    const notEmpty = await sdkError(s3.send(new DeleteBucketCommand({ Bucket: "sdk-doomed" })));
    assert.equal(notEmpty.name, "BucketNotEmpty");
    assert.equal(notEmpty.$metadata.httpStatusCode, 409);
    await s3.send(new DeleteObjectCommand({ Bucket: "sdk-doomed", Key: "x" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "sdk-doomed" }));
  });

  it("puts and gets objects with awkward keys, metadata and checksums", async () => {
    const keys = ["plain.txt", "with space.txt", "plus+sign.txt", "ünïcødé/日本.txt", "deep/a/b/c.txt", "pct%20literal", "semi;colon,comma"];
    for (const Key of keys) {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: "sdk-bucket", Key, Body: `body of ${Key}`, ContentType: "text/plain", Metadata: { origin: "test" } }),
      );
      assert.match(put.ETag!, /^"[0-9a-f]{32}"$/);
    }
    for (const Key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key }));
      assert.equal(await got.Body!.transformToString(), `body of ${Key}`);
      assert.equal(got.ContentType, "text/plain");
      assert.deepEqual(got.Metadata, { origin: "test" });
      assert.ok(got.LastModified instanceof Date);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-bucket" }));
    assert.deepEqual(listed.Contents!.map((c) => c.Key).sort(), [...keys].sort());
    const missing = await sdkError(s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "nope" })));
    assert.equal(missing.name, "NoSuchKey");
    assert.equal(missing.$metadata.httpStatusCode, 404);
    const headMissing = await sdkError(s3.send(new HeadObjectCommand({ Bucket: "sdk-bucket", Key: "nope" })));
    assert.equal(headMissing.$metadata.httpStatusCode, 404);
    const noBucket = await sdkError(s3.send(new GetObjectCommand({ Bucket: "absent-bucket", Key: "k" })));
    assert.equal(noBucket.name, "NoSuchBucket");
  });

  it("accepts streamed (aws-chunked) uploads with checksum trailers", async () => {
    const data = Buffer.alloc(200_000, 7);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: "sdk-bucket", Key: "streamed.bin", Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }),
    );
    assert.ok(put.ChecksumCRC32, "the checksum the SDK sent is echoed back");
    const got = await s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "streamed.bin", ChecksumMode: "ENABLED" }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    assert.equal(bytes.length, data.length);
    assert.ok(bytes.equals(data));
    assert.equal(got.ChecksumCRC32, put.ChecksumCRC32);
    const wrong = await sdkError(s3.send(new PutObjectCommand({ Bucket: "sdk-bucket", Key: "bad-sum", Body: "abc", ChecksumCRC32: "AAAAAA==" })));
    assert.equal(wrong.name, "BadDigest");
  });

  it("serves ranges and conditional requests", async () => {
    await s3.send(new PutObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt", Body: "0123456789" }));
    const part = await s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt", Range: "bytes=2-5" }));
    assert.equal(await part.Body!.transformToString(), "2345");
    assert.equal(part.ContentRange, "bytes 2-5/10");
    assert.equal(part.$metadata.httpStatusCode, 206);
    const bad = await sdkError(s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt", Range: "bytes=20-" })));
    assert.equal(bad.name, "InvalidRange");
    assert.equal(bad.$metadata.httpStatusCode, 416);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt" }));
    assert.equal(head.ContentLength, 10);
    const notModified = await sdkError(s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt", IfNoneMatch: head.ETag })));
    assert.equal(notModified.$metadata.httpStatusCode, 304);
    const failed = await sdkError(s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt", IfMatch: '"0000"' })));
    assert.equal(failed.name, "PreconditionFailed");
    assert.equal(failed.$metadata.httpStatusCode, 412);
    const overridden = await s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "range.txt", ResponseContentType: "application/x-test" }));
    assert.equal(overridden.ContentType, "application/x-test");
    await overridden.Body!.transformToString();
  });

  it("copies, deletes in bulk and lists with delimiters and pages", async () => {
    await s3.send(new CopyObjectCommand({ Bucket: "sdk-bucket", Key: "copied/with space.txt", CopySource: "sdk-bucket/with%20space.txt" }));
    const copied = await s3.send(new GetObjectCommand({ Bucket: "sdk-bucket", Key: "copied/with space.txt" }));
    assert.equal(await copied.Body!.transformToString(), "body of with space.txt");
    const top = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-bucket", Delimiter: "/" }));
    assert.deepEqual(top.CommonPrefixes!.map((p) => p.Prefix), ["copied/", "deep/", "ünïcødé/"]);
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: "sdk-bucket", MaxKeys: 3, ContinuationToken: token }));
      pages.push(page.Contents!.map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token);
    assert.ok(pages.length > 1);
    assert.ok(pages.slice(0, -1).every((p) => p.length === 3));
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: "sdk-bucket", Prefix: "deep/" }));
    assert.deepEqual(v1.Contents!.map((c) => c.Key), ["deep/a/b/c.txt"]);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "sdk-bucket", Prefix: "deep/" }));
    assert.equal(versions.Versions![0]!.VersionId, "null");
    const del = await s3.send(
      new DeleteObjectsCommand({ Bucket: "sdk-bucket", Delete: { Objects: [{ Key: "copied/with space.txt" }, { Key: "plus+sign.txt" }] } }),
    );
    assert.deepEqual(del.Deleted!.map((d) => d.Key).sort(), ["copied/with space.txt", "plus+sign.txt"]);
    const gone = await sdkError(s3.send(new HeadObjectCommand({ Bucket: "sdk-bucket", Key: "plus+sign.txt" })));
    assert.equal(gone.$metadata.httpStatusCode, 404);
  });

  it("runs a multipart upload", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "sdk-bucket", Key: "multi.bin", ContentType: "application/zip" }));
    const p1 = Buffer.alloc(5 * 1024 * 1024, 65);
    const r1 = await s3.send(new UploadPartCommand({ Bucket: "sdk-bucket", Key: "multi.bin", UploadId, PartNumber: 1, Body: p1 }));
    const r2 = await s3.send(new UploadPartCommand({ Bucket: "sdk-bucket", Key: "multi.bin", UploadId, PartNumber: 2, Body: "end" }));
    const parts = await s3.send(new ListPartsCommand({ Bucket: "sdk-bucket", Key: "multi.bin", UploadId }));
    assert.deepEqual(parts.Parts!.map((p) => p.PartNumber), [1, 2]);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "sdk-bucket",
        Key: "multi.bin",
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] },
      }),
    );
    assert.match(done.ETag!, /^"[0-9a-f]{32}-2"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "sdk-bucket", Key: "multi.bin" }));
    assert.equal(head.ContentLength, p1.length + 3);
    assert.equal(head.ContentType, "application/zip");
  });

  it("round-trips bucket configurations through XML", async () => {
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: "sdk-bucket",
        CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET", "PUT"], AllowedOrigins: ["*"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 }] },
      }),
    );
    const cors = await s3.send(new GetBucketCorsCommand({ Bucket: "sdk-bucket" }));
    assert.deepEqual(cors.CORSRules, [{ AllowedMethods: ["GET", "PUT"], AllowedOrigins: ["*"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 600 }]);
    await s3.send(new PutBucketTaggingCommand({ Bucket: "sdk-bucket", Tagging: { TagSet: [{ Key: "stage", Value: "dev" }, { Key: "app", Value: "my-app" }] } }));
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: "sdk-bucket" }));
    assert.deepEqual(tags.TagSet, [{ Key: "stage", Value: "dev" }, { Key: "app", Value: "my-app" }]);
    await s3.send(new PutBucketVersioningCommand({ Bucket: "sdk-bucket", VersioningConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "sdk-bucket" }))).Status, "Enabled");
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::sdk-bucket/public/*" }] });
    await s3.send(new PutBucketPolicyCommand({ Bucket: "sdk-bucket", Policy: policy }));
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: "sdk-bucket" }))).Policy, policy);
    const notification = {
      LambdaFunctionConfigurations: [
        {
          Id: "processUpload",
          LambdaFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:none",
          Events: ["s3:ObjectCreated:*" as const],
          Filter: { Key: { FilterRules: [{ Name: "prefix" as const, Value: "incoming/" }] } },
        },
      ],
    };
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: "sdk-bucket", NotificationConfiguration: notification }));
    const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: "sdk-bucket" }));
    assert.deepEqual(got.LambdaFunctionConfigurations, notification.LambdaFunctionConfigurations);
    await s3.send(new PutObjectTaggingCommand({ Bucket: "sdk-bucket", Key: "plain.txt", Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }));
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: "sdk-bucket", Key: "plain.txt" }))).TagSet, [{ Key: "k", Value: "v" }]);
  });
});
