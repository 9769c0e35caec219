/**
 * A custom runtime's execution environment (`provided`, `provided.al2`, `provided.al2023`):
 * the function's own `bootstrap` executable, talking to the Lambda Runtime API as it does
 * on AWS. This process serves that API on a loopback port (AWS_LAMBDA_RUNTIME_API) and
 * speaks the pool's frames on fd 3 (worker/channel.mjs), so to the pool it is one more
 * execution environment: invocations go to the bootstrap's long-polled `next`, its
 * `response` / `error` posts come back as results, `init/error` fails the init phase.
 *
 * The bootstrap runs in this process's process group, which the pool kills whole (the
 * host starts this process as a group leader); when the pool closes the channel, the
 * bootstrap is ended with it.
 *
 * Plain JavaScript, like the Node.js bootstrap: it runs without tsx.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { TO_PARENT, readFrames, fields } from "../worker/channel.mjs";

const PREFIX = "/2018-06-01/runtime";
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
let bootstrap;
const endAll = (code) => {
  bootstrap?.kill("SIGKILL");
  process.exit(code);
};
channel.on("close", () => endAll(0));
channel.on("error", () => endAll(0));

let config;
/** Invocations handed over and not yet taken by `next`, oldest first. */
const backlog = [];
/** The invocation the bootstrap works on (taken by `next`, not answered yet). */
let current;
/** A `next` request waiting for an invocation. */
let waiting;
let initStarted = 0;
let initMs;
let initReported = false;
let initError;
/** The first invocation reports the init phase's duration (as "Init Duration"). */
let firstInvocation = true;

const send = (frame) => channel.write(frame);
const logLine = (line) => send(`${TO_PARENT.log}${current?.requestId ?? ""}\t${JSON.stringify(line)}\n`);

/** The bootstrap's resident set in MB, from /proc (0 where there is none). */
function rssMb() {
  try {
    const pages = Number(fs.readFileSync(`/proc/${bootstrap.pid}/statm`, "utf8").split(" ")[1]);
    return Math.ceil((pages * 4096) / 1048576);
  } catch {
    return 0;
  }
}

function endInit() {
  if (initReported) return;
  initReported = true;
  initMs = performance.now() - initStarted;
  send(`${TO_PARENT.initialized}\n`);
}

/** The next invocation to the waiting `next`, if both are there. */
function dispatch() {
  if (!waiting || current || backlog.length === 0) return;
  const res = waiting;
  waiting = undefined;
  current = backlog.shift();
  current.started = performance.now();
  const headers = {
    "content-type": "application/json",
    "lambda-runtime-aws-request-id": current.requestId,
    "lambda-runtime-deadline-ms": String(Date.now() + current.timeoutMs),
    "lambda-runtime-invoked-function-arn": current.invokedFunctionArn,
    "lambda-runtime-trace-id": `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${current.requestId.replace(/-/g, "").slice(0, 24)};Parent=${current.requestId.replace(/-/g, "").slice(0, 16)};Sampled=0`,
  };
  if (current.clientContext) headers["lambda-runtime-client-context"] = Buffer.from(current.clientContext).toString("base64");
  res.writeHead(200, headers);
  res.end(current.payload);
}

function answer(kind, body) {
  const inv = current;
  current = undefined;
  const handlerMs = (performance.now() - inv.started).toFixed(3);
  const init = inv.reportInit ? initMs.toFixed(3) : "";
  if (kind === "result") send(`${TO_PARENT.result}${inv.requestId}\t${handlerMs}\t${init}\t${rssMb()}\t${body || "null"}\n`);
  else send(`${TO_PARENT.error}${inv.requestId}\t${handlerMs}\t${init}\t${rssMb()}\t0\t${JSON.stringify(body)}\n`);
  dispatch();
}

/** The error document a runtime posts, as the pool's RuntimeError; AWS keeps the type from the header when the body has none. */
function errorOf(text, typeHeader) {
  let doc = {};
  try {
    doc = JSON.parse(text || "{}");
  } catch {
    doc = { errorMessage: text };
  }
  const error = { errorType: String(doc.errorType ?? typeHeader ?? "Unhandled"), errorMessage: String(doc.errorMessage ?? "") };
  if (Array.isArray(doc.stackTrace)) error.stackTrace = doc.stackTrace.map(String);
  return error;
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const url = req.url ?? "";
    const accepted = () => {
      res.writeHead(202, { "content-type": "application/json" });
      res.end('{"status":"OK"}');
    };
    if (req.method === "GET" && url === `${PREFIX}/invocation/next`) {
      endInit();
      if (initError) return; // never answered: the environment ends
      waiting = res;
      return dispatch();
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === "POST" && m) {
      if (!current || decodeURIComponent(m[1]) !== current.requestId) {
        res.writeHead(400, { "content-type": "application/json" });
        return res.end(JSON.stringify({ errorMessage: `Invalid request ID: "${m[1]}"`, errorType: "InvalidRequestID" }));
      }
      accepted();
      return m[2] === "response" ? answer("result", body) : answer("error", errorOf(body, req.headers["lambda-runtime-function-error-type"]));
    }
    if (req.method === "POST" && url === `${PREFIX}/init/error`) {
      accepted();
      initError = errorOf(body, req.headers["lambda-runtime-function-error-type"]);
      endInit();
      return failPendingWithInitError();
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ errorMessage: "Unknown Runtime API route", errorType: "InvalidRequest" }));
  });
});

/** An init error fails the invocation waiting for init (fatal: the environment ends), as on AWS. */
function failPendingWithInitError() {
  const inv = backlog.shift();
  if (!inv) return;
  send(`${TO_PARENT.error}${inv.requestId}\t0\t${initMs.toFixed(3)}\t${rssMb()}\t1\t${JSON.stringify(initError)}\n`);
}

function start() {
  initStarted = performance.now();
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    const file = path.join(config.taskRoot, "bootstrap");
    bootstrap = spawn(file, [], {
      cwd: config.taskRoot,
      env: { ...process.env, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [bootstrap.stdout, bootstrap.stderr]) {
      let pending = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) logLine(line);
      });
      stream.on("end", () => pending && logLine(pending));
    }
    bootstrap.on("error", (err) => {
      // Not there, or not executable: AWS reports it as the runtime failing to start.
      logLine(`Couldn't find valid bootstrap(s): [${file}]: ${err.message}`);
      endAll(127);
    });
    // The runtime ended: so does the environment, with its exit status (the pool reports Runtime.ExitError).
    bootstrap.on("exit", (code, signal) => {
      channel.end(() => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 0)));
    });
  });
}

readFrames(channel, (frame) => {
  switch (frame[0]) {
    case "C":
      config = JSON.parse(frame.slice(1));
      return;
    case "N":
      if (!bootstrap && !initStarted) start();
      return;
    case "V": {
      const [requestId, timeoutMs, invokedFunctionArn, clientContext, payload] = fields(frame, 5);
      const reportInit = firstInvocation && !initReported;
      firstInvocation = false;
      backlog.push({ requestId, timeoutMs: Number(timeoutMs), invokedFunctionArn, clientContext: clientContext || undefined, payload, reportInit });
      if (!initStarted) start();
      if (initError) return failPendingWithInitError();
      return dispatch();
    }
  }
});
