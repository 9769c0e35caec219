/**
 * Canned object ACLs: a presigned `public-read` upload (SST v2's quickstarts) makes the
 * object readable without credentials where the bucket allows ACLs, and is refused as
 * S3 refuses it where the bucket does not.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  S3Client,
  CreateBucketCommand,
  PutObjectCommand,
  PutBucketOwnershipControlsCommand,
  PutPublicAccessBlockCommand,
  GetObjectAclCommand,
  PutObjectAclCommand,
  CopyObjectCommand,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTestCloud, type TestCloud } from "../../testing.js";

describe("S3 canned object ACLs", () => {
  let tc: TestCloud;
  let s3: S3Client;
  const anonymousGet = (bucket: string, key: string) => fetch(`${tc.clientConfig.endpoint}/${bucket}/${key}`);

  before(async () => {
    tc = await startTestCloud();
    s3 = new S3Client({ ...tc.clientConfig, forcePathStyle: true });
    // SST v2's Bucket: ownership BucketOwnerPreferred, public ACLs neither blocked nor ignored.
    await s3.send(new CreateBucketCommand({ Bucket: "preferred" }));
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: "preferred", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] } }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: "preferred", PublicAccessBlockConfiguration: { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
    await s3.send(new CreateBucketCommand({ Bucket: "enforced" }));
  });
  after(async () => {
    s3.destroy();
    await tc.stop();
  });

  async function refused(p: Promise<unknown>, name: string, status: number) {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof S3ServiceException);
      assert.equal(err.name, name);
      assert.equal(err.$metadata.httpStatusCode, status);
      return true;
    });
  }

  it("a presigned public-read PUT makes the object readable without credentials; a private one stays private", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "preferred", Key: "public.png", ACL: "public-read" }));
    assert.match(url, /x-amz-acl=public-read/);
    const put = await fetch(url, { method: "PUT", body: "png bytes", headers: { "content-type": "image/png" } });
    assert.equal(put.status, 200, await put.text());
    const got = await anonymousGet("preferred", "public.png");
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "image/png");
    assert.equal(await got.text(), "png bytes");
    assert.equal((await fetch(`${tc.clientConfig.endpoint}/preferred/public.png`, { method: "HEAD" })).status, 200);

    await s3.send(new PutObjectCommand({ Bucket: "preferred", Key: "private.png", Body: "secret" }));
    assert.equal((await anonymousGet("preferred", "private.png")).status, 403);
    // A missing key is no different from a private one to an anonymous caller.
    assert.equal((await anonymousGet("preferred", "missing.png")).status, 403);
  });

  it("the object's ACL shows AllUsers READ; PutObjectAcl makes it private again, and public again", async () => {
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: "preferred", Key: "public.png" }));
    assert.ok(acl.Grants!.some((g) => g.Grantee?.URI === "http://acs.amazonaws.com/groups/global/AllUsers" && g.Permission === "READ"));
    await s3.send(new PutObjectAclCommand({ Bucket: "preferred", Key: "public.png", ACL: "private" }));
    assert.equal((await anonymousGet("preferred", "public.png")).status, 403);
    assert.equal((await s3.send(new GetObjectAclCommand({ Bucket: "preferred", Key: "public.png" }))).Grants!.length, 1);
    await s3.send(new PutObjectAclCommand({ Bucket: "preferred", Key: "public.png", ACL: "public-read" }));
    assert.equal((await anonymousGet("preferred", "public.png")).status, 200);
  });

  it("a copy takes the ACL its request names, not its source's", async () => {
    await s3.send(new CopyObjectCommand({ Bucket: "preferred", Key: "copy.png", CopySource: "preferred/public.png" }));
    assert.equal((await anonymousGet("preferred", "copy.png")).status, 403);
    await s3.send(new CopyObjectCommand({ Bucket: "preferred", Key: "copy2.png", CopySource: "preferred/private.png", ACL: "public-read" }));
    assert.equal((await anonymousGet("preferred", "copy2.png")).status, 200);
  });

  it("a bucket with BucketOwnerEnforced (the default) refuses public ACLs: AccessControlListNotSupported", async () => {
    await refused(s3.send(new PutObjectCommand({ Bucket: "enforced", Key: "a", Body: "a", ACL: "public-read" })), "AccessControlListNotSupported", 400);
    await s3.send(new PutObjectCommand({ Bucket: "enforced", Key: "a", Body: "a", ACL: "bucket-owner-full-control" }));
    assert.equal((await anonymousGet("enforced", "a")).status, 403);
  });

  it("BlockPublicAcls refuses a public ACL (AccessDenied); IgnorePublicAcls leaves stored ones unread", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "blocking" }));
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: "blocking", OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: "blocking", PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
    await refused(s3.send(new PutObjectCommand({ Bucket: "blocking", Key: "a", Body: "a", ACL: "public-read" })), "AccessDenied", 403);

    await s3.send(new PutObjectCommand({ Bucket: "preferred", Key: "later-ignored", Body: "x", ACL: "public-read" }));
    assert.equal((await anonymousGet("preferred", "later-ignored")).status, 200);
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: "preferred", PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
    assert.equal((await anonymousGet("preferred", "later-ignored")).status, 403);
  });

  it("grants other than canned ACLs are refused, not dropped", async () => {
    await refused(s3.send(new PutObjectCommand({ Bucket: "preferred", Key: "g", Body: "g", GrantRead: 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' })), "NotImplemented", 501);
  });
});
