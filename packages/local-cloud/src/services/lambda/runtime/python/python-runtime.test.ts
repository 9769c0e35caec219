import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { LambdaRuntime } from "../runtime.js";
import { functionMaker, runtimeUnderTest } from "../test-functions.js";

const hasPython = spawnSync("python3", ["--version"]).status === 0;
const skip = hasPython ? false : "python3 is not installed on this machine: Python functions cannot run";

const { root, events, runtime } = runtimeUnderTest("lambda-python-");

const fn = functionMaker(root, "py", { runtime: "python3.11", handler: "app.handler", environment: { GREETING: "hi" } });
const json = (b: Buffer) => JSON.parse(b.toString());

test("a Python handler gets the event, AWS's context object and the function's environment", { skip }, async () => {
  const def = fn({
    "app.py": `import os, sys
def handler(event, context):
    return {
        "event": event,
        "name": context.function_name, "version": context.function_version, "mem": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn, "id": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(), "group": context.log_group_name,
        "stream": context.log_stream_name, "cwd": os.getcwd(), "path0": sys.path[0],
        "env": {k: os.environ.get(k) for k in ["GREETING", "AWS_REGION", "_HANDLER", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID",
            "AWS_SESSION_TOKEN", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "LAMBDA_TASK_ROOT", "HOME"]},
    }
`,
  });
  const r = await runtime.invoke(def, JSON.stringify({ a: [1, "é"] }), { requestId: "req-py-1" });
  assert.equal(r.status, "success", r.payload.toString());
  const out = json(r.payload);
  assert.deepEqual(out.event, { a: [1, "é"] });
  assert.equal(out.name, def.functionName);
  assert.equal(out.version, "$LATEST");
  assert.equal(out.mem, "128");
  assert.equal(out.id, "req-py-1");
  assert.equal(out.arn, def.functionArn);
  assert.ok(out.remaining > 1000 && out.remaining <= 3000, `remaining ${out.remaining}`);
  assert.equal(out.group, `/aws/lambda/${def.functionName}`);
  assert.match(out.stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(out.cwd, def.codeDir);
  assert.equal(out.path0, def.codeDir);
  assert.deepEqual(out.env, {
    GREETING: "hi",
    AWS_REGION: "us-east-1",
    _HANDLER: "app.handler",
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_ACCESS_KEY_ID: "ASIA3", // the session is the function's name, "py1"
    AWS_SESSION_TOKEN: "tok-my-role",
    AWS_EXECUTION_ENV: "AWS_Lambda_python3.11",
    AWS_LAMBDA_FUNCTION_NAME: def.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
    LAMBDA_TASK_ROOT: def.codeDir,
    // Nothing of the host's environment.
    HOME: null,
  });
  assert.match(r.logText, /^START RequestId: req-py-1 Version: \$LATEST\n/);
  assert.match(r.logText, /REPORT RequestId: req-py-1\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/);
});

test("the environment stays warm: module state survives, the init phase runs once", { skip }, async () => {
  const def = fn({ "app.py": `count = 0\ndef handler(event, context):\n    global count\n    count += 1\n    return count\n` });
  const first = await runtime.invoke(def, "{}");
  const second = await runtime.invoke(def, "{}");
  assert.equal(json(first.payload), 1);
  assert.equal(json(second.payload), 2);
  assert.equal(first.coldStart, true);
  assert.equal(second.coldStart, false);
  assert.match(first.logText, /Init Duration/);
  assert.doesNotMatch(second.logText, /Init Duration/);
});

test("print() and the root logger write the invocation's log lines, in AWS's format", { skip }, async () => {
  const def = fn({
    "app.py": `import logging, sys
logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("loaded")
def handler(event, context):
    print("hello", event["who"])
    print("no newline", end="")
    sys.stderr.write("to stderr\\n")
    logger.info("info %s", 42)
    logging.getLogger("child").debug("hidden")
    return None
`,
  });
  const r = await runtime.invoke(def, JSON.stringify({ who: "py" }), { requestId: "req-log" });
  assert.equal(r.status, "success");
  assert.equal(r.payload.toString(), "null");
  const lines = r.logText.split("\n");
  for (const expected of ["loaded", "hello py", "no newline", "to stderr"]) assert.ok(lines.includes(expected), `${expected} in\n${r.logText}`);
  assert.ok(lines.some((l) => /^\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\treq-log\tinfo 42$/.test(l)), r.logText);
  assert.doesNotMatch(r.logText, /hidden/);
});

test("an exception is answered in AWS's error shape with the function's frames only", { skip }, async () => {
  const def = fn({ "app.py": `def inner(x):\n    raise ValueError(f"bad value {x}")\n\ndef handler(event, context):\n    inner(event["x"])\n` });
  const r = await runtime.invoke(def, JSON.stringify({ x: 7 }), { requestId: "req-err" });
  assert.equal(r.status, "error");
  const body = json(r.payload);
  assert.deepEqual(Object.keys(body).sort(), ["errorMessage", "errorType", "requestId", "stackTrace"]);
  assert.equal(body.errorType, "ValueError");
  assert.equal(body.errorMessage, "bad value 7");
  assert.equal(body.requestId, "req-err");
  assert.equal(body.stackTrace.length, 2);
  assert.match(body.stackTrace[0], /app\.py", line 5, in handler/);
  assert.match(body.stackTrace[1], /app\.py", line 2, in inner/);
  assert.match(r.logText, /\[ERROR\] ValueError: bad value 7\nTraceback \(most recent call last\):\n {2}File ".*app\.py", line 5, in handler/);
  // The environment survives a handled error.
  const again = await runtime.invoke(def, JSON.stringify({ x: 8 }));
  assert.equal(again.coldStart, false);
});

test("the runtime's own failures: bad handler name, missing module, missing function, failing import, unserialisable result", { skip }, async () => {
  const cases: [Record<string, string>, string, string, string | RegExp][] = [
    [{ "app.py": "def handler(e, c): pass\n" }, "nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"],
    [{ "app.py": "def handler(e, c): pass\n" }, "src/missing.handler", "Runtime.ImportModuleError", "Unable to import module 'src/missing': No module named 'src'"],
    [{ "app.py": "import not_installed_pkg\n" }, "app.handler", "Runtime.ImportModuleError", "Unable to import module 'app': No module named 'not_installed_pkg'"],
    [{ "app.py": "def other(e, c): pass\n" }, "app.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'"],
    [{ "app.py": "def handler(e, c):\n  return (\n" }, "app.handler", "Runtime.UserCodeSyntaxError", /^Syntax error in module 'app': /],
    [{ "app.py": "raise RuntimeError('no config')\n" }, "app.handler", "RuntimeError", "no config"],
    [{ "app.py": "def handler(e, c): return {1, 2}\n" }, "app.handler", "Runtime.MarshalError", "Unable to marshal response: Object of type set is not JSON serializable"],
  ];
  for (const [files, handler, errorType, message] of cases) {
    const r = await runtime.invoke(fn(files, { handler }), "{}");
    assert.equal(r.status, "error", handler);
    const body = json(r.payload);
    assert.equal(body.errorType, errorType, JSON.stringify(body));
    if (typeof message === "string") assert.equal(body.errorMessage, message);
    else assert.match(body.errorMessage, message);
  }
});

test("a nested module path and Decimal results, as AWS's runtime serialises them", { skip }, async () => {
  const def = fn(
    { "src/api/__init__.py": "", "src/api/items.py": `from decimal import Decimal\nfrom . import helper\ndef main(event, context):\n    return {"price": Decimal("1.50"), "n": Decimal(3), "h": helper.NAME}\n`, "src/api/helper.py": `NAME = "helper"\n` },
    { handler: "src/api/items.main" },
  );
  const r = await runtime.invoke(def, "{}");
  assert.equal(r.status, "success", r.payload.toString());
  assert.deepEqual(json(r.payload), { price: 1.5, n: 3, h: "helper" });
});

test("a handler past its timeout is stopped and reported as Lambda reports it; the next call cold-starts", { skip }, async () => {
  const def = fn({ "app.py": `import time\ndef handler(event, context):\n    time.sleep(event.get("sleep", 0))\n    return "done"\n` }, { timeoutSeconds: 1 });
  const r = await runtime.invoke(def, JSON.stringify({ sleep: 5 }), { requestId: "req-slow" });
  assert.equal(r.status, "timeout");
  assert.equal(json(r.payload).errorMessage, "RequestId: req-slow Error: Task timed out after 1.00 seconds");
  assert.match(r.logText, /Task timed out after 1\.00 seconds/);
  const next = await runtime.invoke(def, "{}");
  assert.equal(next.status, "success");
  assert.equal(next.coldStart, true);
});

test("sys.exit in a handler ends the environment with Runtime.ExitError", { skip }, async () => {
  const def = fn({ "app.py": `import sys\ndef handler(event, context):\n    print("bye")\n    sys.exit(3)\n` });
  const r = await runtime.invoke(def, "{}", { requestId: "req-exit" });
  assert.equal(r.status, "error");
  assert.deepEqual(json(r.payload), { errorType: "Runtime.ExitError", errorMessage: "RequestId: req-exit Error: Runtime exited with error: exit status 3" });
  assert.match(r.logText, /\nbye\n/);
});

test("a handler using more than the memory size fails with Runtime.OutOfMemory, as AWS's OOM kill", { skip }, async () => {
  const def = fn({ "app.py": `def handler(event, context):\n    data = b"x" * (event["mb"] * 1024 * 1024)\n    return len(data)\n` }, { memoryMb: 128 });
  const small = await runtime.invoke(def, JSON.stringify({ mb: 8 }));
  assert.equal(small.status, "success");
  const big = await runtime.invoke(def, JSON.stringify({ mb: 200 }), { requestId: "req-oom" });
  assert.equal(big.status, "error");
  assert.equal(json(big.payload).errorType, "Runtime.OutOfMemory");
  assert.match(big.logText, /Status: error\tError Type: Runtime\.OutOfMemory/);
});

test("a burst of concurrent invocations (pipelined into the environments) each gets its own answer and log", { skip }, async () => {
  const def = fn({ "app.py": `def handler(event, context):\n    print("n =", event["n"])\n    return {"n": event["n"], "id": context.aws_request_id}\n` });
  await runtime.invoke(def, JSON.stringify({ n: -1 }));
  const results = await Promise.all(Array.from({ length: 60 }, (_, n) => runtime.invoke(def, JSON.stringify({ n }), { requestId: `burst-${n}` })));
  results.forEach((r, n) => {
    assert.equal(r.status, "success");
    assert.deepEqual(json(r.payload), { n, id: `burst-${n}` });
    assert.ok(r.logText.split("\n").includes(`n = ${n}`), r.logText);
  });
});

test("lambda:end reports a Python error's stack for sst dev's terminal", { skip }, async () => {
  const def = fn({ "app.py": `def handler(event, context):\n    raise KeyError("k")\n` });
  const ended = new Promise<any>((resolve) => events.once("lambda:end", resolve));
  await runtime.invoke(def, "{}");
  const e = await ended;
  assert.equal(e.error.errorType, "KeyError");
  assert.match(e.error.stack[0], /app\.py", line 2, in handler/);
});
