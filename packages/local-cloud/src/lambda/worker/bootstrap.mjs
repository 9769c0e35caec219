/**
 * The Node.js Lambda runtime inside one worker thread.
 *
 * One worker = one execution environment: it loads the handler module once (the
 * "init" phase: on its first invocation, or ahead of it when the pool pre-warms it),
 * then serves invocations one at a time, warm.
 * It speaks to the pool over the parent port:
 *   in:  { type: "preload", urls }                   load these AWS SDK modules now (a standby worker, before it has code)
 *        { type: "init", file?, exportName? }       run the init phase now (pre-warming), before any invocation;
 *                                                   a standby worker learns its code here
 *        { type: "invoke", requestId, payload (JSON text), deadline (epoch ms), context }
 *   out: { type: "log", requestId, line }            one formatted log line
 *        { type: "result", requestId, ok, payload?, error?, initDurationMs?, fatal? }
 *        { type: "crash", requestId, error }         unhandled error; the worker then exits
 *        { type: "modules", urls }                  AWS SDK modules the code loaded since the last report
 *
 * Plain JavaScript on purpose: a worker that had to load tsx would cold-start
 * ~100 ms slower, and this file is the hot path of every cold start.
 */
import { MessageChannel, parentPort, workerData } from "node:worker_threads";
import Module, { register, createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";

const { taskRoot, handler, fallbackParentURL, hooksURL } = workerData;
// A standby worker is started before its code exists; "init" names the file then.
let { file, exportName } = workerData;

// On AWS the working directory is the code directory. Workers can't chdir, but code
// that builds paths from process.cwd() (the common case) gets the right answer.
if (!file) process.cwd = () => taskRoot;

// Stack traces point into the source when the code ships source maps (sst dev builds do).
process.setSourceMapsEnabled(true);

// The SDK fallback must be in place before user code is imported. The hooks also
// report which AWS SDK modules the code loads, so the pool can give the function's
// next worker (after a rebuild in sst dev) those modules ahead of its code.
const modules = new MessageChannel();
const loadedSdkModules = [];
modules.port1.on("message", (url) => loadedSdkModules.push(url));
modules.port1.unref();
register(hooksURL, { data: { fallbackParentURL, modulesPort: modules.port2 }, transferList: [modules.port2] });
installCommonJsSdkFallback();

/** The invocation whose logs we are capturing; logs outside any invocation get "undefined", as on AWS. */
let currentRequestId;
let handlerFn;
let initError;
/** The init phase, started by "init" (pre-warm) or by the first invocation; runs once. */
let initPromise;
let initDone = false;
let initDurationMsTotal;
let invokedOnce = false;

patchConsole();
patchStdStreams();

process.on("uncaughtException", (err) => crash(err, "Runtime.UncaughtException"));
process.on("unhandledRejection", (reason) => crash(reason, "Runtime.UnhandledPromiseRejection"));

parentPort.on("message", (msg) => {
  if (msg?.type === "preload") void preload(msg.urls);
  else if (msg?.type === "init") {
    if (!initPromise && typeof msg.file === "string") {
      file = msg.file;
      exportName = msg.exportName;
    }
    void ensureInitialized();
  } else if (msg?.type === "invoke") void runInvocation(msg);
});

/** Loads AWS SDK modules another worker of this function used; one that fails is simply left for the code to load. */
async function preload(urls) {
  if (!Array.isArray(urls)) return;
  await Promise.all(urls.filter((u) => typeof u === "string" && u.startsWith("file:")).map((u) => import(u).catch(() => undefined)));
}

/** Tells the pool which SDK modules were loaded since the last report. */
let modulesReported = 0;
function reportModules() {
  if (loadedSdkModules.length === modulesReported) return;
  send({ type: "modules", urls: loadedSdkModules.slice(modulesReported) });
  modulesReported = loadedSdkModules.length;
}

function ensureInitialized() {
  initPromise ??= (async () => {
    const started = performance.now();
    await initialize();
    initDurationMsTotal = performance.now() - started;
    initDone = true;
  })();
  return initPromise;
}

async function runInvocation(msg) {
  currentRequestId = msg.requestId;
  // "Init Duration" is reported when this invocation waited for the init phase, as on
  // AWS; a worker pre-warmed ahead of its first request reports none (like AWS's
  // proactive initialization).
  const waitedForInit = !invokedOnce && !initDone;
  invokedOnce = true;
  await ensureInitialized();
  const initDurationMs = waitedForInit ? initDurationMsTotal : undefined;
  if (initError) {
    logLine(`${new Date().toISOString()}\t${msg.requestId}\tERROR\t${initError.errorType}: ${initError.errorMessage}`);
    send({ type: "result", requestId: msg.requestId, ok: false, error: initError, initDurationMs, fatal: true });
    return;
  }
  const handlerStarted = performance.now();
  const outcome = await callHandler(msg);
  const handlerMs = performance.now() - handlerStarted;
  flushStdStreams();
  // Before the result: the pool may spawn a standby as soon as the result arrives.
  reportModules();
  if (outcome.ok) {
    let text;
    try {
      text = JSON.stringify(outcome.value === undefined ? null : outcome.value);
    } catch (err) {
      const error = { errorType: "Runtime.SerializationError", errorMessage: String(err?.message ?? err), trace: [] };
      send({ type: "result", requestId: msg.requestId, ok: false, error, initDurationMs, handlerMs });
      return;
    }
    send({ type: "result", requestId: msg.requestId, ok: true, payload: text ?? "null", initDurationMs, handlerMs });
  } else {
    const error = toErrorPayload(outcome.error);
    logLine(`${new Date().toISOString()}\t${msg.requestId}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace })}`);
    send({ type: "result", requestId: msg.requestId, ok: false, error, initDurationMs, handlerMs });
  }
}

/** Load the module and find the handler, mapping failures to the runtime's error types. */
async function initialize() {
  try {
    let modulePath;
    let exportPath;
    if (file) {
      modulePath = file;
      exportPath = exportName || "handler";
    } else {
      const parsed = parseHandler(handler);
      if (!parsed) {
        initError = { errorType: "Runtime.MalformedHandlerName", errorMessage: "Bad handler", trace: [] };
        return;
      }
      modulePath = findModuleFile(resolvePath(taskRoot, parsed.module));
      exportPath = parsed.exportPath;
      if (!modulePath) {
        initError = {
          errorType: "Runtime.ImportModuleError",
          errorMessage: `Error: Cannot find module '${parsed.module}'\nRequire stack:\n- ${join(taskRoot, "index.mjs")}`,
          trace: [],
        };
        return;
      }
    }
    const mod = await import(pathToFileURL(modulePath).href);
    const fn = lookup(mod, exportPath);
    if (typeof fn !== "function") {
      const shown = file ? `${modulePath}.${exportPath}` : handler;
      initError = { errorType: "Runtime.HandlerNotFound", errorMessage: `${shown} is undefined or not exported`, trace: [] };
      return;
    }
    handlerFn = fn;
  } catch (err) {
    const e = toErrorPayload(err);
    initError = {
      errorType: err?.code === "ERR_MODULE_NOT_FOUND" ? "Runtime.ImportModuleError" : e.errorType,
      errorMessage: err?.code === "ERR_MODULE_NOT_FOUND" ? `Error: ${e.errorMessage}` : e.errorMessage,
      trace: e.trace,
    };
  }
}

/** "dir/file.export.nested" → module "dir/file", export path "export.nested" (split at the first dot after the last slash). */
function parseHandler(h) {
  if (typeof h !== "string") return undefined;
  const slash = h.lastIndexOf("/");
  const dot = h.indexOf(".", slash + 1);
  if (dot <= slash + 1 || dot === h.length - 1) return undefined;
  return { module: h.slice(0, dot), exportPath: h.slice(dot + 1) };
}

/** The runtime's lookup order for a module name: .js, .mjs, .cjs, then the name itself. */
function findModuleFile(base) {
  for (const ext of [".js", ".mjs", ".cjs", ""]) {
    const candidate = base + ext;
    if (existsSync(candidate) && (ext !== "" || /\.[cm]?js$/.test(candidate))) return candidate;
  }
  return undefined;
}

/** Nested export paths ("a.b.handler"); CommonJS modules arrive as `default`. */
function lookup(mod, exportPath) {
  const parts = exportPath.split(".");
  const walk = (root) => parts.reduce((o, key) => (o == null ? undefined : o[key]), root);
  const direct = walk(mod);
  return direct !== undefined ? direct : walk(mod.default);
}

/**
 * Call the handler with AWS's contract: async handlers answer when their promise
 * settles; callback handlers (3+ parameters) and the legacy context.done/succeed/fail
 * answer through the callback — once the event loop is empty unless
 * context.callbackWaitsForEmptyEventLoop was set to false; a plain synchronous handler
 * that never calls back answers null when the event loop empties, as on AWS.
 */
function callHandler(msg) {
  return new Promise((resolveOutcome) => {
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      resolveOutcome(outcome);
    };
    let answer; // the first callback/done outcome
    let returnedPromise = false;
    let context;
    const callback = (err, value) => {
      if (answer) return;
      answer = err != null ? { ok: false, error: err } : { ok: true, value };
      // Without waiting (or for async handlers) the callback answers at once;
      // otherwise the event-loop watcher below delivers it.
      if (!context.callbackWaitsForEmptyEventLoop || returnedPromise) finish(answer);
    };
    context = makeContext(msg, callback);
    let event;
    try {
      event = JSON.parse(msg.payload || "null");
    } catch {
      finish({ ok: false, error: { name: "Runtime.InvalidPayload", message: "Could not parse request body into json" } });
      return;
    }
    try {
      const result = handlerFn.length >= 3 ? handlerFn(event, context, callback) : handlerFn(event, context);
      if (result && typeof result.then === "function") {
        returnedPromise = true;
        if (answer) finish(answer);
        result.then((value) => finish({ ok: true, value }), (error) => finish({ ok: false, error }));
      } else {
        whenEventLoopEmpty(() => finish(answer ?? { ok: true, value: null }));
      }
    } catch (error) {
      finish({ ok: false, error });
    }
  });
}

