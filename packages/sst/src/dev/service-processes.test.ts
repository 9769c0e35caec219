/**
 * Services' dev.command processes: found from the dev metadata the last deploy wrote,
 * run with the placeholder function's environment and role credentials, restarted when
 * what they run with changes, and stopped — with what they started — on stopAll.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ServiceProcesses } from "./service-processes.js";
import { awsTarget, localCloudTarget, localServiceSpecs, type LocalServiceSpec } from "./local-services.js";
import type { Ui } from "../cli/ui.js";
import { isRunning } from "../../../../tests/helpers/process-state.js";

function recordingUi(): Ui & { lines: string[] } {
  const lines: string[] = [];
  const push = (...parts: string[]) => void lines.push(parts.join(" "));
  return { lines, line: push, success: push, error: push, info: push, note: push, debug: () => {} } as any;
}


async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("the specs come from Service dev metadata only, with the placeholder function's environment and role", async () => {
  const prefix = "/sst/app/dev/";
  const params = [
    { Name: `${prefix}Service/Web/site/dev`, Value: JSON.stringify({ path: "web", environment: { MODE: "dev" }, server: "arn:fn:web", service: { command: "npm run dev", directory: "web/src", url: "http://localhost:3000" } }) },
    { Name: `${prefix}Service/Quiet/site/dev`, Value: JSON.stringify({ path: "quiet", environment: {}, server: "arn:fn:quiet" }) },
    { Name: `${prefix}StaticSite/Site/site/dev`, Value: JSON.stringify({ path: "site", environment: {}, server: "", service: { command: "x", directory: "." } }) },
    { Name: `${prefix}Table/T/tableName`, Value: "t" },
  ];
  const ssm = async (op: string) => (assert.equal(op, "GetParametersByPath"), { Parameters: params });
  const looked: string[] = [];
  const specs = await localServiceSpecs(ssm, { ssmPrefix: prefix, appRoot: "/apps/a" }, localCloudTarget({ endpoint: "http://127.0.0.1:4570", region: "us-east-1" }), async (config, arn) => {
    looked.push(arn);
    assert.equal(config.endpoint, "http://127.0.0.1:4570");
    return { environment: { SST_APP: "app", SST_Table_tableName_T: "t", MODE: "function" }, credentials: { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "tok" } };
  });
  assert.deepEqual(looked, ["arn:fn:web"]);
  assert.equal(specs.length, 1);
  const [web] = specs;
  assert.equal(web.id, "Web");
  assert.equal(web.directory, "/apps/a/web/src");
  assert.equal(web.url, "http://localhost:3000");
  assert.deepEqual(web.environment, {
    SST_APP: "app", SST_Table_tableName_T: "t", MODE: "dev",
    AWS_ENDPOINT_URL: "http://127.0.0.1:4570", AWS_REGION: "us-east-1", AWS_DEFAULT_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "ASIA1", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "tok", SST_TARGET: "local",
  });
  assert.doesNotMatch(web.fingerprint, /ASIA1/, "new credentials alone do not restart the process");
});

test("on AWS the process gets the role's credentials and the region, and no local endpoint", () => {
  const target = awsTarget({ region: "eu-west-1", credentials: async () => ({ accessKeyId: "AKIA", secretAccessKey: "x" }) });
  assert.deepEqual(target.childEnvironment({ accessKeyId: "ASIA2", secretAccessKey: "s2", sessionToken: "t2" }), {
    AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "ASIA2", AWS_SECRET_ACCESS_KEY: "s2", AWS_SESSION_TOKEN: "t2", SST_TARGET: "aws",
  });
});

test("processes start, restart when their spec changes, and stop with their children", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-service-procs-"));
  const pidFile = (n: string) => path.join(dir, `${n}.pid`);
  // The command starts a grandchild (as `npm run dev` does) that records its pid and the value it got.
  fs.writeFileSync(path.join(dir, "server.mjs"), `import fs from "node:fs";
fs.writeFileSync(process.argv[2], process.pid + " " + process.env.GREETING);
console.log("listening " + process.env.GREETING);
setInterval(() => {}, 1000);
`);
  const spec = (greeting: string, name: string): LocalServiceSpec => ({
    id: "Web",
    command: `"${process.execPath}" server.mjs ${name}.pid; echo never`,
    directory: dir,
    environment: { GREETING: greeting },
    fingerprint: greeting,
  });
  const ui = recordingUi();
  const procs = new ServiceProcesses(ui);
  try {
    await procs.sync([spec("hello", "a")]);
    await until(() => fs.existsSync(pidFile("a")) && fs.readFileSync(pidFile("a"), "utf8").includes(" "), "first start");
    const [firstPid, value] = fs.readFileSync(pidFile("a"), "utf8").split(" ");
    assert.equal(value, "hello");
    await until(() => ui.lines.some((l) => l === "|  Web listening hello"), "output forwarded");

    // Same spec: left running.
    await procs.sync([spec("hello", "a")]);
    assert.ok(isRunning(Number(firstPid)));

    // New environment: restarted.
    await procs.sync([spec("bonjour", "b")]);
    await until(() => fs.existsSync(pidFile("b")) && fs.readFileSync(pidFile("b"), "utf8").includes(" "), "restart");
    await until(() => !isRunning(Number(firstPid)), "old grandchild stopped");
    assert.equal(fs.readFileSync(pidFile("b"), "utf8").split(" ")[1], "bonjour");
    const secondPid = Number(fs.readFileSync(pidFile("b"), "utf8").split(" ")[0]);

    await procs.stopAll();
    await until(() => !isRunning(secondPid), "stopped on stopAll");
    assert.deepEqual(procs.pids, {});
  } finally {
    await procs.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a command that exits is reported once, and started again by the next sync", async () => {
  const ui = recordingUi();
  const procs = new ServiceProcesses(ui);
  const spec: LocalServiceSpec = { id: "Api", command: "exit 4", directory: os.tmpdir(), environment: {}, fingerprint: "x" };
  try {
    await procs.sync([spec]);
    await until(() => ui.lines.some((l) => /Service "Api": dev\.command "exit 4" exited with code 4/.test(l)), "exit reported");
    assert.deepEqual(procs.pids, {});
    await procs.sync([spec]);
    assert.ok(procs.pids.Api > 0);
  } finally {
    await procs.stopAll();
  }
});
