/**
 * `sst secrets …` and `sst bind` as a user runs them: the real CLI in a temp app,
 * against the stage's local cloud state — in-process when no server runs, and over
 * HTTP when server.json names a running one (which must then hear "ssm:changed").
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LocalCloud } from "local-cloud";
import { removeServerInfo, writeServerInfo } from "../deploy/server-file.js";
import { NO_AWS_CREDENTIALS } from "../../../../tests/helpers/sst-process.js";

const BIN = fileURLToPath(new URL("../../bin/sst.mjs", import.meta.url));
let app: string;

function sst(args: string[], opts: { env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "--stage", "t", ...args], { cwd: app, env: { ...process.env, ...NO_AWS_CREDENTIALS, NO_COLOR: "1", ...opts.env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as any).code as number) : 0, stdout, stderr }),
    );
  });
}

describe("sst secrets and sst bind", () => {
  before(() => {
    app = fs.mkdtempSync(path.join(os.tmpdir(), "sst-cli-app-"));
    fs.writeFileSync(
      path.join(app, "sst.config.ts"),
      `export default { config() { return { name: "cli-app", region: "us-east-1" }; }, stacks() {} };\n`,
    );
  });
  after(() => fs.rmSync(app, { recursive: true, force: true }));

  it("set / get / list / remove with no server running (in-process cloud on the stage's state)", async () => {
    let r = await sst(["secrets", "set", "STRIPE_KEY", "sk_test_1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✔ {2}Set "STRIPE_KEY"/);
    assert.match(r.stdout, /next cold start/);
    assert.ok(fs.existsSync(path.join(app, ".sst/local/t")), "state lives in .sst/local/<stage>");

    r = await sst(["secrets", "get", "STRIPE_KEY"]);
    assert.equal(r.stdout.trim(), "sk_test_1");

    r = await sst(["secrets", "set", "STRIPE_KEY", "fallback-value", "--fallback"]);
    assert.equal(r.code, 0, r.stderr);
    await sst(["secrets", "set", "ONLY_FALLBACK", "fb", "--fallback"]);
    r = await sst(["secrets", "get", "STRIPE_KEY", "--fallback"]);
    assert.equal(r.stdout.trim(), "fallback-value");

    r = await sst(["secrets", "list", "--format", "json"]);
    assert.deepEqual(JSON.parse(r.stdout), { ONLY_FALLBACK: "fb", STRIPE_KEY: "sk_test_1" });
    r = await sst(["secrets", "list"]);
    assert.match(r.stdout, /│ ONLY_FALLBACK │ fb \(fallback\) │/);
    r = await sst(["secrets", "list", "env"]);
    assert.equal(r.stdout, "ONLY_FALLBACK=fb\nSTRIPE_KEY=sk_test_1\n");

    r = await sst(["secrets", "remove", "ONLY_FALLBACK", "--fallback"]);
    assert.equal(r.code, 0);
    r = await sst(["secrets", "get", "ONLY_FALLBACK", "--fallback"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ONLY_FALLBACK is not set/);
  });

  it("load reads a dotenv file; long values go to the Advanced tier", async () => {
    const big = "x".repeat(5000);
    fs.writeFileSync(path.join(app, ".env.secrets"), `# comment\nA_KEY=one\nexport B_KEY="two words"\nBIG=${big}\n`);
    const r = await sst(["secrets", "load", ".env.secrets"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Loaded 3 secrets/);
    assert.equal((await sst(["secrets", "get", "B_KEY"])).stdout.trim(), "two words");
    assert.equal((await sst(["secrets", "get", "BIG"])).stdout.trim(), big);
  });

  it("rejects bad secret names and missing files", async () => {
    let r = await sst(["secrets", "set", "bad/name", "v"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid secret name "bad\/name"/);
    r = await sst(["secrets", "load", "nope.env"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot read "nope.env"/);
  });

  it("bind runs a command with the app's environment and passes its exit code through", async () => {
    const script = `const e=process.env;console.log(JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k])=>/^(SST|AWS)_/.test(k)))));` +
      `const r=await fetch(e.AWS_ENDPOINT_URL).catch(()=>null);console.log(r?"reachable":"down");process.exit(7)`;
    const r = await sst(["bind", "--", process.execPath, "--input-type=module", "-e", script]);
    assert.equal(r.code, 7, r.stderr);
    const [json, reach] = r.stdout.trim().split("\n");
    const env = JSON.parse(json);
    assert.equal(env.SST_APP, "cli-app");
    assert.equal(env.SST_STAGE, "t");
    assert.equal(env.SST_SSM_PREFIX, "/sst/cli-app/t/");
    assert.equal(env.SST_Secret_value_STRIPE_KEY, "sk_test_1");
    assert.equal(env.SST_Secret_value_A_KEY, "one");
    assert.equal(env.AWS_ACCESS_KEY_ID, "test");
    assert.equal(env.AWS_SECRET_ACCESS_KEY, "test");
    assert.equal(env.AWS_REGION, "us-east-1");
    assert.match(env.AWS_ENDPOINT_URL, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(reach, "reachable", "the in-process cloud stays up while the command runs");
  });

  it("bind accepts a single shell command line", async () => {
    const r = await sst(["bind", `echo "$SST_APP/$SST_STAGE"; exit 3`]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout.trim(), "cli-app/t");
  });

  it("uses a running server named by server.json, which hears ssm:changed", async () => {
    const stateDir = path.join(app, ".sst/local/t");
    const cloud = await LocalCloud.start({ dir: stateDir, port: 0 });
    const changed: string[] = [];
    cloud.events.on("ssm:changed", (e: { name: string }) => changed.push(e.name));
    writeServerInfo(stateDir, { pid: process.pid, port: cloud.port, endpoint: cloud.endpoint });
    try {
      const r = await sst(["secrets", "set", "LIVE", "v1"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "➜  Target: local cloud .sst/local/t (no AWS credentials found)\n", "the target line, and no SDK noise");
      assert.deepEqual(changed, ["/sst/cli-app/t/Secret/LIVE/value"]);
      const b = await sst(["bind", "--", process.execPath, "-e", "console.log(process.env.AWS_ENDPOINT_URL, process.env.SST_Secret_value_LIVE)"]);
      assert.equal(b.stdout.trim(), `${cloud.endpoint} v1`);
      // Deploying into a state a server owns is refused.
      const d = await sst(["deploy", "--local"]);
      assert.equal(d.code, 1);
      assert.match(d.stderr, /sst dev is running for stage "t"/);
    } finally {
      removeServerInfo(stateDir);
      await cloud.stop();
    }
  });
});
