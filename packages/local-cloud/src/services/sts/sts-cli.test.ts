/** STS and IAM through the AWS CLI (botocore's awsQuery client), when it is installed. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { awsCli, startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
});
after(async () => {
  await tc?.stop();
});

test("AWS CLI: get-caller-identity, create-role, assume-role", async (t) => {
  const aws = awsCli(tc.cloud.endpoint);
  if (!aws) return t.skip("the AWS CLI is not installed; skipping the CLI round trip");
  const id = await aws("sts", "get-caller-identity");
  assert.deepEqual(id, { UserId: "000000000000", Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] });
  const role = await aws("iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", trust, "--tags", "Key=k,Value=v");
  assert.equal(role.Role.Arn, "arn:aws:iam::000000000000:role/cli-role");
  // botocore URL-decodes policy documents and parses them into objects.
  const got = await aws("iam", "get-role", "--role-name", "cli-role");
  assert.deepEqual(got.Role.AssumeRolePolicyDocument, JSON.parse(trust));
  assert.deepEqual(got.Role.Tags, [{ Key: "k", Value: "v" }]);
  const assumed = await aws("sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "cli");
  assert.match(assumed.Credentials.AccessKeyId, /^ASIA/);
  assert.equal(assumed.AssumedRoleUser.Arn, "arn:aws:sts::000000000000:assumed-role/cli-role/cli");
  await assert.rejects(aws("iam", "get-role", "--role-name", "missing"), (err: any) => /NoSuchEntity/.test(String(err.stderr)) && /The role with name missing cannot be found/.test(String(err.stderr)));
});
