/**
 * The AWS target, end to end, with the AWS code itself: a CI job written for SST v2
 * (`sst deploy --stage …` with AWS credentials, no flag) bootstraps the account (CDK's
 * and SST's bootstrap stacks), uploads the bundled functions as zip assets and deploys
 * each stack through a change set with the CDK toolkit library; `sst diff`, `secrets`,
 * `bind` and `remove` act on the same stage, with `--role` assumed through STS. The
 * "AWS" is the local cloud (`sst local`), reached only through AWS_ENDPOINT_URL — the
 * same switch that would point the toolkit anywhere else. Prints the deploy times it
 * measures.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CloudFormationClient, DescribeStacksCommand, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { LambdaClient, GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { S3Client, HeadObjectCommand } from "@aws-sdk/client-s3";
import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
import { IAMClient, CreateRoleCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { readOutputs } from "./helpers/outputs.js";

const STAGE = "awsdeploy";
const STACKS = ["Database", "Storage", "QueueStack", "API", "AuthStack"].map((s) => `${STAGE}-my-app-${s}`);
const API_STACK = `${STAGE}-my-app-API`;
const ASSETS_BUCKET = "cdk-hnb659fds-assets-000000000000-us-east-1";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("the AWS target (CDK toolkit library) against the local cloud playing AWS", () => {
  let app: string;
  let work: string;
  let local: SstProcess;
  let env: Record<string, string>;
  let cfn: CloudFormationClient;
  let lambda: LambdaClient;
  let s3: S3Client;
  let ssm: SSMClient;
  const figures: string[] = [];

  function sst(...args: string[]) {
    const started = performance.now();
    const res = runSst(app, args, env);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(res.code, 0, `sst ${args.join(" ")} failed:\n${res.output}`);
    return { ...res, seconds };
  }

  /** The CI line of an SST v2 app: no target flag, AWS credentials in the environment. Timed twice: the whole command, and the toolkit's part (--verbose prints it). */
  function deploy() {
    const res = sst("deploy", "--stage", STAGE, "--verbose");
    const toolkit = Number(/Toolkit deploy phase: ([\d.]+)s/.exec(res.stderr)?.[1]);
    assert.ok(toolkit > 0, res.output);
    return { ...res, toolkit, figure: `${res.seconds.toFixed(1)}s (toolkit phase ${toolkit.toFixed(2)}s)` };
  }

  async function apiUrl(): Promise<string> {
    return readOutputs(app)[API_STACK]!.ApiEndpoint!;
  }

  /** The API stack's functions: logical id -> { name, code hash, code location }. */
  async function apiFunctions(): Promise<Record<string, { name: string; sha: string }>> {
    const { StackResources } = await cfn.send(new DescribeStackResourcesCommand({ StackName: API_STACK }));
    const out: Record<string, { name: string; sha: string }> = {};
    for (const r of StackResources ?? []) {
      if (r.ResourceType !== "AWS::Lambda::Function") continue;
      const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: r.PhysicalResourceId! }));
      out[r.LogicalResourceId!] = { name: r.PhysicalResourceId!, sha: c.CodeSha256! };
    }
    return out;
  }

  async function stackStatus(name: string): Promise<string | undefined> {
    try {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      return Stacks?.[0]?.StackStatus;
    } catch (err) {
      if (/does not exist/.test((err as Error).message)) return undefined;
      throw err;
    }
  }

  before(async () => {
    app = copyApp(path.join(repoRoot, "examples", "my-app"), "aws-target");
    // This test is about the toolkit path: the app without its Web stack, whose Next.js
    // build takes minutes (sites deploy in tests/sites-deploy.slow.test.ts).
    const configFile = path.join(app, "sst.config.ts");
    fs.writeFileSync(configFile, fs.readFileSync(configFile, "utf8").replace('import { Web } from "./stacks/Web";\n', "").replace(".stack(Web)", ""));
    work = fs.mkdtempSync(path.join(os.tmpdir(), "sst-aws-target-"));
    const port = await freePort();
    local = new SstProcess(work, ["local", "--port", String(port), "--dir", path.join(work, "state")]);
    await local.waitFor(/^Ready/, 60_000);
    const endpoint = `http://127.0.0.1:${port}`;
    // Only the endpoint says "local": everything else is the standard AWS chain. The
    // shared config files point nowhere, so the machine's own AWS setup plays no part.
    const nowhere = path.join(work, "no-aws-config");
    env = { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_PROFILE: "", AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, SST_TARGET: "", CI: "true" };
    const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    cfn = new CloudFormationClient(config);
    lambda = new LambdaClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    ssm = new SSMClient(config);
  });

  after(async () => {
    for (const c of [cfn, lambda, s3, ssm]) c?.destroy();
    await local?.stop();
    if (figures.length) console.log(`\n  AWS target figures (sst local on loopback, CDK toolkit library):\n${figures.map((f) => `    ${f}`).join("\n")}\n`);
    removeApp(app);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("the toolkit library loads lazily, and its cost is known", () => {
    const res = spawnSync(process.execPath, ["--input-type=module", "-e",
      "const t = performance.now(); await import('@aws-cdk/toolkit-lib'); console.log(performance.now() - t)"], { cwd: repoRoot, encoding: "utf8" });
    assert.equal(res.status, 0, res.stderr);
    const ms = Number(res.stdout.trim().split("\n").pop());
    assert.ok(ms > 0, res.stdout);
    figures.push(`toolkit-lib import: ${(ms / 1000).toFixed(2)}s`);
    // `sst deploy` (to the local cloud) never loads it: the AWS path does, on demand.
    const deployLocal = fs.readFileSync(path.join(repoRoot, "packages/sst/src/cli/deploy.ts"), "utf8");
    assert.doesNotMatch(deployLocal, /^import .*toolkit-lib/m);
  });

  test("bad credentials are named as such, and nothing deploys", async () => {
    const bad = runSst(app, ["deploy", "--stage", STAGE], { ...env, AWS_ACCESS_KEY_ID: "AKIANOTAREALKEY00000" });
    assert.equal(bad.code, 1, bad.output);
    assert.match(bad.output, /Could not identify the AWS account \(credentials from AWS_ACCESS_KEY_ID; STS GetCallerIdentity at http:\/\/127\.0\.0\.1:\d+\): InvalidClientTokenId/);
    assert.match(bad.output, /or pass --local to use the local cloud/);
    for (const name of STACKS) assert.equal(await stackStatus(name), undefined);
    assert.equal(await stackStatus("CDKToolkit"), undefined);
  });

  test("in CI without credentials, sst deploy refuses the local cloud instead of falling back to it", () => {
    const res = runSst(app, ["deploy", "--stage", STAGE], { ...env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_ENDPOINT_URL: "" });
    assert.equal(res.code, 1, res.output);
    assert.match(res.output, /No AWS credentials were found, and this is a CI run \(CI=true\): "sst deploy" does not fall back to the local cloud in CI/);
    assert.ok(!fs.existsSync(path.join(app, ".sst", "local", STAGE)), "nothing was deployed locally");
  });

  test("a filter that matches no stack is refused before anything deploys", async () => {
    const res = runSst(app, ["deploy", "--aws", "--stage", STAGE, "NoSuchStack"], env);
    assert.equal(res.code, 1, res.output);
    assert.match(res.output, /No stack matches "NoSuchStack"/);
    assert.equal(await stackStatus("CDKToolkit"), undefined, "not even the bootstrap stack");
  });

  test("the CI line `sst deploy --stage …` bootstraps the account, deploys every stack to AWS, and the API serves bundled code from the asset bucket", async () => {
    const first = deploy();
    figures.push(`first deploy (bootstrap + 5 stacks, 17 functions): ${first.figure}`);
    assert.match(first.stderr, /➜ {2}Target: AWS account 000000000000, us-east-1, credentials from AWS_ACCESS_KEY_ID, endpoint http:\/\/127\.0\.0\.1:\d+ \(AWS credentials found\)/);
    assert.match(first.stdout, /Deploying bootstrap stack, this only needs to happen once/);
    // Both bootstrap stacks, as SST v2 makes them.
    assert.equal(await stackStatus("CDKToolkit"), "CREATE_COMPLETE");
    const version = await ssm.send(new GetParameterCommand({ Name: "/cdk-bootstrap/hnb659fds/version" }));
    assert.ok(Number(version.Parameter?.Value) >= 14, "SST v2 requires CDK bootstrap version 14 or later");
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: "SSTBootstrap" }));
    const bootstrapOutputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    assert.equal(bootstrapOutputs.Version, "7.3");
    assert.match(bootstrapOutputs.BucketName ?? "", /^sstbootstrap-/);
    assert.ok(!fs.existsSync(path.join(app, ".sst", "local", STAGE)), "nothing went to the local cloud's state");
    for (const name of STACKS) {
      assert.equal(await stackStatus(name), "CREATE_COMPLETE", name);
      assert.match(first.stdout, new RegExp(`\\|  ${name} deployed`));
    }
    // Only the app's own outputs are written and printed, not CDK's cross-stack exports.
    const outputs = readOutputs(app);
    assert.deepEqual(Object.keys(outputs).sort(), [...STACKS].sort());
    assert.deepEqual(Object.keys(outputs[API_STACK]!), ["ApiEndpoint"]);
    assert.ok(!JSON.stringify(outputs).includes("ExportsOutput"));
    assert.match(first.stdout, /ApiEndpoint: http:\/\/127\.0\.0\.1:\d+\/_aws\/execute-api\//);

    // The functions' code is the zip the toolkit uploaded to the bootstrap bucket.
    const template = JSON.parse(fs.readFileSync(path.join(app, ".sst", "dist", `${API_STACK}.template.json`), "utf8"));
    const post = template.Resources.ApiLambdaPOSTusers5643B078;
    assert.equal(post.Properties.Code.S3Bucket, ASSETS_BUCKET);
    const head = await s3.send(new HeadObjectCommand({ Bucket: ASSETS_BUCKET, Key: post.Properties.Code.S3Key }));
    assert.ok((head.ContentLength ?? 0) > 100, "the uploaded asset is a real zip");

    const url = await apiUrl();
    const created = await fetch(`${url}/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "Ada", email: "ada@example.com" }) });
    assert.equal(created.status, 201, await created.clone().text());
    const user = (await created.json()) as { id: string; name: string };
    assert.equal(user.name, "Ada");
    const listed = (await (await fetch(`${url}/users`)).json()) as { users: { id: string }[] };
    assert.ok(listed.users.some((u) => u.id === user.id));
  });

  test("sst bootstrap finds both bootstrap stacks current", () => {
    const res = sst("bootstrap");
    assert.match(res.stdout, /Bootstrapped aws:\/\/000000000000\/us-east-1 \(already up to date\)/);
    assert.match(res.stdout, /CDK bootstrap stack: up to date/);
    assert.match(res.stdout, /SST bootstrap stack: up to date \(bucket sstbootstrap-/);
  });

  test("a redeploy with no change skips every stack", async () => {
    const before = await apiFunctions();
    const again = deploy();
    figures.push(`no-change redeploy: ${again.figure}`);
    for (const name of STACKS) assert.match(again.stdout, new RegExp(`\\|  ${name} no changes`));
    for (const name of STACKS) assert.equal(await stackStatus(name), "CREATE_COMPLETE", `${name} was not updated`);
    assert.deepEqual(await apiFunctions(), before);
  });

  test("editing one handler redeploys only that function's code, and the API serves it", async () => {
    const handler = path.join(app, "packages", "functions", "src", "users", "list.ts");
    const original = fs.readFileSync(handler, "utf8");
    assert.match(original, /users: result\.Items,/);
    const times: number[] = [];
    const phases: number[] = [];
    for (const version of ["v2", "v3", "v4"]) {
      const before = await apiFunctions();
      fs.writeFileSync(handler, original.replace("users: result.Items,", `users: result.Items, version: "${version}",`));
      const res = deploy();
      times.push(res.seconds);
      phases.push(res.toolkit);
      assert.match(res.stdout, new RegExp(`\\|  ${API_STACK} deployed`));
      for (const name of STACKS.filter((s) => s !== API_STACK)) assert.match(res.stdout, new RegExp(`\\|  ${name} no changes`));
      const after = await apiFunctions();
      const changed = Object.keys(after).filter((id) => after[id]!.sha !== before[id]!.sha);
      assert.deepEqual(changed, ["ApiLambdaGETusers14C9B9D3"], "only GET /users's code changed");
      // Same functions, updated in place (no replacement).
      assert.deepEqual(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.name])), Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.name])));
      const body = (await (await fetch(`${await apiUrl()}/users`)).json()) as { version?: string };
      assert.equal(body.version, version);
    }
    assert.equal(await stackStatus(API_STACK), "UPDATE_COMPLETE");
    figures.push(`one-handler-change redeploy: median ${median(times).toFixed(1)}s of ${times.map((t) => t.toFixed(1)).join(", ")}s (toolkit phase median ${median(phases).toFixed(2)}s)`);
  });

  test("sst diff compares each stack with what AWS runs, as SST v2 prints it", async () => {
    const same = sst("diff", "--stage", STAGE);
    for (const id of ["Database", "Storage", "QueueStack", "API", "AuthStack"]) assert.match(same.stdout, new RegExp(`➜  ${id}: No changes`));
    assert.match(same.stdout, /✔  Diff: No changes/);
    const file = path.join(app, "stacks", "Queue.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace('timeout: "5 minutes"', 'timeout: "4 minutes"'));
    try {
      const changed = sst("diff", "--stage", STAGE);
      assert.match(changed.stdout, /➜  QueueStack: 2 changes/);
      assert.match(changed.stdout, /\[~\] AWS::Lambda::Function ProcessingQueue\/Consumer_ProcessingQueue \w+\n\s+└─ \[~\] Timeout\n\s+├─ \[-\] 300\n\s+└─ \[\+\] 240/);
      assert.match(changed.stdout, /\[~\] AWS::SQS::Queue ProcessingQueue\/Queue/);
      assert.match(changed.stdout, /➜  API: No changes/);
      assert.match(changed.stdout, /✔  Diff: 2 changes in 1 stack/);
    } finally {
      fs.writeFileSync(file, original);
    }
    // A stage never deployed: every stack is new.
    assert.match(sst("diff", "--stage", "neverdeployed").stdout, /➜  API: New stack/);
  });

  test("secrets and bind act on the stage's SSM parameters in AWS", async () => {
    assert.match(sst("secrets", "set", "STRIPE_KEY", "sk_live_aws", "--stage", STAGE).stdout, /✔  Set "STRIPE_KEY"/);
    const stored = await ssm.send(new GetParameterCommand({ Name: `/sst/my-app/${STAGE}/Secret/STRIPE_KEY/value`, WithDecryption: true }));
    assert.equal(stored.Parameter?.Value, "sk_live_aws");
    assert.equal(stored.Parameter?.Type, "SecureString");
    const get = sst("secrets", "get", "STRIPE_KEY", "--stage", STAGE);
    assert.equal(get.stdout, "sk_live_aws\n", "the value alone on stdout; the target line goes to stderr");
    assert.match(get.stderr, /Target: AWS account 000000000000/);
    assert.deepEqual(JSON.parse(sst("secrets", "list", "json", "--stage", STAGE).stdout), { STRIPE_KEY: "sk_live_aws" });
    const print = "console.log(JSON.stringify({ t: process.env.SST_Table_tableName_Users, s: process.env.SST_Secret_value_STRIPE_KEY, k: process.env.AWS_ACCESS_KEY_ID, target: process.env.SST_TARGET }))";
    const bound = sst("bind", "--stage", STAGE, "--", process.execPath, "-e", print);
    assert.deepEqual(JSON.parse(bound.stdout), { t: `${STAGE}-my-app-Users`, s: "sk_live_aws", k: "test", target: "aws" });
    assert.ok(!fs.existsSync(path.join(app, ".sst", "local", STAGE)), "nothing went to the local cloud's state");
  });

  test("--role is assumed through STS, and every call of the command uses it", async () => {
    const iam = new IAMClient({ endpoint: env.AWS_ENDPOINT_URL, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] });
    try {
      for (const [name, actions] of [["sst-reader", ["ssm:GetParameter", "sts:GetCallerIdentity"]], ["sst-nobody", ["sts:GetCallerIdentity"]]] as const) {
        const { Role } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
        await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }) }));
        assert.ok(Role?.Arn);
      }
    } finally {
      iam.destroy();
    }
    const reader = runSst(app, ["secrets", "get", "STRIPE_KEY", "--stage", STAGE, "--role", "arn:aws:iam::000000000000:role/sst-reader"], env);
    assert.equal(reader.code, 0, reader.output);
    assert.equal(reader.stdout, "sk_live_aws\n");
    assert.match(reader.stderr, /Target: AWS account 000000000000, us-east-1, credentials from AWS_ACCESS_KEY_ID, role arn:aws:iam::000000000000:role\/sst-reader/);
    const nobody = runSst(app, ["secrets", "get", "STRIPE_KEY", "--stage", STAGE, "--role", "arn:aws:iam::000000000000:role/sst-nobody"], env);
    assert.equal(nobody.code, 1, nobody.output);
    assert.match(nobody.output, /assumed-role\/sst-nobody\/sst-[\w-]+ is not authorized to perform: ssm:GetParameter/);
    const missing = runSst(app, ["secrets", "get", "STRIPE_KEY", "--stage", STAGE, "--role", "arn:aws:iam::000000000000:role/no-such-role"], env);
    assert.equal(missing.code, 1);
    assert.match(missing.output, /Could not identify the AWS account \(credentials from AWS_ACCESS_KEY_ID, role arn:aws:iam::000000000000:role\/no-such-role;.*AccessDenied.*and that they may assume the role/);
  });

  test("with no credentials the stage is on the local cloud; once it has local state, credentials make commands ask", () => {
    const noCreds = { ...env, AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_ENDPOINT_URL: "", CI: "" };
    const local = runSst(app, ["secrets", "set", "K", "local-value", "--stage", "laptop"], noCreds);
    assert.equal(local.code, 0, local.output);
    assert.match(local.stderr, /Target: local cloud \.sst\/local\/laptop \(no AWS credentials found\)/);
    assert.ok(fs.existsSync(path.join(app, ".sst", "local", "laptop")));
    const ambiguous = runSst(app, ["secrets", "get", "K", "--stage", "laptop"], env);
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.output, /Not sure where "sst secrets get" should act: the "laptop" stage has local cloud state \(\.sst\/local\/laptop\), and AWS credentials were found/);
    const chosen = runSst(app, ["secrets", "get", "K", "--stage", "laptop", "--local"], env);
    assert.equal(chosen.stdout, "local-value\n");
    assert.match(runSst(app, ["secrets", "get", "K", "--stage", "laptop"], { ...env, SST_TARGET: "local" }).stdout, /local-value/);
  });

  test("a failed resource rolls its stack back; the error names the stack, the logical id and the reason", async () => {
    const file = path.join(app, "stacks", "Queue.ts");
    const original = fs.readFileSync(file, "utf8");
    // An L1 queue with a retention AWS refuses (minimum 60 s): CDK passes it, SQS does not.
    fs.writeFileSync(file, `import { CfnQueue } from "aws-cdk-lib/aws-sqs";\n${original.replace(
      'const queue = new Queue(stack, "ProcessingQueue", {',
      'new CfnQueue(stack, "BrokenQueue", { messageRetentionPeriod: 10 });\n  const queue = new Queue(stack, "ProcessingQueue", {',
    )}`);
    try {
      const res = runSst(app, ["deploy", "--stage", STAGE], env);
      assert.equal(res.code, 1, res.output);
      assert.match(res.output, /\|  awsdeploy-my-app-QueueStack BrokenQueue AWS::SQS::Queue CREATE_FAILED/);
      // The rollback's result, in the progress and in the error.
      assert.match(res.output, /\|  awsdeploy-my-app-QueueStack rolled back: UPDATE_ROLLBACK_COMPLETE/);
      assert.match(res.output, /Rollback of awsdeploy-my-app-QueueStack: UPDATE_ROLLBACK_COMPLETE \(the stack is back to its previous state\)/);
      assert.match(res.output, /Deploy failed: .*awsdeploy-my-app-QueueStack/);
      assert.match(res.output, /MessageRetentionPeriod/);
      assert.equal(await stackStatus("awsdeploy-my-app-QueueStack"), "UPDATE_ROLLBACK_COMPLETE");
    } finally {
      fs.writeFileSync(file, original);
    }
    // The rest of the app is untouched and still serves.
    assert.equal((await fetch(`${await apiUrl()}/users`)).status, 200);
  });

  test("sst remove deletes the app's stacks from AWS and keeps the bootstrap stacks", async () => {
    const res = sst("remove", "--stage", STAGE);
    assert.match(res.stdout, /Removed 5 stacks/);
    for (const name of STACKS) assert.equal(await stackStatus(name), undefined, `${name} still exists`);
    assert.equal(await stackStatus("CDKToolkit"), "CREATE_COMPLETE");
    assert.equal(await stackStatus("SSTBootstrap"), "CREATE_COMPLETE");
    assert.deepEqual(readOutputs(app), {});
    // Removing again finds nothing to remove, and says so.
    const again = sst("remove", "--from", "aws", "--stage", STAGE);
    assert.match(again.stdout, /Removed 0 stacks/);
  });
});
