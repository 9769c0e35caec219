/**
 * An init past Lambda's init limit (10 s; 300 ms here) is not an error by itself: as on
 * AWS (where the init runs again inside the invocation), it goes on under the function's
 * timeout, logs an INIT_REPORT with Status: timeout, and the invocation succeeds if init
 * and handler fit in that timeout; if they do not, it fails with Sandbox.Timedout naming
 * the function's timeout.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

// Read when the runtime's modules load: set before they are imported.
process.env.LOCAL_CLOUD_LAMBDA_INIT_LIMIT_MS = "300";
const { functionMaker, runtimeUnderTest } = await import("./test-functions.js");

const { root, runtime } = runtimeUnderTest("lambda-init-limit-");
const make = functionMaker(root, "init", { timeoutSeconds: 2 });
const slowInit = (ms: number) => make({ "index.mjs": `await new Promise((r) => setTimeout(r, ${ms}));\nexport const handler = async () => ({ ok: true });\n` });

test("an init past the limit goes on under the function's timeout and the invocation succeeds", async () => {
  const def = slowInit(900);
  const r = await runtime.invoke(def, "{}", { requestId: "slow-init-1" });
  assert.equal(r.status, "success", r.payload.toString());
  assert.deepEqual(JSON.parse(r.payload.toString()), { ok: true });
  assert.match(r.logText, /INIT_REPORT Init Duration: 300\.00 ms\tPhase: init\tStatus: timeout/);
  // The environment is warm now: the next invocation has no init at all.
  const again = await runtime.invoke(def, "{}");
  assert.doesNotMatch(again.logText, /INIT_REPORT|Init Duration/);
  assert.equal(again.status, "success");
});

test("an init that outlasts the function's timeout too fails with Sandbox.Timedout", async () => {
  const r = await runtime.invoke(slowInit(5_000), "{}", { requestId: "slow-init-2" });
  assert.equal(r.status, "timeout");
  assert.deepEqual(JSON.parse(r.payload.toString()), { errorType: "Sandbox.Timedout", errorMessage: "RequestId: slow-init-2 Error: Task timed out after 2.00 seconds" });
});
