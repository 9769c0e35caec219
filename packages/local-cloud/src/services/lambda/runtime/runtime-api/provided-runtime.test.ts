import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaRuntime } from "../runtime.js";
import { functionMaker, testCloud } from "../test-functions.js";

const root = mkdtempSync(join(tmpdir(), "lambda-provided-"));
const cloud = testCloud(new EventEmitter());
const runtime = new LambdaRuntime(cloud, { maxConcurrency: 2 });
after(() => {
  runtime.close();
  rmSync(root, { recursive: true, force: true });
});

const make = functionMaker(root, "custom", { runtime: "provided.al2023", handler: "my.handler", environment: { GREETING: "hi" } });
/** A function whose package is `bootstrap` (made executable, as in a deployment zip). */
const fn = (bootstrap: string, over = {}) => {
  const def = make({ bootstrap }, over);
  chmodSync(join(def.codeDir, "bootstrap"), 0o755);
  return def;
};
const json = (b: Buffer) => JSON.parse(b.toString());

/**
 * A custom runtime written against the Runtime API with nothing but Node's http (the host's
 * node is first on the function's PATH): the loop every provided.al2 bootstrap runs.
 */
const nodeRuntime = (handle: string, init = "") => `#!/usr/bin/env node
const http = require("node:http");
const api = process.env.AWS_LAMBDA_RUNTIME_API;
const call = (method, path, body, headers = {}) => new Promise((resolve, reject) => {
  const req = http.request({ host: api.split(":")[0], port: api.split(":")[1], method, path: "/2018-06-01/runtime" + path, headers }, (res) => {
    let text = ""; res.setEncoding("utf8"); res.on("data", (c) => (text += c)); res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
  });
  req.on("error", reject); req.end(body);
});
(async () => {
  ${init}
  for (;;) {
    const next = await call("GET", "/invocation/next");
    const id = next.headers["lambda-runtime-aws-request-id"];
    const event = JSON.parse(next.text);
    try {
      const result = await (async (event, headers) => { ${handle} })(event, next.headers);
      await call("POST", "/invocation/" + id + "/response", JSON.stringify(result));
    } catch (err) {
      await call("POST", "/invocation/" + id + "/error", JSON.stringify({ errorMessage: err.message, errorType: err.name, stackTrace: [] }), { "Lambda-Runtime-Function-Error-Type": "Unhandled" });
    }
  }
})();
`;

test("a provided.al2023 bootstrap gets invocations through the Runtime API, with the invocation's headers and the function's environment", async () => {
  const def = fn(nodeRuntime(`console.log("handling", event.n); return { n: event.n, id: headers["lambda-runtime-aws-request-id"], arn: headers["lambda-runtime-invoked-function-arn"], deadlineIn: Number(headers["lambda-runtime-deadline-ms"]) - Date.now(), env: { g: process.env.GREETING, h: process.env._HANDLER, x: process.env.AWS_EXECUTION_ENV, k: process.env.AWS_ACCESS_KEY_ID ? "set" : "unset" }, cwd: process.cwd() };`));
  const r = await runtime.invoke(def, JSON.stringify({ n: 1 }), { requestId: "req-c1" });
  assert.equal(r.status, "success", r.payload.toString());
  const out = json(r.payload);
  assert.equal(out.n, 1);
  assert.equal(out.id, "req-c1");
  assert.equal(out.arn, def.functionArn);
  assert.ok(out.deadlineIn > 1000 && out.deadlineIn <= 3000, `deadline in ${out.deadlineIn}`);
  assert.deepEqual(out.env, { g: "hi", h: "my.handler", x: "AWS_Lambda_provided.al2023", k: "set" });
  assert.equal(out.cwd, def.codeDir);
  assert.match(r.logText, /\nhandling 1\n/);
  assert.match(r.logText, /Init Duration: [\d.]+ ms/);
  // Warm: the same bootstrap process takes the next one.
  const again = await runtime.invoke(def, JSON.stringify({ n: 2 }));
  assert.equal(json(again.payload).n, 2);
  assert.equal(again.coldStart, false);
});

test("an error posted by the runtime is the invocation's error; the environment stays warm", async () => {
  const def = fn(nodeRuntime(`if (event.fail) { const e = new Error("nope"); e.name = "MyError"; throw e; } return "ok";`));
  const r = await runtime.invoke(def, JSON.stringify({ fail: true }));
  assert.equal(r.status, "error");
  assert.deepEqual(json(r.payload), { errorType: "MyError", errorMessage: "nope", stackTrace: [] });
  const ok = await runtime.invoke(def, "{}");
  assert.equal(json(ok.payload), "ok");
  assert.equal(ok.coldStart, false);
});

test("init/error fails the first invocation and ends the environment; a bootstrap that exits is Runtime.ExitError", async () => {
  const failing = fn(nodeRuntime(`return 1;`, `await call("POST", "/init/error", JSON.stringify({ errorMessage: "bad config", errorType: "Runtime.ConfigError" })); await new Promise(() => {});`));
  const r = await runtime.invoke(failing, "{}");
  assert.equal(r.status, "error");
  assert.deepEqual(json(r.payload), { errorType: "Runtime.ConfigError", errorMessage: "bad config" });
  const exiting = fn(`#!/bin/sh\necho "no loop here"\nexit 4\n`);
  const e = await runtime.invoke(exiting, "{}", { requestId: "req-exit" });
  assert.equal(e.status, "error");
  assert.deepEqual(json(e.payload), { errorType: "Runtime.ExitError", errorMessage: "RequestId: req-exit Error: Runtime exited with error: exit status 4" });
  assert.match(e.logText, /no loop here/);
});

test("a bootstrap past the timeout is killed with its adapter (the whole process group)", async () => {
  const def = fn(nodeRuntime(`require("node:fs").writeFileSync(process.env.PID_FILE, String(process.pid)); await new Promise((r) => setTimeout(r, 60000)); return 1;`), { timeoutSeconds: 1, environment: { PID_FILE: join(root, "slow.pid") } });
  const r = await runtime.invoke(def, "{}", { requestId: "req-slow" });
  assert.equal(r.status, "timeout");
  const pid = Number(readFileSync(join(root, "slow.pid"), "utf8"));
  await new Promise((res) => setTimeout(res, 200));
  // Gone, or a zombie waiting for whoever adopted it to reap it: not running either way.
  let state = "gone";
  try {
    state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[0]!;
  } catch {
    // no such process
  }
  assert.ok(state === "gone" || state === "Z", `the bootstrap process is ${state}`);
});

test("the shell-and-curl bootstrap of AWS's custom runtime tutorial runs as written", { skip: spawnSync("curl", ["--version"]).status === 0 ? false : "curl is not installed" }, async () => {
  const def = fn(`#!/bin/sh
set -eu
while true; do
  HEADERS="$(mktemp)"
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  RESPONSE="{\\"echo\\":$EVENT_DATA}"
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$RESPONSE" > /dev/null
done
`);
  const r = await runtime.invoke(def, JSON.stringify({ hello: "shell" }));
  assert.equal(r.status, "success", r.payload.toString() + r.logText);
  assert.deepEqual(json(r.payload), { echo: { hello: "shell" } });
});
