/**
 * An execution environment is a sandbox: whatever the handler does to its own process
 * (kill it, exit, spin, allocate past its memory size, read its environment) stays in
 * that process, is reported with Lambda's error, and leaves the local cloud serving.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaRuntime, type FunctionDefinition } from "./runtime.js";
import type { LambdaCloud } from "./cloud-deps.js";
import { hardMemoryLimit } from "./sandbox-limits.js";
import { functionMaker } from "./test-functions.js";

const root = mkdtempSync(join(tmpdir(), "lambda-isolation-"));
const cloud = {
  region: "us-east-1",
  accountId: "000000000000",
  endpoint: "http://127.0.0.1:9",
  events: new EventEmitter(),
  iam: { call: async () => ({}), issueSessionCredentials: () => ({ AccessKeyId: "ASIAROLEKEY", SecretAccessKey: "role-secret", SessionToken: "role-token" }) },
} as unknown as LambdaCloud;
const runtime = new LambdaRuntime(cloud, { maxConcurrency: 2 });
after(() => {
  runtime.close();
  rmSync(root, { recursive: true, force: true });
});

const make = functionMaker(root, "iso", { timeoutSeconds: 10, role: "arn:aws:iam::000000000000:role/fn-role", environment: { OWN_SETTING: "mine" } });
const fn = (source: string, over: Partial<FunctionDefinition> = {}) => make({ "index.mjs": source }, over);

const json = (b: Buffer) => JSON.parse(b.toString());

test("a handler that kills its own process fails its invocation with Lambda's error; the next one runs", async () => {
  const def = fn(`let calls = 0;
    export const handler = async (event) => { if (event.die) process.kill(process.pid, "SIGKILL"); return { pid: process.pid, calls: ++calls }; };`);
  const before = json((await runtime.invoke(def, "{}")).payload);
  const killed = await runtime.invoke(def, `{"die":true}`, { requestId: "kill-1" });
  assert.equal(killed.status, "error");
  assert.deepEqual(json(killed.payload), { errorType: "Runtime.ExitError", errorMessage: "RequestId: kill-1 Error: Runtime exited with error: signal: killed" });
  assert.match(killed.logText, /RequestId: kill-1 Error: Runtime exited with error: signal: killed/);
  const next = json((await runtime.invoke(def, "{}")).payload);
  assert.notEqual(next.pid, before.pid, "a fresh environment");
  assert.equal(next.calls, 1);
  assert.notEqual(next.pid, process.pid);
});

test("memory past the function's memory size, off the heap (Buffers), ends the environment as Lambda's OOM does", async () => {
  const def = fn(`export const handler = async (event) => {
      if (event.huge) { const b = Buffer.alloc(1536 * 1024 * 1024); return b.length; }
      if (event.held) { globalThis.held = Buffer.alloc(300 * 1024 * 1024, 1); return "held"; }
      return "small";
    };`);
  const huge = await runtime.invoke(def, `{"huge":true}`, { requestId: "oom-1" });
  assert.equal(huge.status, "error");
  assert.deepEqual(json(huge.payload), { errorType: "Runtime.OutOfMemory", errorMessage: "RequestId: oom-1 Error: Runtime exited with error: signal: killed" });
  assert.match(huge.logText, /REPORT RequestId: oom-1\t.*Memory Size: 128 MB\tMax Memory Used: \d+ MB.*\tStatus: error\tError Type: Runtime\.OutOfMemory/);
  // Held memory (under the address-space cap, over the memory size) is caught when the invocation ends.
  const held = await runtime.invoke(def, `{"held":true}`, { requestId: "oom-2" });
  assert.equal(held.status, "error");
  assert.equal(json(held.payload).errorType, "Runtime.OutOfMemory");
  assert.equal(json((await runtime.invoke(def, "{}")).payload), "small");
  // The host never held that memory.
  assert.ok(process.memoryUsage().rss < 1024 * 1024 * 1024);
});

test("the JavaScript heap is limited to the memory size too", async () => {
  const def = fn(`export const handler = async () => { const keep = []; for (;;) keep.push({ a: Math.random(), b: "x".repeat(64) + Math.random() }); };`);
  const r = await runtime.invoke(def, "{}", { requestId: "heap-1" });
  assert.equal(r.status, "error");
  assert.deepEqual(json(r.payload), { errorType: "Runtime.OutOfMemory", errorMessage: "RequestId: heap-1 Error: Runtime exited with error: signal: killed" });
});

test("a function sees its own environment only: Lambda's variables, its configuration, its role's credentials", async () => {
  process.env.HOST_ONLY_SECRET = "host-value";
  const hostKey = process.env.AWS_ACCESS_KEY_ID;
  process.env.AWS_ACCESS_KEY_ID = "AKIAHOSTREALKEY00000";
  try {
    const def = fn(`import { readFileSync } from "node:fs";
      export const handler = async () => ({
        env: process.env,
        environ: readFileSync("/proc/self/environ", "utf8").split("\\0").filter(Boolean),
      });`);
    const { env, environ } = json((await runtime.invoke(def, "{}")).payload);
    assert.equal(env.HOST_ONLY_SECRET, undefined);
    assert.equal(env.AWS_ACCESS_KEY_ID, "ASIAROLEKEY");
    assert.equal(env.AWS_SECRET_ACCESS_KEY, "role-secret");
    assert.equal(env.AWS_SESSION_TOKEN, "role-token");
    assert.equal(env.OWN_SETTING, "mine");
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, def.functionName);
    assert.equal(env.LAMBDA_TASK_ROOT, def.codeDir);
    assert.ok(!environ.some((v: string) => v.startsWith("HOST_ONLY_SECRET=") || v.includes("AKIAHOSTREALKEY")), environ.join("\n"));
    assert.ok(environ.includes("AWS_ACCESS_KEY_ID=ASIAROLEKEY"));
    // Nothing else of the host's came along.
    const allowed = /^(PATH|LANG|TZ|OWN_SETTING|AWS_[A-Z_]+|LAMBDA_TASK_ROOT|_HANDLER)$/;
    for (const name of Object.keys(env)) assert.match(name, allowed);
  } finally {
    delete process.env.HOST_ONLY_SECRET;
    if (hostKey === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = hostKey;
  }
});

test("a spinning handler cannot starve the local cloud: it runs niced, and is stopped at its timeout", async () => {
  const def = fn(`export const handler = async (event) => { if (event.pid) return process.pid; for (;;) {} };`, { timeoutSeconds: 2 });
  const pid = json((await runtime.invoke(def, `{"pid":true}`)).payload);
  assert.ok(getPriority(pid) > getPriority(process.pid), "the environment runs at a lower priority than the server");
  const spinning = runtime.invoke(def, "{}");
  // Meanwhile the host's event loop keeps its pace.
  let worst = 0;
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await new Promise((r) => setTimeout(r, 20));
    worst = Math.max(worst, performance.now() - t - 20);
  }
  const r = await spinning;
  assert.equal(r.status, "timeout");
  assert.ok(worst < 200, `host timers were late by ${worst.toFixed(0)} ms`);
});

test("process.exit fails only the invocation that called it", async () => {
  const def = fn(`export const handler = async (event) => { if (event.exit) { console.log("bye"); process.exit(7); } await new Promise((r) => setTimeout(r, 100)); return "ok"; };`);
  const [exited, ok] = await Promise.all([runtime.invoke(def, `{"exit":true}`, { requestId: "exit-1" }), runtime.invoke(def, "{}")]);
  assert.deepEqual(json(exited.payload), { errorType: "Runtime.ExitError", errorMessage: "RequestId: exit-1 Error: Runtime exited with error: exit status 7" });
  assert.match(exited.logText, /\tINFO\tbye\n/);
  assert.equal(json(ok.payload), "ok");
});

test("the hard memory limit is in force on this machine", { skip: process.platform !== "linux" }, () => {
  assert.ok(hardMemoryLimit, "util-linux prlimit was not found: only the resident-set check limits memory here");
});

test("invocations queued in a busy environment run one at a time, each with its own timeout, and go elsewhere if it dies first", async () => {
  const single = new LambdaRuntime(cloud, { maxConcurrency: 1 });
  try {
    const def = fn(`let running = 0;
      export const handler = async (event, context) => {
        if (++running > 1) throw new Error("two at once");
        const remaining = context.getRemainingTimeInMillis();
        await new Promise((r) => setTimeout(r, 40));
        running--;
        if (event.exit) process.exit(1);
        return { remaining, pid: process.pid };
      };`, { timeoutSeconds: 1 });
    // Timed once, the function is short (it would scale out past the cap if it took long).
    assert.equal((await single.invoke(def, "{}")).status, "success");
    // Four at once on one environment: each starts when the one before ends, with its full second.
    const results = await Promise.all([0, 1, 2, 3].map(() => single.invoke(def, "{}")));
    for (const r of results) {
      assert.equal(r.status, "success", r.payload.toString());
      assert.ok(json(r.payload).remaining > 900, `a queued invocation started with ${json(r.payload).remaining} ms left`);
    }
    assert.equal(new Set(results.map((r) => json(r.payload).pid)).size, 1);
    // The first one ends the process: the ones queued behind it never started there, and run on a fresh one.
    const [exited, ...rest] = await Promise.all([single.invoke(def, `{"exit":true}`), single.invoke(def, "{}"), single.invoke(def, "{}")]);
    assert.equal(exited.status, "error");
    assert.equal(json(exited.payload).errorType, "Runtime.ExitError");
    for (const r of rest) assert.equal(r.status, "success");
    assert.notEqual(json(rest[0]!.payload).pid, json(results[0]!.payload).pid);
  } finally {
    single.close();
  }
});

test("a slow init does not count against the function's timeout (Lambda limits init to 10 s on its own)", async () => {
  const def = fn(`await new Promise((r) => setTimeout(r, 1500)); export const handler = async (e, context) => context.getRemainingTimeInMillis();`, { timeoutSeconds: 1 });
  const r = await runtime.invoke(def, "{}");
  assert.equal(r.status, "success", r.payload.toString());
  assert.ok(json(r.payload) > 800);
  assert.match(r.logText, /Init Duration: 1[5-9]\d\d\.\d\d ms|Init Duration: [2-9]\d\d\d\.\d\d ms/);
});
