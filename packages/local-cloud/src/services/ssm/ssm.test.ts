import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  SSMClient, PutParameterCommand, GetParameterCommand, GetParametersCommand, GetParametersByPathCommand, DeleteParameterCommand,
  DeleteParametersCommand, DescribeParametersCommand, GetParameterHistoryCommand, AddTagsToResourceCommand, RemoveTagsFromResourceCommand,
  ListTagsForResourceCommand, LabelParameterVersionCommand,
} from "@aws-sdk/client-ssm";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError as rejects } from "../../test-fixtures.js";

let tc: TestCloud;
let ssm: SSMClient;
before(async () => {
  tc = await startTestCloud();
  ssm = new SSMClient(tc.clientConfig);
});
after(async () => {
  ssm?.destroy();
  await tc?.stop();
});

test("put, overwrite, get, versions and history", async () => {
  const changed: string[] = [];
  const onChange = (e: { name: string }) => changed.push(e.name);
  tc.cloud.events.on("ssm:changed", onChange);
  const put = await ssm.send(new PutParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName", Value: "dev-app-Users", Type: "String" }));
  assert.deepEqual({ Version: put.Version, Tier: put.Tier }, { Version: 1, Tier: "Standard" });
  await rejects(
    ssm.send(new PutParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName", Value: "x", Type: "String" })),
    "ParameterAlreadyExists",
    "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.",
  );
  const second = await ssm.send(new PutParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName", Value: "v2", Overwrite: true }));
  assert.equal(second.Version, 2);
  const got = await ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName" }));
  assert.equal(got.Parameter?.Value, "v2");
  assert.equal(got.Parameter?.Type, "String");
  assert.equal(got.Parameter?.Version, 2);
  assert.equal(got.Parameter?.ARN, "arn:aws:ssm:us-east-1:000000000000:parameter/sst/app/dev/Table/Users/tableName");
  assert.equal(got.Parameter?.DataType, "text");
  assert.ok(got.Parameter?.LastModifiedDate instanceof Date);
  const v1 = await ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName:1" }));
  assert.equal(v1.Parameter?.Value, "dev-app-Users");
  assert.equal(v1.Parameter?.Selector, ":1");
  await rejects(ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName:9" })), "ParameterVersionNotFound");

  const label = await ssm.send(new LabelParameterVersionCommand({ Name: "/sst/app/dev/Table/Users/tableName", ParameterVersion: 1, Labels: ["prod", "1bad", "awsx"] }));
  assert.deepEqual(label.InvalidLabels, ["1bad", "awsx"]);
  assert.equal((await ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName:prod" }))).Parameter?.Value, "dev-app-Users");
  const history = await ssm.send(new GetParameterHistoryCommand({ Name: "/sst/app/dev/Table/Users/tableName" }));
  assert.deepEqual(history.Parameters?.map((p) => [p.Version, p.Value, p.Labels]), [[1, "dev-app-Users", ["prod"]], [2, "v2", []]]);
  assert.equal(history.Parameters?.[0]?.LastModifiedUser, "arn:aws:iam::000000000000:root");

  await ssm.send(new DeleteParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName" }));
  await rejects(ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName" })), "ParameterNotFound");
  await rejects(ssm.send(new DeleteParameterCommand({ Name: "/sst/app/dev/Table/Users/tableName" })), "ParameterNotFound");
  tc.cloud.events.off("ssm:changed", onChange);
  assert.deepEqual(changed, ["/sst/app/dev/Table/Users/tableName", "/sst/app/dev/Table/Users/tableName", "/sst/app/dev/Table/Users/tableName"]);
});

test("SecureString is encrypted at rest and decrypted on request", async () => {
  await ssm.send(new PutParameterCommand({ Name: "/sst/app/dev/Secret/STRIPE_KEY/value", Value: "sk_test_123", Type: "SecureString" }));
  const raw = await ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Secret/STRIPE_KEY/value" }));
  assert.notEqual(raw.Parameter?.Value, "sk_test_123");
  assert.ok(Buffer.from(raw.Parameter!.Value!, "base64").length > 28);
  const dec = await ssm.send(new GetParameterCommand({ Name: "/sst/app/dev/Secret/STRIPE_KEY/value", WithDecryption: true }));
  assert.equal(dec.Parameter?.Value, "sk_test_123");
  // Nothing in the database holds the plain text.
  const rows = tc.cloud.openDatabase("ssm").prepare("SELECT value FROM parameter_versions WHERE name = ?").all("/sst/app/dev/Secret/STRIPE_KEY/value") as { value: string }[];
  assert.ok(rows.every((r) => !r.value.includes("sk_test_123")));
  const described = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Values: ["/sst/app/dev/Secret/STRIPE_KEY/value"] }] }));
  assert.equal(described.Parameters?.[0]?.KeyId, "alias/aws/ssm");
  assert.equal(described.Parameters?.[0]?.Type, "SecureString");
});

test("GetParameters: ten names at most, unknown names reported", async () => {
  await ssm.send(new PutParameterCommand({ Name: "/g/a", Value: "A", Type: "String" }));
  await ssm.send(new PutParameterCommand({ Name: "/g/b", Value: "x,y", Type: "StringList" }));
  const res = await ssm.send(new GetParametersCommand({ Names: ["/g/a", "/g/b", "/g/missing"], WithDecryption: true }));
  assert.deepEqual(res.Parameters?.map((p) => [p.Name, p.Value, p.Type]), [["/g/a", "A", "String"], ["/g/b", "x,y", "StringList"]]);
  assert.deepEqual(res.InvalidParameters, ["/g/missing"]);
  const eleven = Array.from({ length: 11 }, (_, i) => `/g/n${i}`);
  await rejects(ssm.send(new GetParametersCommand({ Names: eleven })), "ValidationException", /Member must have length less than or equal to 10/);
});

test("GetParametersByPath: recursion, paging, filters", async () => {
  for (const n of ["/p/a", "/p/b", "/p/c", "/p/sub/d", "/p/sub/deeper/e", "/other/x"]) {
    await ssm.send(new PutParameterCommand({ Name: n, Value: n, Type: n.endsWith("c") ? "SecureString" : "String" }));
  }
  const one = await ssm.send(new GetParametersByPathCommand({ Path: "/p" }));
  assert.deepEqual(one.Parameters?.map((p) => p.Name), ["/p/a", "/p/b", "/p/c"]);
  const all: string[] = [];
  let token: string | undefined;
  do {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: "/p/", Recursive: true, MaxResults: 2, NextToken: token, WithDecryption: true }));
    assert.ok((page.Parameters?.length ?? 0) <= 2);
    all.push(...page.Parameters!.map((p) => `${p.Name}=${p.Value}`));
    token = page.NextToken;
  } while (token);
  assert.deepEqual(all, ["/p/a=/p/a", "/p/b=/p/b", "/p/c=/p/c", "/p/sub/d=/p/sub/d", "/p/sub/deeper/e=/p/sub/deeper/e"]);
  const secure = await ssm.send(new GetParametersByPathCommand({ Path: "/p", Recursive: true, ParameterFilters: [{ Key: "Type", Values: ["SecureString"] }] }));
  assert.deepEqual(secure.Parameters?.map((p) => p.Name), ["/p/c"]);
  await rejects(ssm.send(new GetParametersByPathCommand({ Path: "/p", MaxResults: 11 })), "ValidationException", /less than or equal to 10/);
  const desc = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Path", Option: "Recursive", Values: ["/p/sub"] }] }));
  assert.deepEqual(desc.Parameters?.map((p) => p.Name), ["/p/sub/d", "/p/sub/deeper/e"]);
  const begins = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "Name", Option: "BeginsWith", Values: ["/other"] }] }));
  assert.deepEqual(begins.Parameters?.map((p) => p.Name), ["/other/x"]);
  const del = await ssm.send(new DeleteParametersCommand({ Names: ["/other/x", "/nope"] }));
  assert.deepEqual(del.DeletedParameters, ["/other/x"]);
  assert.deepEqual(del.InvalidParameters, ["/nope"]);
});