/**
 * Runs `done` once the worker has nothing left to do but listen to the pool: no timers,
 * sockets or pending I/O of the user's code. Checked from a timer, which counts itself
 * while it runs.
 */
function whenEventLoopEmpty(done) {
  const check = () => {
    const busy = process.getActiveResourcesInfo().filter((r) => r !== "MessagePort");
    const timers = busy.filter((r) => r === "Timeout").length - 1;
    const others = busy.filter((r) => r !== "Timeout").length;
    if (timers <= 0 && others === 0) done();
    else setTimeout(check, 5);
  };
  setTimeout(check, 0);
}

function makeContext(msg, callback) {
  const c = msg.context;
  let waits = true;
  return {
    functionName: c.functionName,
    functionVersion: c.functionVersion,
    invokedFunctionArn: c.invokedFunctionArn,
    memoryLimitInMB: String(c.memoryLimitInMB),
    awsRequestId: msg.requestId,
    logGroupName: c.logGroupName,
    logStreamName: c.logStreamName,
    identity: c.identity,
    clientContext: c.clientContext,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    get callbackWaitsForEmptyEventLoop() {
      return waits;
    },
    set callbackWaitsForEmptyEventLoop(v) {
      waits = Boolean(v);
    },
    done: (err, value) => callback(err, value),
    succeed: (value) => callback(null, value),
    fail: (err) => callback(err ?? new Error("handled")),
  };
}

