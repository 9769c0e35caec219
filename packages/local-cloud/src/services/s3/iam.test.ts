/** S3 enforcing a role's identity policies for SDK calls and presigned URLs signed with its credentials. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, DeleteObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startTestCloud, type TestCloud } from "../../testing.js";

describe("S3 IAM enforcement", () => {
  let tc: TestCloud;
  let admin: S3Client;
  let fn: S3Client;
  before(async () => {
    tc = await startTestCloud();
    admin = new S3Client(tc.clientConfig);
    await admin.send(new CreateBucketCommand({ Bucket: "iam-bucket" }));
    await admin.send(new PutObjectCommand({ Bucket: "iam-bucket", Key: "readable/a.txt", Body: "a" }));
    const iam = new IAMClient(tc.clientConfig);
    const role = await iam.send(
      new CreateRoleCommand({
        RoleName: "fn-role",
        AssumeRolePolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: "fn-role",
        PolicyName: "bucket-access",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::iam-bucket/*" },
            { Effect: "Deny", Action: "s3:PutObject", Resource: "arn:aws:s3:::iam-bucket/locked/*" },
          ],
        }),
      }),
    );
    iam.destroy();
    const sts = new STSClient(tc.clientConfig);
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: "fn-session" }));
    sts.destroy();
    fn = new S3Client({
      ...tc.clientConfig,
      credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken },
    });
  });
  after(async () => {
    admin.destroy();
    fn?.destroy();
    await tc.stop();
  });

  async function denied(p: Promise<unknown>) {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof S3ServiceException);
      assert.equal(err.name, "AccessDenied");
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.equal(err.message, "Access Denied");
      return true;
    });
  }

  it("allows what the role's policy allows and denies the rest", async () => {
    const got = await fn.send(new GetObjectCommand({ Bucket: "iam-bucket", Key: "readable/a.txt" }));
    assert.equal(await got.Body!.transformToString(), "a");
    await fn.send(new PutObjectCommand({ Bucket: "iam-bucket", Key: "written/b.txt", Body: "b" }));
    await denied(fn.send(new PutObjectCommand({ Bucket: "iam-bucket", Key: "locked/c.txt", Body: "c" })));
    await denied(fn.send(new ListObjectsV2Command({ Bucket: "iam-bucket" })));
    await denied(fn.send(new DeleteObjectCommand({ Bucket: "iam-bucket", Key: "written/b.txt" })));
  });

  it("applies the signer's permissions to presigned URLs", async () => {
    const allowed = await getSignedUrl(fn, new GetObjectCommand({ Bucket: "iam-bucket", Key: "readable/a.txt" }), { expiresIn: 60 });
    const ok = await fetch(allowed);
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), "a");
    const locked = await getSignedUrl(fn, new PutObjectCommand({ Bucket: "iam-bucket", Key: "locked/d.txt" }), { expiresIn: 60 });
    const refused = await fetch(locked, { method: "PUT", body: "d" });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>AccessDenied<\/Code>/);
  });
});