test("validation: names, tiers, types", async () => {
  await rejects(ssm.send(new PutParameterCommand({ Name: "/aws/x", Value: "v", Type: "String" })), "ValidationException", /can't be prefixed with "aws" or "ssm"/);
  await rejects(ssm.send(new PutParameterCommand({ Name: "ssmthing", Value: "v", Type: "String" })), "ValidationException", /can't be prefixed/);
  await rejects(ssm.send(new PutParameterCommand({ Name: "/bad name", Value: "v", Type: "String" })), "ValidationException");
  await rejects(ssm.send(new PutParameterCommand({ Name: "a/b", Value: "v", Type: "String" })), "ValidationException", "Parameter name must be a fully qualified name.");
  const deep = "/" + Array.from({ length: 16 }, (_, i) => `l${i}`).join("/");
  await rejects(ssm.send(new PutParameterCommand({ Name: deep, Value: "v", Type: "String" })), "HierarchyLevelLimitExceededException");
  await rejects(ssm.send(new PutParameterCommand({ Name: "/t/new", Value: "v" })), "ValidationException", "A parameter type is required when you create a parameter.");
  const big = "x".repeat(5000);
  await rejects(ssm.send(new PutParameterCommand({ Name: "/t/big", Value: big, Type: "SecureString" })), "ValidationException", /^Standard tier parameters support a maximum parameter value of 4096 characters/);
  const adv = await ssm.send(new PutParameterCommand({ Name: "/t/big", Value: big, Type: "SecureString", Tier: "Advanced" }));
  assert.equal(adv.Tier, "Advanced");
  await rejects(ssm.send(new PutParameterCommand({ Name: "/t/big", Value: "s", Overwrite: true, Tier: "Standard" })), "ValidationException", /can't downgrade/);
  const it = await ssm.send(new PutParameterCommand({ Name: "/t/it", Value: "x".repeat(4097), Type: "String", Tier: "Intelligent-Tiering" }));
  assert.equal(it.Tier, "Advanced");
  await rejects(ssm.send(new PutParameterCommand({ Name: "/t/huge", Value: "x".repeat(8193), Type: "String", Tier: "Advanced" })), "ValidationException");
  await rejects(ssm.send(new PutParameterCommand({ Name: "/t/pat", Value: "abc", Type: "String", AllowedPattern: "^\\d+$" })), "ParameterPatternMismatchException");
  await rejects(ssm.send(new PutParameterCommand({ Name: "/t/dt", Value: "abc", Type: "String", DataType: "Text" })), "ValidationException", /data type is not supported/);
});

test("tags", async () => {
  await ssm.send(new PutParameterCommand({ Name: "/tag/x", Value: "v", Type: "String", Tags: [{ Key: "a", Value: "1" }] }));
  await rejects(ssm.send(new PutParameterCommand({ Name: "/tag/x", Value: "v", Type: "String", Overwrite: true, Tags: [{ Key: "b", Value: "2" }] })), "ValidationException", /tags and overwrite can't be used together/);
  await ssm.send(new AddTagsToResourceCommand({ ResourceType: "Parameter", ResourceId: "/tag/x", Tags: [{ Key: "b", Value: "2" }] }));
  await ssm.send(new RemoveTagsFromResourceCommand({ ResourceType: "Parameter", ResourceId: "/tag/x", TagKeys: ["a"] }));
  assert.deepEqual((await ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/tag/x" }))).TagList, [{ Key: "b", Value: "2" }]);
  await rejects(ssm.send(new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/tag/none" })), "InvalidResourceId");
  const byTag = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: "tag:b", Values: ["2"] }] }));
  assert.deepEqual(byTag.Parameters?.map((p) => p.Name), ["/tag/x"]);
});

test("IAM: a role session needs ssm:GetParameters on the parameter", async () => {
  const iam = new IAMClient(tc.clientConfig);
  try {
    await ssm.send(new PutParameterCommand({ Name: "/sst/app/dev/Secret/K/value", Value: "s3cret", Type: "SecureString" }));
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const role = await iam.send(new CreateRoleCommand({ RoleName: "fn", AssumeRolePolicyDocument: trust }));
    const creds = tc.cloud.iam.issueSessionCredentials(role.Role!.Arn!, "fn-session");
    const asFn = new SSMClient({ ...tc.clientConfig, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken } });
    try {
      await assert.rejects(asFn.send(new GetParametersCommand({ Names: ["/sst/app/dev/Secret/K/value"], WithDecryption: true })), (err: any) => {
        assert.equal(err.name, "AccessDeniedException");
        assert.equal(err.$metadata.httpStatusCode, 400);
        assert.equal(
          err.message,
          "User: arn:aws:sts::000000000000:assumed-role/fn/fn-session is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:000000000000:parameter/sst/app/dev/Secret/K/value because no identity-based policy allows the ssm:GetParameters action",
        );
        return true;
      });
      await iam.send(new PutRolePolicyCommand({
        RoleName: "fn", PolicyName: "secrets",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ssm:GetParameters", Resource: "arn:aws:ssm:us-east-1:000000000000:parameter/sst/app/dev/Secret/*" }] }),
      }));
      const ok = await asFn.send(new GetParametersCommand({ Names: ["/sst/app/dev/Secret/K/value"], WithDecryption: true }));
      assert.equal(ok.Parameters?.[0]?.Value, "s3cret");
      await assert.rejects(asFn.send(new GetParameterCommand({ Name: "/sst/app/dev/Secret/K/value" })), { name: "AccessDeniedException" });
    } finally {
      asFn.destroy();
    }
  } finally {
    iam.destroy();
  }
});
