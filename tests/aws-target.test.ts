/**
 * `sst deploy --to aws`, end to end, with the AWS deploy code itself: the CDK toolkit
 * library bootstraps the account, uploads the bundled functions as zip assets to the
 * bootstrap bucket, and deploys each stack through a change set. The "AWS" is the
 * local cloud (`sst local`), reached only through AWS_ENDPOINT_URL — the same switch
 * that would point the toolkit anywhere else. Prints the deploy times it measures.
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
import { copyApp, removeApp, repoRoot } from "./helpers/app-copy.js";
import { SstProcess, runSst } from "./helpers/sst-process.js";
import { freePort } from "./helpers/ports.js";
import { readOutputs } from "./helpers/outputs.js";

const STAGE = "awsdeploy";
const STACKS = ["Database", "Storage", "QueueStack", "API", "AuthStack"].map((s) => `${STAGE}-my-app-${s}`);
const API_STACK = `${STAGE}-my-app-API`;
const ASSETS_BUCKET = "cdk-hnb659fds-assets-000000000000-us-east-1";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("sst deploy --to aws (CDK toolkit library) against the local cloud", () => {
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

  /** A deploy, timed twice: the whole command, and the toolkit's part (--verbose prints it). */
  function deploy() {
    const res = sst("deploy", "--to", "aws", "--stage", STAGE, "--verbose");
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
    // build takes minutes (sites deploy in tests/sites-deploy.test.ts).
    const configFile = path.join(app, "sst.config.ts");
    fs.writeFileSync(configFile, fs.readFileSync(configFile, "utf8").replace('import { Web } from "./stacks/Web";\n', "").replace(".stack(Web)", ""));
    work = fs.mkdtempSync(path.join(os.tmpdir(), "sst-aws-target-"));
    const port = await freePort();
    local = new SstProcess(work, ["local", "--port", String(port), "--dir", path.join(work, "state")]);
    await local.waitFor(/^Ready/, 60_000);
    const endpoint = `http://127.0.0.1:${port}`;
    // Only the endpoint says "local": everything else is the standard AWS chain.
    env = { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", AWS_PROFILE: "" };
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

  test("before bootstrap, a deploy says to bootstrap; bad credentials are named as such", async () => {
    const unbootstrapped = runSst(app, ["deploy", "--to", "aws", "--stage", STAGE], env);
    assert.equal(unbootstrapped.code, 1, unbootstrapped.output);
    assert.match(unbootstrapped.output, /Deploy failed: .*\/cdk-bootstrap\/hnb659fds\/version not found.*Please run 'sst bootstrap'/);
    const bad = runSst(app, ["deploy", "--to", "aws", "--stage", STAGE], { ...env, AWS_ACCESS_KEY_ID: "AKIANOTAREALKEY00000" });
    assert.equal(bad.code, 1, bad.output);
    assert.match(bad.output, /Could not identify the AWS account \(STS GetCallerIdentity at http:\/\/127\.0\.0\.1:\d+\): InvalidClientTokenId/);
    for (const name of STACKS) assert.equal(await stackStatus(name), undefined);
  });

  test("sst bootstrap creates the CDK bootstrap stack through the toolkit", async () => {
    const res = sst("bootstrap");
    assert.match(res.stdout, /Bootstrapped aws:\/\/000000000000\/us-east-1/);
    assert.equal(await stackStatus("CDKToolkit"), "CREATE_COMPLETE");
    const version = await ssm.send(new GetParameterCommand({ Name: "/cdk-bootstrap/hnb659fds/version" }));
    assert.ok(Number(version.Parameter?.Value) >= 6, "the assemblies require bootstrap version 6 or later");
    // A second run finds it current.
    assert.match(sst("bootstrap").stdout, /Bootstrapped .*\(already up to date\)|Bootstrapped/);
    assert.equal(await stackStatus("CDKToolkit"), "CREATE_COMPLETE");
  });

  test("a filter that matches no stack is refused before anything deploys", () => {
    const res = runSst(app, ["deploy", "--to", "aws", "--stage", STAGE, "NoSuchStack"], env);
    assert.equal(res.code, 1, res.output);
    assert.match(res.output, /No stack matches "NoSuchStack"/);
  });

  test("sst deploy --to aws deploys every stack; the API serves bundled code from the asset bucket", async () => {
    const first = deploy();
    figures.push(`first deploy (5 stacks, 17 functions): ${first.figure}`);
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
    const post = template.Resources.ApiLambdaPOSTusers3EDC309A;
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
      assert.deepEqual(changed, ["ApiLambdaGETusersBA0D64DD"], "only GET /users's code changed");
      // Same functions, updated in place (no replacement).
      assert.deepEqual(Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v.name])), Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.name])));
      const body = (await (await fetch(`${await apiUrl()}/users`)).json()) as { version?: string };
      assert.equal(body.version, version);
    }
    assert.equal(await stackStatus(API_STACK), "UPDATE_COMPLETE");
    figures.push(`one-handler-change redeploy: median ${median(times).toFixed(1)}s of ${times.map((t) => t.toFixed(1)).join(", ")}s (toolkit phase median ${median(phases).toFixed(2)}s)`);
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
      const res = runSst(app, ["deploy", "--to", "aws", "--stage", STAGE], env);
      assert.equal(res.code, 1, res.output);
      assert.match(res.output, /\|  awsdeploy-my-app-QueueStack BrokenQueue AWS::SQS::Queue CREATE_FAILED/);
      assert.match(res.output, /Deploy failed: .*awsdeploy-my-app-QueueStack/);
      assert.match(res.output, /MessageRetentionPeriod/);
      assert.equal(await stackStatus("awsdeploy-my-app-QueueStack"), "UPDATE_ROLLBACK_COMPLETE");
    } finally {
      fs.writeFileSync(file, original);
    }
    // The rest of the app is untouched and still serves.
    assert.equal((await fetch(`${await apiUrl()}/users`)).status, 200);
  });

  test("sst remove --to aws deletes the app's stacks and keeps the bootstrap stack", async () => {
    const res = sst("remove", "--to", "aws", "--stage", STAGE);
    assert.match(res.stdout, /Removed 5 stacks/);
    for (const name of STACKS) assert.equal(await stackStatus(name), undefined, `${name} still exists`);
    assert.equal(await stackStatus("CDKToolkit"), "CREATE_COMPLETE");
    assert.deepEqual(readOutputs(app), {});
    // Removing again finds nothing to remove, and says so.
    const again = sst("remove", "--from", "aws", "--stage", STAGE);
    assert.match(again.stdout, /Removed 0 stacks/);
  });
});