/** The runtime's error payload: errorType/errorMessage/trace; non-Error throws keep their typeof. */
function toErrorPayload(err) {
  if (err instanceof Error || (err && typeof err === "object" && "message" in err)) {
    const trace = typeof err.stack === "string" ? err.stack.split("\n") : [];
    return { errorType: String(err.name ?? "Error"), errorMessage: String(err.message ?? ""), trace };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function crash(err, fallbackType) {
  const payload = toErrorPayload(err);
  const error = err instanceof Error ? { ...payload, errorType: payload.errorType === "Error" ? fallbackType : payload.errorType } : { ...payload, errorType: fallbackType };
  flushStdStreams();
  logLine(`${new Date().toISOString()}\t${currentRequestId}\tERROR\t${fallbackType} \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace })}`);
  send({ type: "crash", requestId: currentRequestId, error });
  process.exit(1);
}

function send(msg) {
  parentPort.postMessage(msg);
}

function logLine(line) {
  send({ type: "log", requestId: currentRequestId, line });
}

/** console.* → "<iso time>\t<request id>\t<LEVEL>\t<message>", the Node runtime's text format. */
function patchConsole() {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE" };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      let message = format(...args);
      if (method === "trace") message += "\n" + (new Error().stack ?? "").split("\n").slice(2).join("\n");
      logLine(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}`);
    };
  }
}

/** Raw writes to stdout/stderr become log lines too, split at newlines; partial lines wait. */
const pending = { stdout: "", stderr: "" };
function patchStdStreams() {
  for (const name of ["stdout", "stderr"]) {
    const stream = process[name];
    stream.write = (chunk, encoding, cb) => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString(typeof encoding === "string" ? encoding : "utf8");
      const lines = (pending[name] + text).split("\n");
      pending[name] = lines.pop() ?? "";
      for (const line of lines) logLine(line);
      const done = typeof encoding === "function" ? encoding : cb;
      if (typeof done === "function") queueMicrotask(() => done());
      return true;
    };
  }
}

function flushStdStreams() {
  for (const name of ["stdout", "stderr"]) {
    if (pending[name]) logLine(pending[name]);
    pending[name] = "";
  }
}

/** CommonJS `require("@aws-sdk/...")` isn't covered by module.register hooks on Node 20. */
function installCommonJsSdkFallback() {
  const original = Module._resolveFilename;
  const fallbackRequire = createRequire(fallbackParentURL);
  Module._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (err) {
      if (typeof request === "string" && (request.startsWith("@aws-sdk/") || request.startsWith("@smithy/"))) {
        return fallbackRequire.resolve(request);
      }
      throw err;
    }
  };
}
