import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  IAMClient, CreateRoleCommand, GetRoleCommand, DeleteRoleCommand, ListRolesCommand, PutRolePolicyCommand, GetRolePolicyCommand,
  DeleteRolePolicyCommand, ListRolePoliciesCommand, AttachRolePolicyCommand, DetachRolePolicyCommand, ListAttachedRolePoliciesCommand,
  CreatePolicyCommand, GetPolicyCommand, GetPolicyVersionCommand, DeletePolicyCommand, ListPoliciesCommand, TagRoleCommand, UntagRoleCommand,
  UpdateAssumeRolePolicyCommand, CreatePolicyVersionCommand, ListPolicyVersionsCommand, DeletePolicyVersionCommand,
} from "@aws-sdk/client-iam";
import { MANAGED_POLICIES } from "./managed-policies.js";
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

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const allowSend = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:000000000000:jobs" }] });

async function rejects(p: Promise<unknown>, name: string, status: number, message?: string | RegExp) {
  await assert.rejects(p, (err: any) => {
    assert.equal(err.name, name);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (typeof message === "string") assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

test("role lifecycle with inline and attached policies", async () => {
  const created = await iam.send(new CreateRoleCommand({ RoleName: "fn-role", AssumeRolePolicyDocument: trust, Path: "/app/", Tags: [{ Key: "stage", Value: "dev" }] }));
  assert.equal(created.Role?.Arn, "arn:aws:iam::000000000000:role/app/fn-role");
  assert.match(created.Role!.RoleId!, /^AROA[A-Z0-9]{17}$/);
  assert.equal(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!), trust);
  assert.ok(created.Role?.CreateDate instanceof Date);

  await rejects(iam.send(new CreateRoleCommand({ RoleName: "fn-role", AssumeRolePolicyDocument: trust })), "EntityAlreadyExistsException", 409, "Role with name fn-role already exists.");

  const got = await iam.send(new GetRoleCommand({ RoleName: "fn-role" }));
  assert.deepEqual(got.Role?.Tags, [{ Key: "stage", Value: "dev" }]);
  assert.equal(got.Role?.MaxSessionDuration, 3600);
  await iam.send(new TagRoleCommand({ RoleName: "fn-role", Tags: [{ Key: "team", Value: "x" }] }));
  await iam.send(new UntagRoleCommand({ RoleName: "fn-role", TagKeys: ["stage"] }));
  assert.deepEqual((await iam.send(new GetRoleCommand({ RoleName: "fn-role" }))).Role?.Tags, [{ Key: "team", Value: "x" }]);
  await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: "fn-role", PolicyDocument: trust }));

  await iam.send(new PutRolePolicyCommand({ RoleName: "fn-role", PolicyName: "send", PolicyDocument: allowSend }));
  const inline = await iam.send(new GetRolePolicyCommand({ RoleName: "fn-role", PolicyName: "send" }));
  assert.equal(decodeURIComponent(inline.PolicyDocument!), allowSend);
  assert.deepEqual((await iam.send(new ListRolePoliciesCommand({ RoleName: "fn-role" }))).PolicyNames, ["send"]);

  await iam.send(new AttachRolePolicyCommand({ RoleName: "fn-role", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }));
  const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "fn-role" }));
  assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }]);

  // Evaluation sees inline + attached policies.
  const principal = { accessKeyId: "ASIAX", arn: "arn:aws:sts::000000000000:assumed-role/fn-role/s", admin: false, roleArn: created.Role!.Arn! };
  assert.equal(tc.cloud.iam.evaluate(principal, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:jobs"), "Allow");
  assert.equal(tc.cloud.iam.evaluate(principal, "logs:PutLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:x"), "Allow");
  assert.equal(tc.cloud.iam.evaluate(principal, "sqs:DeleteQueue", "arn:aws:sqs:us-east-1:000000000000:jobs"), "ImplicitDeny");

  await rejects(iam.send(new DeleteRoleCommand({ RoleName: "fn-role" })), "DeleteConflictException", 409, "Cannot delete entity, must delete policies first.");
  await iam.send(new DeleteRolePolicyCommand({ RoleName: "fn-role", PolicyName: "send" }));
  await rejects(iam.send(new DeleteRoleCommand({ RoleName: "fn-role" })), "DeleteConflictException", 409, "Cannot delete entity, must detach all policies first.");
  await iam.send(new DetachRolePolicyCommand({ RoleName: "fn-role", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }));
  await iam.send(new DeleteRoleCommand({ RoleName: "fn-role" }));
  await rejects(iam.send(new GetRoleCommand({ RoleName: "fn-role" })), "NoSuchEntityException", 404, "The role with name fn-role cannot be found.");
  assert.equal(tc.cloud.iam.evaluate(principal, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:jobs"), "ImplicitDeny", "a deleted role allows nothing");
});

test("errors: malformed policy, unknown managed policy, validation", async () => {
  await iam.send(new CreateRoleCommand({ RoleName: "r2", AssumeRolePolicyDocument: trust }));
  await rejects(iam.send(new PutRolePolicyCommand({ RoleName: "r2", PolicyName: "p", PolicyDocument: "{not json" })), "MalformedPolicyDocumentException", 400, "Syntax errors in policy.");
  await rejects(
    iam.send(new PutRolePolicyCommand({ RoleName: "r2", PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*" }] }) })),
    "MalformedPolicyDocumentException", 400, "Policy statement must contain resources.",
  );
  await rejects(iam.send(new CreateRoleCommand({ RoleName: "r3", AssumeRolePolicyDocument: "[]" })), "MalformedPolicyDocumentException", 400);
  await rejects(
    iam.send(new AttachRolePolicyCommand({ RoleName: "r2", PolicyArn: "arn:aws:iam::aws:policy/NoSuchPolicy" })),
    "NoSuchEntityException", 404, "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.",
  );
  await rejects(iam.send(new GetRolePolicyCommand({ RoleName: "r2", PolicyName: "nope" })), "NoSuchEntityException", 404, "The role policy with name nope cannot be found.");
  await rejects(iam.send(new CreateRoleCommand({ RoleName: "bad name", AssumeRolePolicyDocument: trust })), "ValidationError", 400, /failed to satisfy constraint/);
  const huge = JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 200 }, (_, i) => ({ Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:000000000000:queue-${i}` })) });
  await rejects(iam.send(new PutRolePolicyCommand({ RoleName: "r2", PolicyName: "big", PolicyDocument: huge })), "LimitExceededException", 409, "Maximum policy size of 10240 bytes exceeded for role r2");
  const roles = await iam.send(new ListRolesCommand({}));
  assert.ok(roles.Roles?.some((r) => r.RoleName === "r2"));
  assert.equal(roles.IsTruncated, false);
});

test("customer managed policies", async () => {
  const created = await iam.send(new CreatePolicyCommand({ PolicyName: "send-jobs", PolicyDocument: allowSend, Description: "d" }));
  const arn = created.Policy!.Arn!;
  assert.equal(arn, "arn:aws:iam::000000000000:policy/send-jobs");
  assert.equal(created.Policy?.DefaultVersionId, "v1");
  await rejects(iam.send(new CreatePolicyCommand({ PolicyName: "send-jobs", PolicyDocument: allowSend })), "EntityAlreadyExistsException", 409);
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
  assert.equal(decodeURIComponent(version.PolicyVersion!.Document!), allowSend);
  assert.equal(version.PolicyVersion?.IsDefaultVersion, true);

  await iam.send(new CreateRoleCommand({ RoleName: "r4", AssumeRolePolicyDocument: trust }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: "r4", PolicyArn: arn }));
  assert.equal((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount, 1);
  const principal = { accessKeyId: "ASIAX", arn: "x", admin: false, roleArn: "arn:aws:iam::000000000000:role/r4" };
  assert.equal(tc.cloud.iam.evaluate(principal, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:jobs"), "Allow");
  await rejects(iam.send(new DeletePolicyCommand({ PolicyArn: arn })), "DeleteConflictException", 409, "Cannot delete a policy attached to entities.");

  // A new default version changes what the role may do; the old version can then go.
  const denyAll = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:ReceiveMessage", Resource: "*" }] });
  const v2 = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: denyAll, SetAsDefault: true }));
  assert.equal(v2.PolicyVersion?.VersionId, "v2");
  assert.equal(tc.cloud.iam.evaluate(principal, "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:jobs"), "ImplicitDeny");
  await rejects(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: "v2" })), "DeleteConflictException", 409);
  await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }));
  assert.deepEqual((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions?.map((v) => [v.VersionId, v.IsDefaultVersion]), [["v2", true]]);
  await iam.send(new DetachRolePolicyCommand({ RoleName: "r4", PolicyArn: arn }));
  await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
  await rejects(iam.send(new GetPolicyCommand({ PolicyArn: arn })), "NoSuchEntityException", 404);

  const managed = await iam.send(new GetPolicyVersionCommand({ PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole", VersionId: "v2" }));
  assert.match(decodeURIComponent(managed.PolicyVersion!.Document!), /sqs:ReceiveMessage/);
  const list = await iam.send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 2 }));
  assert.equal(list.Policies?.length, 2);
  assert.equal(list.IsTruncated, true);
  const rest = await iam.send(new ListPoliciesCommand({ Scope: "AWS", Marker: list.Marker }));
  assert.equal(rest.Policies?.length, MANAGED_POLICIES.length - 2);
});
