import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { Writable } from "node:stream";
import { attachInvocationLog, stripLogPrefix } from "./invocation-log.js";
import { createUi } from "../cli/ui.js";
import { userOutputs } from "../deploy/local.js";

function setup(verbose = false) {
  let out = "";
  const sink = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) });
  const events = new EventEmitter();
  const detach = attachInvocationLog(events, createUi({ stdout: sink, stderr: sink, verbose }), (n) => (n === "fn" ? "src/a.handler" : n), { verbose });
  return { events, detach, out: () => out };
}

describe("invocation log", () => {
  it("strips the Lambda log prefix only when it is there", () => {
    assert.equal(stripLogPrefix("2026-01-01T00:00:00.000Z\tabc-123\tWARN\tcareful\n"), "careful");
    assert.equal(stripLogPrefix("plain line"), "plain line");
  });

  it("skips runtime bookkeeping lines and the raw error document, keeps user output (multi-line too)", () => {
    const { events, out } = setup();
    events.emit("lambda:log", { functionName: "fn", requestId: "r", line: "REPORT RequestId: r Duration: 1 ms" });
    events.emit("lambda:log", { functionName: "fn", requestId: "r", line: "2026-01-01T00:00:00.000Z\tr\tERROR\tInvoke Error \t{\"errorType\":\"X\"}" });
    events.emit("lambda:log", { functionName: "fn", requestId: "r", line: "2026-01-01T00:00:00.000Z\tr\tINFO\tline one\nline two" });
    assert.equal(out(), "|  src/a.handler  line one\n|  src/a.handler  line two\n");
  });

  it("prints errors with the user's frames only, timeouts, and API requests with --verbose", () => {
    const { events, out, detach } = setup(true);
    events.emit("lambda:end", {
      functionName: "other",
      requestId: "r",
      durationMs: 5,
      status: "error",
      error: { errorType: "Error", errorMessage: "boom", stack: ["Error: boom", "    at handler (/app/src/a.ts:3:9)", "    at x (file:///repo/packages/local-cloud/src/services/lambda/runtime/worker/bootstrap.mjs:1:1)"] },
    });
    events.emit("lambda:end", { functionName: "fn", requestId: "r2", durationMs: 10000, status: "timeout" });
    events.emit("apigateway:request", { method: "GET", path: "/users", status: 200, durationMs: 3 });
    detach();
    events.emit("lambda:start", { functionName: "fn", requestId: "r3" });
    assert.equal(
      out(),
      "✖  other failed after 5ms: Error: boom\n   at handler (/app/src/a.ts:3:9)\n✖  src/a.handler timed out after 10000ms\n|  GET /users → 200 (3ms)\n",
    );
  });

  it("a Python error: its traceback is printed once, from lambda:end, as the Python frames", () => {
    const { events, out } = setup();
    events.emit("lambda:start", { functionName: "fn", requestId: "p" });
    events.emit("lambda:log", { functionName: "fn", requestId: "p", line: "[ERROR]\t2026-01-01T00:00:00.000Z\tp\tlogged by the code" });
    events.emit("lambda:log", { functionName: "fn", requestId: "p", line: "[ERROR] ValueError: bad\nTraceback (most recent call last):\n  File \"/app/functions/api.py\", line 2, in handler\n    raise ValueError(\"bad\")" });
    events.emit("lambda:end", {
      functionName: "fn",
      requestId: "p",
      durationMs: 2,
      status: "error",
      error: { errorType: "ValueError", errorMessage: "bad", stack: ['  File "/app/functions/api.py", line 2, in handler\n    raise ValueError("bad")\n'] },
    });
    assert.equal(
      out(),
      '|  Invoked src/a.handler\n|  src/a.handler  [ERROR]\t2026-01-01T00:00:00.000Z\tp\tlogged by the code\n✖  src/a.handler failed after 2ms: ValueError: bad\n   File "/app/functions/api.py", line 2, in handler\n   raise ValueError("bad")\n',
    );
  });

  it("a build error prints its message lines once, without loader frames", () => {
    const { events, out } = setup();
    events.emit("lambda:end", {
      functionName: "fn",
      requestId: "r",
      durationMs: 1,
      status: "error",
      error: {
        errorType: "BuildError",
        errorMessage: "Failed to build src/a.handler\nsrc/a.ts:1:2: Expected }",
        trace: ["BuildError: Failed to build src/a.handler", "src/a.ts:1:2: Expected }", "    at file:///x/.sst/artifacts/dev/f/error-abc123.mjs:1:15", "    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)"],
      },
    });
    assert.equal(out(), "✖  src/a.handler failed after 1ms: BuildError: Failed to build src/a.handler\nsrc/a.ts:1:2: Expected }\n");
  });

  it("under load, invocations beyond the per-second budget are summarized; each kind of error is still printed once and counted", () => {
    let out = "";
    let err = "";
    const ui = createUi({ stdout: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }), stderr: new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) }) });
    const events = new EventEmitter();
    const detach = attachInvocationLog(events, ui, (n) => n, { invocationsPerSecond: 4 });
    for (let i = 0; i < 100; i++) {
      events.emit("lambda:start", { functionName: "hello", requestId: `h${i}` });
      events.emit("lambda:log", { functionName: "hello", requestId: `h${i}`, line: "2026-01-01T00:00:00.000Z\tx\tINFO\tsaid hi" });
      events.emit("lambda:end", { functionName: "hello", requestId: `h${i}`, durationMs: 1, status: "success" });
    }
    for (let i = 0; i < 30; i++) {
      events.emit("lambda:start", { functionName: "boom", requestId: `b${i}` });
      events.emit("lambda:end", { functionName: "boom", requestId: `b${i}`, durationMs: 2, status: "error", error: { errorType: "Error", errorMessage: i % 2 ? "odd" : "even" } });
    }
    detach(); // ends the window: its summary is printed
    const lines = out.trimEnd().split("\n");
    // Four invocations fit the budget (each printed with its lines), then one summary line per function.
    assert.deepEqual(lines.slice(0, 3), ["|  Invoked hello", "|  hello  said hi", "|  Done hello 1ms"]);
    assert.deepEqual(lines.slice(12), [
      "|  hello  96 more invocations in the last second (96 ok), 96 log lines not shown (the Console and CloudWatch Logs have them)",
      "|  boom  30 more invocations in the last second (0 ok, 30 failed)",
    ]);
    assert.equal(
      err,
      "✖  boom failed after 2ms: Error: even\n✖  boom failed after 2ms: Error: odd\n✖  boom failed 14 more times in the last second with Error: even\n✖  boom failed 14 more times in the last second with Error: odd\n",
    );
  });

  it("leaves CDK export plumbing out of outputs", () => {
    assert.deepEqual(userOutputs({ ApiEndpoint: "u", ExportsOutputRefX: "x", SSTMetadata: "{}" }), { ApiEndpoint: "u" });
  });
});
