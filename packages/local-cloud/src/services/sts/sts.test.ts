import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { STSClient, GetCallerIdentityCommand, AssumeRoleCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import { IAMClient, CreateRoleCommand, ListRolesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { startTestCloud, type TestCloud } from "../../testing.js";

let tc: TestCloud;
let sts: STSClient;
let iam: IAMClient;
before(async () => {
  tc = await startTestCloud();
  sts = new STSClient(tc.clientConfig);
  iam = new IAMClient(tc.clientConfig);
});
after(async () => {
  sts?.destroy();
  iam?.destroy();
  await tc?.stop();
});

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });

test("GetCallerIdentity as the admin", async () => {
  const id = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(id.Account, "000000000000");
  assert.equal(id.Arn, "arn:aws:iam::000000000000:root");
  assert.equal(id.UserId, "000000000000");
});

test("AssumeRole gives working credentials whose calls IAM checks", async () => {
  const role = await iam.send(new CreateRoleCommand({ RoleName: "worker", AssumeRolePolicyDocument: trust }));
  const res = await sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: "job-1" }));
  assert.match(res.Credentials!.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
  assert.ok(res.Credentials!.Expiration! > new Date());
  assert.equal(res.AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/worker/job-1");
  assert.equal(res.AssumedRoleUser?.AssumedRoleId, `${role.Role!.RoleId}:job-1`);

  const creds = { accessKeyId: res.Credentials!.AccessKeyId!, secretAccessKey: res.Credentials!.SecretAccessKey!, sessionToken: res.Credentials!.SessionToken! };
  const asRole = new STSClient({ ...tc.clientConfig, credentials: creds });
  const iamAsRole = new IAMClient({ ...tc.clientConfig, credentials: creds });
  try {
    const id = await asRole.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, "arn:aws:sts::000000000000:assumed-role/worker/job-1");
    assert.equal(id.UserId, `${role.Role!.RoleId}:job-1`);
    await assert.rejects(iamAsRole.send(new ListRolesCommand({})), (err: any) => {
      assert.equal(err.name, "AccessDenied");
      assert.equal(err.$metadata.httpStatusCode, 403);
      assert.equal(err.message, "User: arn:aws:sts::000000000000:assumed-role/worker/job-1 is not authorized to perform: iam:ListRoles on resource: * because no identity-based policy allows the iam:ListRoles action");
      return true;
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: "worker", PolicyName: "list", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:List*", Resource: "*" }] }) }));
    const roles = await iamAsRole.send(new ListRolesCommand({}));
    assert.ok(roles.Roles?.some((r) => r.RoleName === "worker"));
  } finally {
    asRole.destroy();
    iamAsRole.destroy();
  }
});

test("AssumeRole errors", async () => {
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/missing", RoleSessionName: "s1" })), (err: any) => {
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.$metadata.httpStatusCode, 403);
    assert.equal(err.message, "User: arn:aws:iam::000000000000:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/missing");
    return true;
  });
  await iam.send(new CreateRoleCommand({ RoleName: "short", AssumeRolePolicyDocument: trust }));
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/short", RoleSessionName: "bad name" })), { name: "ValidationError" });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/short", RoleSessionName: "x" })),
    { name: "ValidationError", message: "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2" });
  await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/short", RoleSessionName: "s".repeat(65) })),
    { name: "ValidationError", message: /Member must have length less than or equal to 64/ });
  await assert.rejects(
    sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/short", RoleSessionName: "s1", DurationSeconds: 7200 })),
    { name: "ValidationError", message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role." },
  );
});

test("GetSessionToken issues admin session credentials", async () => {
  const res = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  const client = new STSClient({ ...tc.clientConfig, credentials: { accessKeyId: res.Credentials!.AccessKeyId!, secretAccessKey: res.Credentials!.SecretAccessKey!, sessionToken: res.Credentials!.SessionToken! } });
  try {
    assert.equal((await client.send(new GetCallerIdentityCommand({}))).Account, "000000000000");
  } finally {
    client.destroy();
  }
});

test("a role session assumes another role only when trust and identity policy both allow it", async () => {
  const caller = await iam.send(new CreateRoleCommand({ RoleName: "caller", AssumeRolePolicyDocument: trust }));
  await iam.send(new PutRolePolicyCommand({
    RoleName: "caller", PolicyName: "assume",
    PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] }),
  }));
  await iam.send(new CreateRoleCommand({ RoleName: "target-closed", AssumeRolePolicyDocument: trust }));
  await iam.send(new CreateRoleCommand({
    RoleName: "target-open",
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: caller.Role!.Arn }, Action: "sts:AssumeRole" }] }),
  }));
  const c = tc.cloud.iam.issueSessionCredentials(caller.Role!.Arn!, "c");
  const asCaller = new STSClient({ ...tc.clientConfig, credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken } });
  try {
    await assert.rejects(asCaller.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/target-closed", RoleSessionName: "x1" })), { name: "AccessDenied" });
    const ok = await asCaller.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/target-open", RoleSessionName: "x2" }));
    assert.equal(ok.AssumedRoleUser?.Arn, "arn:aws:sts::000000000000:assumed-role/target-open/x2");
  } finally {
    asCaller.destroy();
  }
});
