/**
 * `sst deploy` / `sst remove` against the stage's local state (durable across
 * processes), and `sst local` as a foreground server.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GetFunctionCommand, InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { LocalCloud } from "local-cloud";
import { NO_AWS_CREDENTIALS } from "../../../../tests/helpers/sst-process.js";

const BIN = fileURLToPath(new URL("../../bin/sst.mjs", import.meta.url));
const NODE_MODULES = fileURLToPath(new URL("../../../../node_modules", import.meta.url));
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let app: string;

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [BIN, ...args], { cwd: app, env: { ...process.env, ...NO_AWS_CREDENTIALS, NO_COLOR: "1" } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as any).code as number) : 0, out: stdout + stderr }),
    ),
  );
}

/** `sst local <args>` in the app, once it printed Ready: its process, output so far and exit. */
async function startLocal(args: string[]) {
  const child = spawn(process.execPath, [BIN, "local", ...args], { cwd: app });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise((r) => child.once("exit", r));
  const t0 = Date.now();
  while (!/^Ready$/m.test(out)) {
    assert.ok(Date.now() - t0 < 30_000, `no Ready line: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, out, exited };
}

/** Opens the stage's state in this process, like a later `sst` command would. */
async function withStageCloud<T>(stage: string, fn: (lambda: LambdaClient) => Promise<T>): Promise<T> {
  const cloud = await LocalCloud.start({ dir: path.join(app, ".sst/local", stage), port: 0 });
  const lambda = new LambdaClient({ endpoint: cloud.endpoint, region: "us-east-1", credentials });
  try {
    return await fn(lambda);
  } finally {
    lambda.destroy();
    await cloud.stop();
  }
}

describe("sst deploy / remove / local", () => {
  before(() => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), "sst-deploy-cli-"));
    fs.symlinkSync(NODE_MODULES, path.join(app, "node_modules"));
    fs.mkdirSync(path.join(app, "stacks"));
    fs.mkdirSync(path.join(app, "src"));
    fs.writeFileSync(
      path.join(app, "sst.config.ts"),
      `import { One } from "./stacks/One";\nexport default { config() { return { name: "deploycli", region: "us-east-1" }; }, stacks(app: any) { app.stack(One); } };\n`,
    );
    fs.writeFileSync(
      path.join(app, "stacks/One.ts"),
      `import { StackContext, Function } from "sst/constructs";\nexport function One({ stack }: StackContext) {\n  const fn = new Function(stack, "Hello", { handler: "src/hello.handler" });\n  stack.addOutputs({ FnName: fn.functionName });\n}\n`,
    );
    fs.writeFileSync(path.join(app, "src/hello.ts"), `export const handler = async () => ({ deployed: true });\n`);
  });
  after(() => fs.rmSync(app, { recursive: true, force: true }));

  let fnName: string;

  it("deploy builds into .sst/dist, deploys to .sst/local/<stage> and writes outputs.json", async () => {
    const r = await run(["deploy", "--stage", "prod", "--local"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /➜ {2}Target: local cloud \.sst\/local\/prod \(--local\)/);
    assert.match(r.out, /Deploying "deploycli" stage "prod"/);
    assert.match(r.out, /✔ {2}Deployed 1 stack/);
    assert.ok(fs.existsSync(path.join(app, ".sst/dist/manifest.json")));
    fnName = JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8"))["prod-deploycli-One"].FnName;
    assert.match(fnName, /^prod-deploycli-One-Hello/);
    // The deployment outlives the command: another process finds and runs it.
    const payload = await withStageCloud("prod", async (lambda) => (await lambda.send(new InvokeCommand({ FunctionName: fnName }))).Payload);
    assert.deepEqual(JSON.parse(Buffer.from(payload!).toString()), { deployed: true });
  });

  it("deploy with an unknown stack filter fails clearly", async () => {
    const r = await run(["deploy", "Nope", "--stage", "prod", "--to", "local"]);
    assert.equal(r.code, 1);
    assert.match(r.out, /No stack matches "Nope". Stacks: prod-deploycli-One/);
  });

  it("remove deletes the stacks and their outputs", async () => {
    const r = await run(["remove", "--stage", "prod", "--local"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /✔ {2}Removed 1 stack\n\s+prod-deploycli-One/);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(app, ".sst/outputs.json"), "utf8")), {});
    await withStageCloud("prod", async (lambda) => {
      await assert.rejects(lambda.send(new GetFunctionCommand({ FunctionName: fnName })), { name: "ResourceNotFoundException" });
    });
  });

  it("sst local serves the AWS APIs in the foreground and stops on SIGTERM", async () => {
    const { child, out, exited } = await startLocal(["--port", "0", "--dir", "cloud-state"]);
    const endpoint = /Endpoint:\s+(\S+)/.exec(out)![1];
    assert.match(out, /AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test/);
    const sts = new STSClient({ endpoint, region: "us-east-1", credentials });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, "000000000000");
    sts.destroy();
    assert.ok(fs.existsSync(path.join(app, "cloud-state")));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });

  it("sst local refuses damaged state, naming the file, and --reset starts over", async () => {
    const dir = path.join(app, "cloud-state");
    assert.ok(fs.existsSync(path.join(dir, "state.json")), "the last run recorded its state");
    fs.writeFileSync(path.join(dir, "dynamodb.sqlite"), "");
    const refused = await run(["local", "--port", "0", "--dir", "cloud-state"]);
    assert.equal(refused.code, 1, refused.out);
    assert.ok(refused.out.includes(path.join(dir, "dynamodb.sqlite")), refused.out);
    assert.match(refused.out, /is empty/);
    assert.match(refused.out, /--reset/);

    const { child, out, exited } = await startLocal(["--port", "0", "--dir", "cloud-state", "--reset"]);
    assert.match(out, /Removed the local state in .*cloud-state; starting empty/);
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
  });
});
