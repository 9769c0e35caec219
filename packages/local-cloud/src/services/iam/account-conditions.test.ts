/**
 * The local cloud is one account, and identity policies may say so: the CDK bootstrap
 * stack's publishing roles allow S3 only where aws:ResourceAccount is the account, and
 * its deploy role attaches AWSCloudFormationReadOnlyAccess.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand, AttachRolePolicyCommand, ListAttachedRolePoliciesCommand, GetPolicyVersionCommand } from "@aws-sdk/client-iam";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { S3Client, CreateBucketCommand, GetBucketLocationCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let iam: IAMClient;
before(async () => {
  tc = await startTestCloud();
  iam = new IAMClient(tc.clientConfig);
});
after(async () => {
  iam?.destroy();
  await tc?.stop();
});

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] });

async function s3As(roleName: string, account: string): Promise<S3Client> {
  await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
  await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "publish", PolicyDocument: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow", Action: ["s3:GetBucket*", "s3:PutObject*"], Resource: ["arn:aws:s3:::assets", "arn:aws:s3:::assets/*"],
      Condition: { StringEquals: { "aws:ResourceAccount": [account] } },
    }],
  }) }));
  const sts = new STSClient(tc.clientConfig);
  const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::000000000000:role/${roleName}`, RoleSessionName: "publishing" }));
  sts.destroy();
  return new S3Client({ ...tc.clientConfig, forcePathStyle: true, credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! } });
}

test("aws:ResourceAccount is the cloud's account, for S3 ARNs too (they carry none)", async () => {
  const admin = new S3Client({ ...tc.clientConfig, forcePathStyle: true });
  await admin.send(new CreateBucketCommand({ Bucket: "assets" }));
  admin.destroy();

  const mine = await s3As("publisher", "000000000000");
  await mine.send(new GetBucketLocationCommand({ Bucket: "assets" }));
  await mine.send(new PutObjectCommand({ Bucket: "assets", Key: "a.zip", Body: "zip" }));
  mine.destroy();

  const other = await s3As("foreign-publisher", "111111111111");
  await assert.rejects(other.send(new PutObjectCommand({ Bucket: "assets", Key: "b.zip", Body: "zip" })), (err: any) => {
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.$metadata?.httpStatusCode, 403);
    return true;
  });
  other.destroy();
});

test("AWSCloudFormationReadOnlyAccess is an AWS managed policy that can be attached", async () => {
  await iam.send(new CreateRoleCommand({ RoleName: "deploy-role", AssumeRolePolicyDocument: trust }));
  const arn = "arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess";
  await iam.send(new AttachRolePolicyCommand({ RoleName: "deploy-role", PolicyArn: arn }));
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "deploy-role" }));
  assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: "AWSCloudFormationReadOnlyAccess", PolicyArn: arn }]);
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v3" }));
  assert.match(decodeURIComponent(version.PolicyVersion!.Document!), /cloudformation:Describe\*/);
});
