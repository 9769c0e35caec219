/**
 * `.env` files are loaded before the stacks run, later files overriding earlier ones
 * (.env < .env.local < .env.<stage> < .env.<stage>.local); config() options SST v2
 * knows are accepted and unknown ones fail naming the file and key.
 */
import { describe, it, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { loadProject, synth } from "./index.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

const dirs: string[] = [];
after(() => dirs.forEach(removeApp));
const saved = { ...process.env };
afterEach(() => {
  for (const k of ["FROM_ENV", "FROM_LOCAL", "FROM_STAGE", "FROM_STAGE_LOCAL", "SST_STAGE"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function app(config: string, extra: Record<string, string> = {}): string {
  const dir = writeApp({
    "package.json": JSON.stringify({ name: "env-app", type: "module", private: true }),
    "sst.config.ts": `
import { Main } from "./stacks/Main";
export default { config() { return ${config}; }, stacks(app) { app.stack(Main); } };
`,
    "stacks/Main.ts": `
import { Function, StackContext } from "sst/constructs";
export function Main({ stack }: StackContext) {
  new Function(stack, "Fn", {
    handler: "src/a.handler",
    environment: {
      FROM_ENV: process.env.FROM_ENV ?? "", FROM_LOCAL: process.env.FROM_LOCAL ?? "",
      FROM_STAGE: process.env.FROM_STAGE ?? "", FROM_STAGE_LOCAL: process.env.FROM_STAGE_LOCAL ?? "",
    },
  });
}
`,
    "src/a.ts": "export const handler = async () => 'a';\n",
    ...extra,
  });
  dirs.push(dir);
  return dir;
}

describe(".env files", () => {
  it("loads .env, .env.local, .env.<stage>, .env.<stage>.local in that order, before the stacks run", async () => {
    const dir = app(`{ name: "env-app", region: "us-east-1" }`, {
      ".env": "FROM_ENV=env\nFROM_LOCAL=env\nFROM_STAGE=env\nFROM_STAGE_LOCAL=env\n",
      ".env.local": "FROM_LOCAL=local\nFROM_STAGE=local\nFROM_STAGE_LOCAL=local\n",
      ".env.prod": "FROM_STAGE=prod\nFROM_STAGE_LOCAL=prod\n",
      ".env.prod.local": "FROM_STAGE_LOCAL=prod-local\n",
      ".env.other": "FROM_STAGE=other\n",
    });
    const project = await loadProject({ cwd: dir, stage: "prod" });
    assert.equal(process.env.SST_STAGE, "prod");
    const result = await synth(project, { mode: "dev" });
    const t = JSON.parse(fs.readFileSync(result.stacks[0].templateFile, "utf8"));
    const fn = Object.values<any>(t.Resources).find((r) => r.Type === "AWS::Lambda::Function" && r.Properties.Environment);
    const env = fn.Properties.Environment.Variables;
    assert.deepEqual(
      { a: env.FROM_ENV, b: env.FROM_LOCAL, c: env.FROM_STAGE, d: env.FROM_STAGE_LOCAL },
      { a: "env", b: "local", c: "prod", d: "prod-local" },
    );
  });

  it("takes the stage from SST_STAGE (as the process started) when neither --stage nor the config sets it", async () => {
    const dir = app(`{ name: "env-app" }`);
    const { execFile } = await import("node:child_process");
    const script = `import { loadProject } from ${JSON.stringify(new URL("./load.ts", import.meta.url).pathname)}; const p = await loadProject({ cwd: ${JSON.stringify(dir)} }); console.log(p.stage);`;
    const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script],
      { env: { ...process.env, SST_STAGE: "from-env" } }, (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout))));
    assert.equal(out.trim(), "from-env");
  });
});

describe("config options", () => {
  it("accepts role, bootstrap, cdk, advanced and ssmPrefix", async () => {
    const dir = app(`{
      name: "env-app", region: "eu-west-1", role: "arn:aws:iam::123456789012:role/deployer",
      bootstrap: { stackName: "MyBootstrap", tags: { team: "a" } },
      cdk: { qualifier: "abc123", toolkitStackName: "MyToolkit", fileAssetsBucketName: "my-assets" },
      advanced: { disableParameterizedStackNameCheck: true },
    }`);
    const project = await loadProject({ cwd: dir, stage: "dev" });
    assert.equal(project.config.role, "arn:aws:iam::123456789012:role/deployer");
    assert.equal(project.config.cdk?.qualifier, "abc123");
    // config.cdk points every stack's synthesizer at that bootstrap.
    const result = await synth(project, { mode: "dev" });
    const t = JSON.parse(fs.readFileSync(result.stacks[0].templateFile, "utf8"));
    assert.equal(t.Parameters.BootstrapVersion.Default, "/cdk-bootstrap/abc123/version");
    const fn = Object.values<any>(t.Resources).find((r) => r.Type === "AWS::Lambda::Function");
    assert.equal(fn.Properties.Code.S3Bucket, "my-assets");
  });

  it("fails on an unknown option, naming the file and the closest option", async () => {
    const dir = app(`{ name: "env-app", regoin: "eu-west-1" }`);
    await assert.rejects(loadProject({ cwd: dir, stage: "dev" }), /sst\.config\.ts: "regoin" is not an SST config option\. Did you mean "region"\?/);
    const bad = app(`{ name: "env-app", cdk: { qualfier: "x" } }`);
    await assert.rejects(loadProject({ cwd: bad, stage: "dev" }), /"cdk\.qualfier" is not an SST config option\. Did you mean "cdk\.qualifier"\?/);
  });
});
