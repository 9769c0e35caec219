import { test, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { LambdaRuntime, type FunctionDefinition } from "./runtime.js";
import { functionMaker, runtimeUnderTest } from "./test-functions.js";

const { root, events, cloud, runtime } = runtimeUnderTest("lambda-runtime-");

/** Writes handler files into a fresh code dir and returns a definition for them. */
const fn = functionMaker(root, "fn", { environment: { GREETING: "hi" } });

const json = (b: Buffer) => JSON.parse(b.toString());

test("async handler gets the event, context and environment", async () => {
  const def = fn({
    "index.mjs": `export const handler = async (event, context) => ({
      event, name: context.functionName, mem: context.memoryLimitInMB, arn: context.invokedFunctionArn,
      id: context.awsRequestId, remaining: context.getRemainingTimeInMillis(), group: context.logGroupName,
      stream: context.logStreamName,
      env: { g: process.env.GREETING, r: process.env.AWS_REGION, h: process.env._HANDLER, e: process.env.AWS_ENDPOINT_URL,
        k: process.env.AWS_ACCESS_KEY_ID, t: process.env.AWS_SESSION_TOKEN, x: process.env.AWS_EXECUTION_ENV,
        s: process.env.AWS_LAMBDA_LOG_STREAM_NAME, root: process.env.LAMBDA_TASK_ROOT }, cwd: process.cwd() });`,
  });
  const r = await runtime.invoke(def, JSON.stringify({ a: 1 }), { requestId: "req-1" });
  assert.equal(r.status, "success");
  const out = json(r.payload);
  assert.deepEqual(out.event, { a: 1 });
  assert.equal(out.name, def.functionName);
  assert.equal(out.mem, "128");
  assert.equal(out.id, "req-1");
  // Counted from the handler's start (3 s timeout): well above zero even on a loaded machine.
  assert.ok(out.remaining > 1000 && out.remaining <= 3000, `remaining ${out.remaining}`);
  assert.equal(out.group, `/aws/lambda/${def.functionName}`);
  assert.match(out.stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(out.env.s, out.stream);
  assert.equal(out.cwd, def.codeDir);
  assert.deepEqual(
    { ...out.env, s: undefined },
    { g: "hi", r: "us-east-1", h: "index.handler", e: "http://127.0.0.1:9", k: "ASIA3", t: "tok-my-role", x: "AWS_Lambda_nodejs20.x", s: undefined, root: def.codeDir },
  );
  // The server's own environment is not leaked into or changed by the worker.
  assert.equal(process.env.GREETING, undefined);
});

test("callback handlers, legacy context.succeed and nested export paths in CommonJS", async () => {
  const def = fn({
    "src/cb.js": `exports.deep = { inner: { handler: (event, context, callback) => setTimeout(() => callback(null, { got: event.x }), 5) } };
                  exports.legacy = (event, context) => { context.succeed("ok:" + event.x); };
                  exports.fails = (event, context, cb) => cb(new TypeError("bad input"));`,
  });
  const cb = await runtime.invoke({ ...def, handler: "src/cb.deep.inner.handler" }, `{"x":7}`);
  assert.deepEqual(json(cb.payload), { got: 7 });
  const legacy = await runtime.invoke({ ...def, handler: "src/cb.legacy", revisionId: "r2" }, `{"x":8}`);
  assert.equal(json(legacy.payload), "ok:8");
  const fails = await runtime.invoke({ ...def, handler: "src/cb.fails", revisionId: "r3" }, `{}`);
  assert.equal(fails.status, "error");
  assert.equal(json(fails.payload).errorType, "TypeError");
  assert.equal(json(fails.payload).errorMessage, "bad input");
});

test("callbacks wait for an empty event loop unless told not to; a sync return value is not an answer", async () => {
  const def = fn({
    "index.js": `exports.waits = (e, ctx, cb) => { setTimeout(() => {}, 1500); cb(null, "waited"); };
                 exports.nowait = (e, ctx, cb) => { ctx.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 1500); cb(null, "now"); };
                 exports.sync = (e) => 42;`,
  });
  let t = Date.now();
  const waited = await runtime.invoke({ ...def, handler: "index.waits" }, "{}");
  assert.equal(json(waited.payload), "waited");
  assert.ok(Date.now() - t >= 1450, "the answer waited for the pending timer");
  // The earlier timer has fired by now; this one returns before its own timer does.
  t = Date.now();
  const now = await runtime.invoke({ ...def, handler: "index.nowait", revisionId: "r2" }, "{}");
  assert.equal(json(now.payload), "now");
  // Well under its 1.5 s timer, with room for a busy machine.
  assert.ok(Date.now() - t < 1200);
  const sync = await runtime.invoke({ ...def, handler: "index.sync", revisionId: "r3" }, "{}");
  assert.equal(json(sync.payload), null);
});

test("a thrown error becomes the runtime's error document and is logged", async () => {
  const def = fn({ "index.js": `exports.handler = async () => { class NotFound extends Error { name = "NotFound" }; throw new NotFound("no such user"); };` });
  const r = await runtime.invoke(def, "{}");
  assert.equal(r.status, "error");
  const doc = json(r.payload);
  assert.equal(doc.errorType, "NotFound");
  assert.equal(doc.errorMessage, "no such user");
  assert.ok(Array.isArray(doc.trace) && doc.trace[0].startsWith("NotFound: no such user"));
  assert.match(r.logText, /\tERROR\tInvoke Error \t\{"errorType":"NotFound"/);
});

test("console output is captured line by line in the Node runtime's format with START/END/REPORT", async () => {
  const def = fn({ "index.mjs": `export const handler = async () => { console.log("hello %s", "world"); console.warn({ a: 1 }); process.stdout.write("raw line\\n"); return 1; };` });
  const seen: string[] = [];
  const onLog = (e: any) => e.functionName === def.functionName && seen.push(e.line);
  events.on("lambda:log", onLog);
  const r = await runtime.invoke(def, "{}", { requestId: "rid-9" });
  events.off("lambda:log", onLog);
  const lines = r.logText.trimEnd().split("\n");
  assert.equal(lines[0], "START RequestId: rid-9 Version: $LATEST");
  assert.match(lines[1], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\trid-9\tINFO\thello world$/);
  assert.match(lines[2], /\trid-9\tWARN\t\{ a: 1 \}$/);
  assert.equal(lines[3], "raw line");
  assert.equal(lines[4], "END RequestId: rid-9");
  assert.match(lines[5], /^REPORT RequestId: rid-9\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms$/);
  assert.deepEqual(seen, lines);
});

test("a handler past its timeout is terminated and reported as Sandbox.Timedout", async () => {
  const def = fn({ "index.mjs": `export const handler = () => new Promise(() => { setInterval(() => {}, 1000); });` }, { timeoutSeconds: 1 });
  const ends: any[] = [];
  const onEnd = (e: any) => e.functionName === def.functionName && ends.push(e);
  events.on("lambda:end", onEnd);
  const started = Date.now();
  const r = await runtime.invoke(def, "{}", { requestId: "slow-1" });
  events.off("lambda:end", onEnd);
  assert.ok(Date.now() - started < 2500);
  assert.equal(r.status, "timeout");
  assert.deepEqual(json(r.payload), { errorType: "Sandbox.Timedout", errorMessage: "RequestId: slow-1 Error: Task timed out after 1.00 seconds" });
  assert.match(r.logText, /Z slow-1 Task timed out after 1\.00 seconds\n/);
  assert.equal(ends[0].status, "timeout");
  assert.equal(ends[0].error.errorType, "Sandbox.Timedout");
  assert.equal(runtime.workerCount(def.functionName), 0);
});

test("a CPU-bound handler is stopped at its timeout too", async () => {
  const def = fn({ "index.mjs": `export const handler = () => { for (;;) {} };` }, { timeoutSeconds: 1 });
  const r = await runtime.invoke(def, "{}");
  assert.equal(r.status, "timeout");
  const after = await runtime.invoke({ ...def, handler: "index.handler" }, "{}").catch((e) => e);
  assert.equal(after.status, "timeout"); // a fresh worker, same fate; the server is unharmed
});

test("warm workers keep module state; init runs once", async () => {
  const def = fn({ "index.mjs": `let count = 0; const loadedAt = Math.random(); export const handler = async () => ({ count: ++count, loadedAt });` });
  const a = await runtime.invoke(def, "{}");
  const b = await runtime.invoke(def, "{}");
  assert.equal(a.coldStart, true);
  assert.equal(b.coldStart, false);
  assert.equal(json(b.payload).count, 2);
  assert.equal(json(a.payload).loadedAt, json(b.payload).loadedAt);
  assert.doesNotMatch(b.logText, /Init Duration/);
  runtime.recycle(def.functionName);
  const c = await runtime.invoke(def, "{}");
  assert.equal(json(c.payload).count, 1);
  assert.equal(c.coldStart, true);
});

test("prewarm: after a code change the next invocation finds a warm worker on the new code, never the old one", async () => {
  // Like sst dev: a resolver names the current build; "rebuilding" changes its version.
  const def = fn({ "index.mjs": `export const handler = async () => "deployed";` });
  const dir = join(root, `${def.functionName}-builds`);
  mkdirSync(dir, { recursive: true });
  let current = { file: "", exportName: "handler", version: "" };
  const build = (v: string, body: string) => {
    const file = join(dir, `${v}.mjs`);
    // The init phase is slow on purpose (200 ms) and logs, so pre-warming is visible.
    writeFileSync(file, `console.log("init ${v}"); await new Promise(r => setTimeout(r, 200)); const loadedAt = Date.now(); export const handler = async () => ({ v: ${JSON.stringify(body)}, loadedAt });`);
    current = { file, exportName: "handler", version: v };
  };
  const rt = new LambdaRuntime(cloud, { maxConcurrency: 3 });
  after(() => rt.close());
  rt.setCodeResolver(async (f) => (f.functionName === def.functionName ? current : undefined));

  // Never invoked: nothing is known to pre-warm.
  build("v1", "one");
  assert.equal(await rt.prewarm(def.functionName), false);
  const a = await rt.invoke(def, "{}");
  assert.equal(json(a.payload).v, "one");
  assert.match(a.logText, /Init Duration/);
  // Still on the same code: the warm worker suffices, no second one starts.
  assert.equal(await rt.prewarm(def.functionName), false);
  assert.equal(rt.workerCount(def.functionName), 1);

  build("v2", "two");
  const t0 = Date.now();
  assert.equal(await rt.prewarm(def.functionName), true);
  // The old warm worker is gone at once: it can never answer with the old code.
  assert.equal(rt.workerCount(def.functionName), 1);
  // Time for the pre-warm's spawn and init: what the cold start above took on this machine
  // right now, with room to spare (a loaded machine stretches both alike).
  await new Promise((r) => setTimeout(r, Math.max(600, 3 * (a.coldStartMs ?? 0))));
  const requestedAt = Date.now();
  const b = await rt.invoke(def, "{}");
  const out = json(b.payload);
  assert.equal(out.v, "two");
  // Loaded before the request came, during the pre-warm: no init on the request's path.
  assert.ok(out.loadedAt < requestedAt, `module loaded ${out.loadedAt - t0} ms after the pre-warm began, the request came at ${requestedAt - t0} ms`);
  assert.doesNotMatch(b.logText, /Init Duration/);
  assert.equal(b.coldStart, false);
  // What the module logged while pre-warming reaches the first invocation's log.
  assert.match(b.logText, /init v2/);
  assert.ok(b.durationMs < 1000, `warm invocation took ${b.durationMs} ms`);

  // A request arriving while the pre-warm init still runs waits for that worker (no second spawn) and reports the init.
  build("v3", "three");
  await rt.prewarm(def.functionName);
  const c = await rt.invoke(def, "{}");
  assert.equal(json(c.payload).v, "three");
  assert.equal(rt.workerCount(def.functionName), 1);
  assert.match(c.logText, /Init Duration/);

  // A recycle (e.g. a secret changed) forgets the definition: nothing to pre-warm until invoked again.
  rt.recycle(def.functionName);
  assert.equal(await rt.prewarm(def.functionName), false);
});

test("hot reload keeps a standby worker: the next version's init skips spawn and the SDK import, in a fresh environment", async () => {
  const def = fn({ "index.mjs": `export const handler = async () => "deployed";` });
  const dir = join(root, `${def.functionName}-builds`);
  mkdirSync(dir, { recursive: true });
  let current: { file: string; exportName: string; version: string; preload?: string } = { file: "", exportName: "handler", version: "" };
  // Like sst dev's builds: beside each bundle, a module of the SDK packages it imports.
  const preload = join(dir, "sdk-preload.mjs");
  writeFileSync(preload, `import "@aws-sdk/client-dynamodb";\n`);
  const build = (v: string) => {
    const file = join(dir, `${v}.mjs`);
    // Times the SDK import inside the module's init; marks the global scope so a reused environment would show.
    writeFileSync(file, `const t0 = performance.now();
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
      const sdkMs = performance.now() - t0;
      const sawOldCode = globalThis.__ranVersion;
      globalThis.__ranVersion = ${JSON.stringify(v)};
      const evaluatedAt = performance.now();
      export const handler = async () => ({ v: ${JSON.stringify(v)}, sdkMs, sawOldCode: sawOldCode ?? null, evaluatedAt, client: typeof DynamoDBClient });`);
    current = { file, exportName: "handler", version: v, preload };
  };
  const rt = new LambdaRuntime(cloud, { maxConcurrency: 3 });
  after(() => rt.close());
  rt.setCodeResolver(async (f) => (f.functionName === def.functionName ? current : undefined));

  // The first worker loads the SDK itself.
  build("v1");
  const fresh = json((await rt.invoke(def, "{}")).payload);
  assert.equal(fresh.client, "function");
  // A function run from source gets a standby after its invocation (not counted as a worker: it serves nothing).
  assert.equal(rt.workerCount(def.functionName), 1);
  // The standby spawns 100 ms after the invocation and loads the SDK; a busy machine may take a while.
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // Then time for its SDK preload (what the fresh import took on this machine right now,
  // twice over), which also shows "spawned ahead" in when the code was evaluated.
  await new Promise((r) => setTimeout(r, Math.max(600, 2 * fresh.sdkMs)));
  assert.equal(rt.hasStandby(def.functionName), true);

  build("v2");
  assert.equal(await rt.prewarm(def.functionName), true);
  const r = await rt.invoke(def, "{}");
  const adopted = json(r.payload);
  assert.equal(adopted.v, "v2");
  assert.equal(adopted.sawOldCode, null, "the standby never ran the old code");
  // Its worker existed long before its code was evaluated: it was spawned ahead.
  assert.ok(adopted.evaluatedAt > 500, `code evaluated ${adopted.evaluatedAt} ms after the worker started`);
  // The SDK was loaded already: its import in the new code is a module-cache hit.
  assert.ok(adopted.sdkMs < fresh.sdkMs / 2, `SDK import took ${adopted.sdkMs} ms in the standby, ${fresh.sdkMs} ms fresh`);
  assert.equal(rt.workerCount(def.functionName), 1, "the old version's worker is gone");

  // A request that comes before any pre-warm (the code changed under it) takes the next standby too.
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // Then some idle time, so "spawned ahead" shows in when the code was evaluated.
  await new Promise((r) => setTimeout(r, 600));
  build("v3");
  const direct = json((await rt.invoke(def, "{}")).payload);
  assert.equal(direct.v, "v3");
  assert.equal(direct.sawOldCode, null);
  assert.ok(direct.evaluatedAt > 500, `code evaluated ${direct.evaluatedAt} ms after the worker started`);

  // A recycle (e.g. a secret changed: new environment) drops the standby; the next rebuild spawns fresh and still works.
  rt.recycle(def.functionName);
  await rt.invoke(def, "{}");
  build("v4");
  await rt.prewarm(def.functionName);
  assert.equal(json((await rt.invoke(def, "{}")).payload).v, "v4");
});

test("only the functions run from source invoked last keep a standby", async () => {
  const rt = new LambdaRuntime(cloud, { maxConcurrency: 2, maxStandbyFunctions: 1 });
  after(() => rt.close());
  const a = fn({ "index.mjs": `export const handler = async () => "a";` });
  const b = fn({ "index.mjs": `export const handler = async () => "b";` });
  const zip = fn({ "index.mjs": `export const handler = async () => "zip";` });
  rt.setCodeResolver(async (f) => (f.functionName === zip.functionName ? undefined : { file: join(root, f.functionName, "index.mjs"), exportName: "handler", version: "1" }));
  const settle = () => new Promise((r) => setTimeout(r, 500));
  await rt.invoke(a, "{}");
  await rt.invoke(zip, "{}");
  await settle();
  assert.equal(rt.hasStandby(a.functionName), true);
  assert.equal(rt.hasStandby(zip.functionName), false, "deployed code never gets one");
  await rt.invoke(b, "{}");
  await settle();
  assert.equal(rt.hasStandby(b.functionName), true);
  assert.equal(rt.hasStandby(a.functionName), false, "over the cap, the least recently invoked function gives its standby up");
  rt.recycle(b.functionName);
  assert.equal(rt.hasStandby(b.functionName), false, "recycle ends the standby too");
});

test("a function under load keeps no standby; the invocation after the load spawns one", async () => {
  const rt = new LambdaRuntime(cloud, { maxConcurrency: 2 });
  after(() => rt.close());
  const def = fn({ "index.mjs": `export const handler = async () => "quick";` });
  rt.setCodeResolver(async (f) => ({ file: join(root, f.functionName, "index.mjs"), exportName: "handler", version: "1" }));
  await rt.invoke(def, "{}");
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.equal(rt.hasStandby(def.functionName), true, "one invocation: a standby for the next build");
  // A load: a few hundred invocations, 16 at a time, for at least 300 ms.
  const started = performance.now();
  while (performance.now() - started < 300) await Promise.all(Array.from({ length: 16 }, () => rt.invoke(def, "{}")));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(rt.hasStandby(def.functionName), false, "the standby went during the load, and no new one came after it");
  // The load is over (past its hold time); the next single invocation brings the standby back.
  await new Promise((r) => setTimeout(r, 1000));
  await rt.invoke(def, "{}");
  for (let waited = 0; !rt.hasStandby(def.functionName) && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  assert.equal(rt.hasStandby(def.functionName), true);
});

test("concurrent short invocations use more environments, capped, the rest queue", async () => {
  const def = fn({ "index.mjs": `export const handler = async () => { await new Promise(r => setTimeout(r, 20)); return process.pid; };` });
  const results = await Promise.all(Array.from({ length: 6 }, () => runtime.invoke(def, "{}")));
  assert.ok(results.every((r) => r.status === "success"));
  const threads = new Set(results.map((r) => json(r.payload)));
  assert.equal(threads.size, 3); // the cap in this test
  assert.equal(runtime.workerCount(def.functionName), 3);
});

test("long invocations scale out past the per-core cap, as Lambda would: none waits for another", async () => {
  // On idle cores (a loaded test machine would say otherwise: see the test below).
  const runtime = new LambdaRuntime(cloud, { maxConcurrency: 3, coresBusy: () => false });
  after(() => runtime.close());
  const def = fn({ "index.mjs": `export const handler = async () => { const start = Date.now(); await new Promise(r => setTimeout(r, 2000)); return { pid: process.pid, start, end: Date.now() }; };` });
  const results = await Promise.all(Array.from({ length: 6 }, () => runtime.invoke(def, "{}")));
  assert.ok(results.every((r) => r.status === "success"));
  const runs = results.map((r) => json(r.payload) as { pid: number; start: number; end: number });
  assert.equal(new Set(runs.map((r) => r.pid)).size, 6);
  // All six ran at one moment: the latest start comes before the earliest end.
  assert.ok(Math.max(...runs.map((r) => r.start)) < Math.min(...runs.map((r) => r.end)), JSON.stringify(runs));
});

test("long invocations while the local cloud's own event loop is busy stay at the per-core cap: they wait on it", async () => {
  // The default signal: whatever the machine's load, this process's loop is busy.
  const def = fn({ "index.mjs": `export const handler = async () => { await new Promise(r => setTimeout(r, 400)); return process.pid; };` });
  // The local cloud busy serving (here: 20 ms of work every 25 ms, 80 % of the loop).
  const spin = setInterval(() => {
    const until = performance.now() + 20;
    while (performance.now() < until);
  }, 25);
  try {
    await new Promise((r) => setTimeout(r, 400));
    // Timed once: the function is long.
    await runtime.invoke(def, "{}");
    const results = await Promise.all(Array.from({ length: 6 }, () => runtime.invoke(def, "{}")));
    assert.ok(results.every((r) => r.status === "success"));
    assert.equal(new Set(results.map((r) => json(r.payload))).size, 3, "the cap in this test");
  } finally {
    clearInterval(spin);
  }
});

test("process.exit and unhandled rejections end only the worker", async () => {
  const def = fn({
    "index.mjs": `export const exit = async () => { process.exit(3); };
                  export const reject = async () => { Promise.reject(new RangeError("late")); await new Promise(r => setTimeout(r, 200)); return "unreached"; };
                  export const ok = async () => "fine";`,
  });
  const exit = await runtime.invoke({ ...def, handler: "index.exit" }, "{}", { requestId: "ex-1" });
  assert.equal(exit.status, "error");
  assert.deepEqual(json(exit.payload), { errorType: "Runtime.ExitError", errorMessage: "RequestId: ex-1 Error: Runtime exited with error: exit status 3" });
  const rejected = await runtime.invoke({ ...def, handler: "index.reject", revisionId: "r2" }, "{}");
  assert.equal(json(rejected.payload).errorType, "RangeError");
  const ok = await runtime.invoke({ ...def, handler: "index.ok", revisionId: "r3" }, "{}");
  assert.equal(json(ok.payload), "fine");
});

test("missing module, missing export and a bad handler string map to the runtime's errors", async () => {
  const def = fn({ "index.mjs": `export const other = 1;` });
  const noModule = await runtime.invoke({ ...def, handler: "missing.handler" }, "{}");
  assert.equal(json(noModule.payload).errorType, "Runtime.ImportModuleError");
  assert.match(json(noModule.payload).errorMessage, /Cannot find module 'missing'/);
  const noExport = await runtime.invoke({ ...def, revisionId: "r2" }, "{}");
  assert.deepEqual(json(noExport.payload), { errorType: "Runtime.HandlerNotFound", errorMessage: "index.handler is undefined or not exported", trace: [] });
  const bad = await runtime.invoke({ ...def, handler: "index", revisionId: "r3" }, "{}");
  assert.equal(json(bad.payload).errorType, "Runtime.MalformedHandlerName");
});

test("code can import the AWS SDK without bundling it", async () => {
  const def = fn({
    "index.mjs": `import { STSClient } from "@aws-sdk/client-sts"; import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      export const handler = async () => [typeof STSClient, typeof require("@aws-sdk/client-sqs").SQSClient];`,
  });
  const r = await runtime.invoke(def, "{}");
  assert.deepEqual(json(r.payload), ["function", "function"]);
});

test("runtimes the local cloud does not run are refused with a clear error", async () => {
  const def = fn({ "index.rb": "def handler(event:, context:) = 1\n" }, { runtime: "ruby3.3" });
  await assert.rejects(runtime.invoke(def, "{}"), (e: any) => e.code === "InvalidRuntimeException" && /ruby3\.3 .*Node\.js .*Python 3 or a custom runtime/.test(e.message));
});

test("a code resolver (sst dev) takes over, and a new version hot-reloads on the next invocation", async () => {
  const def = fn({ "index.mjs": `export const handler = async () => "deployed " + process.env.IS_LOCAL;` });
  const src = join(root, "dev-src.mjs");
  let version = "v1";
  writeFileSync(src, `export const main = async () => "dev v1 " + process.env.IS_LOCAL;`);
  runtime.setCodeResolver(async (f) => (f.functionName === def.functionName ? { file: src, exportName: "main", version } : undefined));
  try {
    // Code run from source is told so, as SST v2's dev mode told every runtime.
    assert.equal(json((await runtime.invoke(def, "{}")).payload), "dev v1 true");
    const src2 = join(root, "dev-src-2.mjs"); // a rebuild writes new output
    writeFileSync(src2, `export const main = async () => "dev v2";`);
    version = "v2";
    runtime.setCodeResolver(async (f) => (f.functionName === def.functionName ? { file: src2, exportName: "main", version } : undefined));
    assert.equal(json((await runtime.invoke(def, "{}")).payload), "dev v2");
  } finally {
    runtime.setCodeResolver(undefined);
  }
  assert.equal(json((await runtime.invoke(def, "{}")).payload), "deployed undefined");
});

test("cold start and warm invoke latency", async () => {
  const def = fn({ "index.mjs": `export const handler = async (e) => e;` });
  const t0 = performance.now();
  const cold = await runtime.invoke(def, "{}");
  const coldMs = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await runtime.invoke(def, `{"i":${i}}`);
    warm.push(performance.now() - t);
  }
  warm.sort((a, b) => a - b);
  const median = warm[10];
  console.log(`cold invoke ${coldMs.toFixed(1)} ms (spawn+init ${cold.coldStartMs?.toFixed(1)} ms), warm median ${median.toFixed(2)} ms`);
  assert.ok(coldMs < 3000);
  assert.ok(median < 50);
});

test("closing the runtime ends running invocations at once", async () => {
  const own = new LambdaRuntime(cloud);
  const def = fn({ "index.mjs": `export const handler = () => new Promise((r) => setTimeout(r, 60_000));` }, { timeoutSeconds: 120 });
  const running = own.invoke(def, "{}");
  await new Promise((r) => setTimeout(r, 300));
  const t = Date.now();
  own.close();
  const r = await running;
  assert.ok(Date.now() - t < 1000);
  assert.equal(r.status, "error");
  assert.equal(r.error?.errorType, "Runtime.ExitError");
});
