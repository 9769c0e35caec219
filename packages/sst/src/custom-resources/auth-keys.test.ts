/**
 * Custom::AuthKeys deployed on the local cloud: the stack's CustomResourceHandler (our
 * bundled code, run by the local Lambda service under its role's policies) writes an
 * RSA key pair to SSM as SecureStrings, moves it when the paths change, deletes it with
 * the stack; without the Auth construct's policy IAM refuses the writes. The runtime
 * then reads the keys back through SSM as `sst/node/auth` does at cold start.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createSign, createVerify } from "node:crypto";
import { SSMClient, GetParametersCommand } from "@aws-sdk/client-ssm";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, DescribeStackEventsCommand } from "@aws-sdk/client-cloudformation";
import type { TestCloud } from "../../../local-cloud/src/testing.js";
import { App, Stack, Auth } from "../constructs/index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";
import { loadAuthBinding } from "../node/auth/keys.js";

process.env.CDK_VALIDATION = "false";

const root = writeApp({ "src/auth.ts": "export const handler = async () => 'auth';\n" });
let tc: TestCloud;
let ssm: SSMClient;

before(async () => {
  const { startTestCloud } = await import("../../../local-cloud/src/testing.js");
  tc = await startTestCloud();
  ssm = new SSMClient(tc.clientConfig);
});
after(async () => {
  await tc?.stop();
  removeApp(root);
});

/** Synthesize a one-stack app with an Auth construct; returns the assembly directory. */
async function synthAuthApp(ssmPrefix: string): Promise<string> {
  const app = new App({ name: "keys-app", stage: "test", region: "us-east-1", account: "000000000000", mode: "dev", root, ssmPrefix, outdir: `${root}/.sst/dist-${Math.random()}` });
  new Auth(new Stack(app, "AuthStack"), "Auth", { authenticator: "src/auth.handler" });
  await app.finish();
  return app.synth().directory;
}

async function parameters(names: string[]) {
  const out = await ssm.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
  return { found: Object.fromEntries((out.Parameters ?? []).map((p) => [p.Name!, p])), invalid: out.InvalidParameters ?? [] };
}

const paths = (prefix: string) => [`${prefix}Auth/Auth/publicKey`, `${prefix}Auth/Auth/privateKey`];

describe("Custom::AuthKeys on the local cloud", () => {
  const first = "/sst/keys-app/test/";
  const moved = "/moved/keys-app/test/";
  let original: Record<string, string>;

  it("creates an RSA key pair as SecureStrings at the public and private paths", async () => {
    const result = await tc.cloud.cloudformation.deployAssembly(await synthAuthApp(first));
    assert.equal(result.stacks["test-keys-app-AuthStack"].status, "CREATE_COMPLETE");
    const { found } = await parameters(paths(first));
    const [pub, priv] = paths(first).map((n) => found[n]);
    assert.equal(pub.Type, "SecureString");
    assert.equal(priv.Type, "SecureString");
    assert.match(pub.Value!, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.match(priv.Value!, /^-----BEGIN PRIVATE KEY-----\n/);
    const signature = createSign("RSA-SHA512").update("hello").sign(priv.Value!);
    assert.ok(createVerify("RSA-SHA512").update("hello").verify(pub.Value!, signature), "the two keys are a pair");
    original = { pub: pub.Value!, priv: priv.Value! };
  });

  it("sst/node/auth reads the keys back through SSM; missing keys fail naming the paths", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: tc.cloud.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test",
    });
    try {
      const env = {
        SST_APP: "keys-app", SST_STAGE: "test", SST_SSM_PREFIX: first,
        SST_Auth_prefix_Auth: "/auth", SST_Auth_publicKey_Auth: "__FETCH_FROM_SSM__", SST_Auth_privateKey_Auth: "__FETCH_FROM_SSM__",
      };
      const binding = await loadAuthBinding(env);
      assert.deepEqual(binding, { id: "Auth", prefix: "/auth", publicKey: original.pub, privateKey: original.priv });
      await assert.rejects(loadAuthBinding({ ...env, SST_SSM_PREFIX: "/nowhere/" }), (e: Error) => {
        assert.match(e.message, /cannot read the signing keys of the Auth construct "Auth" from SSM \(\/nowhere\/Auth\/Auth\/publicKey, \/nowhere\/Auth\/Auth\/privateKey\)/);
        assert.match(e.message, /created when the stack holding the Auth construct deploys/);
        return true;
      });
    } finally {
      process.env = saved;
    }
  });

  it("moves the same keys when the paths change, and deletes them with the stack", async () => {
    const result = await tc.cloud.cloudformation.deployAssembly(await synthAuthApp(moved));
    assert.equal(result.stacks["test-keys-app-AuthStack"].status, "UPDATE_COMPLETE");
    const { found } = await parameters(paths(moved));
    assert.equal(found[paths(moved)[0]].Value, original.pub);
    assert.equal(found[paths(moved)[1]].Value, original.priv);

    await tc.cloud.cloudformation.removeStacks(["test-keys-app-AuthStack"]);
    const after = await parameters(paths(moved));
    assert.deepEqual(after.invalid.sort(), paths(moved).sort());
  });

  it("without the Auth construct's policy, IAM refuses the handler's writes and the stack rolls back", async () => {
    const assembly = await synthAuthApp("/denied/");
    await tc.cloud.cloudformation.deployAssembly(assembly); // publishes the handler's code asset
    await tc.cloud.cloudformation.removeStacks(["test-keys-app-AuthStack"]);
    const template = JSON.parse(fs.readFileSync(path.join(assembly, "test-keys-app-AuthStack.template.json"), "utf8"));
    const policyId = Object.keys(template.Resources).find((id) => id.startsWith("AuthCloudFrontInvalidatorPolicy"))!;
    delete template.Resources[policyId];
    for (const r of Object.values<any>(template.Resources)) if (r.DependsOn) r.DependsOn = [].concat(r.DependsOn).filter((d) => d !== policyId);

    const cfn = new CloudFormationClient(tc.clientConfig);
    await cfn.send(new CreateStackCommand({ StackName: "no-policy", TemplateBody: JSON.stringify(template), Capabilities: ["CAPABILITY_IAM"] }));
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "no-policy" }))).Stacks![0];
    assert.equal(stack.StackStatus, "ROLLBACK_COMPLETE");
    const events = (await cfn.send(new DescribeStackEventsCommand({ StackName: "no-policy" }))).StackEvents!;
    const failed = events.find((e) => e.ResourceType === "Custom::AuthKeys" && e.ResourceStatus === "CREATE_FAILED");
    assert.match(failed?.ResourceStatusReason ?? "", /not authorized to perform: ssm:PutParameter/);
  });
});
