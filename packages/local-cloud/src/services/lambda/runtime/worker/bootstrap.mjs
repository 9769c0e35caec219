/**
 * The Node.js Lambda runtime inside one execution environment: a child process of the
 * local cloud, started with the function's environment and nothing of the host's.
 *
 * One process = one execution environment: it loads the handler module once (the
 * "init" phase: on its first invocation, or ahead of it when the pool pre-warms it),
 * then serves invocations one at a time, warm. Whatever the code does — exit, kill
 * its own process, loop, run out of memory — ends this process only; the local cloud
 * reports it with Lambda's error and starts a fresh one.
 *
 * It speaks to the pool over fd 3 in the frames of channel.mjs. Log lines are batched
 * per event-loop turn and sent with the result in one write.
 *
 * Memory: the pool starts this process with its heap limited to the function's memory
 * size and its data segment (RLIMIT_DATA) a little above it, so no allocation, on the
 * JavaScript heap or off it (Buffers), can take more. Past the memory size (resident
 * set), or when an allocation is refused, the environment ends as Lambda ends one:
 * killed, reported as Runtime.OutOfMemory.
 *
 * Plain JavaScript on purpose: loading tsx would add ~100 ms to every cold start.
 */
import net from "node:net";
import fs from "node:fs";
import Module, { register, createRequire } from "node:module";
import { join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { TO_CHILD, TO_PARENT, readFrames, fields, frameSplitter } from "./channel.mjs";
import { installLocalNames } from "./local-names.mjs";

/**
 * A thread of the local cloud's process instead of a process (environment-host.ts: only
 * while a debugger may attach): frames go by messages, and the limits of a process
 * (resident memory, signals) are not this environment's to apply.
 */
const thread = !isMainThread && workerData?.thread === true;
/** Where frames go: the socket pair on fd 3, or the thread's port. */
const channel = thread ? undefined : new net.Socket({ fd: 3, readable: true, writable: true });
// The local cloud went away (or closed this environment): so does the environment.
channel?.on("close", () => process.exit(0));
channel?.on("error", () => process.exit(0));
// A thread can't change directory; code that builds paths from process.cwd() gets the right answer.
if (thread) process.cwd = () => workerData.cwd;
// The local cloud's *.localhost names resolve, and https:// to them is its plain HTTP.
installLocalNames();

/** Fixed settings of this environment, from the first frame. */
let config;
/** A standby is started before its code exists; "init" names the file then. */
let file;
let exportName;

/** The invocation whose logs we are capturing; logs outside any invocation get "undefined", as on AWS. */
let currentRequestId;
let handlerFn;
let initError;
/** The init phase, started by "init" (pre-warm) or by the first invocation; runs once. */
let initPromise;
let initDone = false;
let initDurationMsTotal;
let invokedOnce = false;

// --- memory -------------------------------------------------------------------------

let memoryLimitBytes = Infinity;
let maxRssMb = 0;
let lastRssCheck = 0;

/** Resident set in MB, measured at most every 20 ms (a measurement costs a few µs). */
function checkMemory(force = false) {
  // A thread's resident set is the whole local cloud's: its heap limit is all that applies.
  if (thread) return 0;
  const now = performance.now();
  if (!force && now - lastRssCheck < 20) return maxRssMb;
  lastRssCheck = now;
  const rss = process.memoryUsage.rss();
  const mb = Math.ceil(rss / 1048576);
  if (mb > maxRssMb) maxRssMb = mb;
  if (rss > memoryLimitBytes) outOfMemory();
  return maxRssMb;
}

/** Past the memory size: end as the sandbox's OOM killer would end it. */
function outOfMemory() {
  outbox += `${TO_PARENT.outOfMemory}${currentRequestId ?? ""}\t${maxRssMb}\n`;
  flushSync();
  if (thread) process.exit(137);
  process.kill(process.pid, "SIGKILL");
}

/** An allocation the data-segment limit refused (Buffers, typed arrays). */
function isAllocationFailure(err) {
  return err instanceof RangeError && /Array buffer allocation failed|Invalid array buffer length|Buffer allocation failed/.test(String(err.message));
}

// --- output -------------------------------------------------------------------------

let outbox = "";
let flushTimer;

/** Queues a frame; frames of one event-loop turn go out in one write. */
function post(frame) {
  outbox += frame;
  flushTimer ??= setImmediate(flush);
}

function flush() {
  if (flushTimer) clearImmediate(flushTimer);
  flushTimer = undefined;
  if (outbox === "") return;
  if (thread) parentPort.postMessage(outbox);
  else {
    unwritten++;
    channel.write(outbox, onWritten);
  }
  outbox = "";
}

/**
 * Writes handed to the socket and not yet in the kernel's buffer. A large answer, or any
 * answer while the local cloud is slow to read, waits in the socket's queue; if the next
 * invocation ended the process then (`process.exit`), that queue would be lost, and an
 * invocation that succeeded would fail. So the next one starts only once this is 0.
 */
let unwritten = 0;
let whenWritten;

function onWritten() {
  if (--unwritten > 0 || !whenWritten) return;
  const resume = whenWritten;
  whenWritten = undefined;
  resume();
}

function allWritten() {
  return unwritten === 0 ? undefined : new Promise((resolve) => (whenWritten = resolve));
}

/** For the last words before the process ends: no event loop turn is left to write them. */
function flushSync() {
  if (flushTimer) clearImmediate(flushTimer);
  flushTimer = undefined;
  if (outbox === "") return;
  if (thread) {
    parentPort.postMessage(outbox);
    outbox = "";
    return;
  }
  const data = Buffer.from(outbox);
  outbox = "";
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(3, data, off);
    } catch (err) {
      if (err?.code !== "EAGAIN") return;
    }
  }
}

function logLine(line) {
  post(`${TO_PARENT.log}${currentRequestId ?? ""}\t${JSON.stringify(line)}\n`);
}

// --- frames from the pool -----------------------------------------------------------

const onFrame = (frame) => {
  switch (frame[0]) {
    case TO_CHILD.invoke:
      backlog.push(frame);
      if (!running) void drain();
      break;
    case TO_CHILD.configure:
      configure(JSON.parse(frame.slice(1)));
      break;
    case TO_CHILD.preload:
      void preload(JSON.parse(frame.slice(1)));
      break;
    case TO_CHILD.init: {
      const msg = JSON.parse(frame.slice(1));
      if (!initPromise && typeof msg.file === "string") {
        file = msg.file;
        exportName = msg.exportName;
      }
      void ensureInitialized();
      break;
    }
  }
};
if (thread) parentPort.on("message", frameSplitter(onFrame));
else readFrames(channel, onFrame);

function configure(c) {
  config = c;
  file = c.file;
  exportName = c.exportName;
  memoryLimitBytes = c.memoryMb * 1048576;
  // Stack traces point into the source when the code ships source maps (sst dev builds do).
  process.setSourceMapsEnabled(true);
  // require("@aws-sdk/…") the code can't resolve comes from the runtime's copy, as the
  // Lambda runtime ships the SDK; for import, see importWithSdkFallback.
  installCommonJsSdkFallback(c.fallbackParentURL);
  patchConsole();
  patchStdStreams();
  // Memory grows between invocations too (timers left running): look now and then.
  setInterval(() => checkMemory(true), 250).unref();
  checkMemory(true);
  // What the runtime itself keeps open: not the user code's pending work (see whenEventLoopEmpty).
  baseline = countResources();
}

process.on("uncaughtException", (err) => crash(err, "Runtime.UncaughtException"));
process.on("unhandledRejection", (reason) => crash(reason, "Runtime.UnhandledPromiseRejection"));
// process.exit() in user code: its log lines still reach the log stream.
process.on("exit", () => flushSync());
// Asked to stop (not killed): exit normally, so exit hooks run (and --cpu-prof writes its profile).
if (!thread) process.on("SIGTERM", () => process.exit(0));

/**
 * A standby loads the AWS SDK modules the function's code imports (a module of imports
 * only, written by the build: its `sdkModules` export) ahead of that code, then warms
 * them with one request each to a sink of its own (sdk-warmup.mjs); a module that fails
 * to load is left for the code. The init waits for this (`standbyReady`).
 */
let standbyReady;
function preload(urls) {
  if (!Array.isArray(urls)) return;
  standbyReady ??= (async () => {
    const loaded = await Promise.all(urls.filter((u) => typeof u === "string" && u.startsWith("file:")).map((u) => importWithSdkFallback(u).catch(() => undefined)));
    const modules = loaded.flatMap((ns) => (Array.isArray(ns?.sdkModules) ? ns.sdkModules : []));
    if (!modules.length || initPromise) return undefined;
    const { warmUpSdk } = await import("./sdk-warmup.mjs");
    return await warmUpSdk(modules);
  })().catch(() => undefined);
}

/**
 * Imports the handler module. When it imports an AWS SDK package its own directory can't
 * resolve, the resolve hooks that fall back to the runtime's copy are registered then
 * (they run in a thread of their own: ~10 MB an environment that needs none) and the
 * import is tried again.
 */
let hooksRegistered = false;
async function importWithSdkFallback(url) {
  try {
    return await import(url);
  } catch (err) {
    const missing = /Cannot find (?:package|module) '((?:@aws-sdk|@smithy)\/[^']+)'/.exec(String(err?.message))?.[1];
    if (hooksRegistered || err?.code !== "ERR_MODULE_NOT_FOUND" || !missing) throw err;
    hooksRegistered = true;
    register(config.hooksURL, { data: { fallbackParentURL: config.fallbackParentURL } });
    // A failed import stays failed in the module map: import the file again under a new URL.
    return await import(`${url}?sdk-fallback`);
  }
}

function ensureInitialized() {
  initPromise ??= (async () => {
    // A standby given its code while still warming up finishes that first (the warm-up
    // is what makes the first invocation quick), and its held-back SDK warnings come now.
    if (standbyReady) (await standbyReady)?.emitHeldWarnings();
    const started = performance.now();
    await initialize();
    initDurationMsTotal = performance.now() - started;
    initDone = true;
    send(`${TO_PARENT.initialized}\n`);
  })();
  return initPromise;
}

/**
 * Invocations handed over while one runs wait here and start as it ends: one at a time,
 * as in any execution environment.
 */
const backlog = [];
let running = false;

async function drain() {
  running = true;
  while (backlog.length) {
    await allWritten();
    await runInvocation(backlog.shift());
  }
  running = false;
}

async function runInvocation(frame) {
  const [requestId, timeoutMs, invokedFunctionArn, clientContext, payload] = fields(frame, 5);
  currentRequestId = requestId;
  // "Init Duration" is reported when this invocation waited for the init phase, as on
  // AWS; an environment pre-warmed ahead of its first request reports none (like AWS's
  // proactive initialization).
  const waitedForInit = !invokedOnce && !initDone;
  invokedOnce = true;
  if (!initDone) await ensureInitialized();
  const initMs = waitedForInit ? String(initDurationMsTotal) : "";
  // The timeout counts from this invocation's own start, after init (as the pool's clock does).
  const deadline = Date.now() + Number(timeoutMs);
  if (initError) {
    logLine(`${new Date().toISOString()}\t${requestId}\tERROR\t${initError.errorType}: ${initError.errorMessage}`);
    send(`${TO_PARENT.error}${requestId}\t0\t${initMs}\t${checkMemory()}\t1\t${JSON.stringify(initError)}\n`);
    return;
  }
  const context = new Context(requestId, deadline, invokedFunctionArn, clientContext ? JSON.parse(clientContext) : undefined);
  const handlerStarted = performance.now();
  let outcome;
  let event;
  try {
    event = JSON.parse(payload || "null");
  } catch {
    outcome = { ok: false, error: { name: "Runtime.InvalidPayload", message: "Could not parse request body into json" } };
  }
  if (!outcome) {
    // The common case, an async handler: await its promise, nothing more.
    if (handlerFn.length < 3) {
      try {
        const result = handlerFn(event, context);
        if (result && typeof result.then === "function") outcome = { ok: true, value: await result };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome === undefined) outcome = await settleWithoutPromise(context);
    } else {
      outcome = await callWithCallback(event, context);
    }
    // context.succeed/fail/done called before an async handler's promise settled: that answer wins.
    if (context.answer && !context.waited) outcome = context.answer;
  }
  const handlerMs = performance.now() - handlerStarted;
  flushStdStreams();
  if (!outcome.ok && isAllocationFailure(outcome.error)) outOfMemory();
  const rss = checkMemory();
  if (outcome.ok) {
    let text;
    try {
      text = JSON.stringify(outcome.value === undefined ? null : outcome.value);
    } catch (err) {
      const error = { errorType: "Runtime.SerializationError", errorMessage: String(err?.message ?? err), trace: [] };
      send(`${TO_PARENT.error}${requestId}\t${handlerMs}\t${initMs}\t${rss}\t0\t${JSON.stringify(error)}\n`);
      return;
    }
    send(`${TO_PARENT.result}${requestId}\t${handlerMs}\t${initMs}\t${rss}\t${text ?? "null"}\n`);
  } else {
    const error = toErrorPayload(outcome.error);
    logLine(`${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace })}`);
    send(`${TO_PARENT.error}${requestId}\t${handlerMs}\t${initMs}\t${rss}\t0\t${JSON.stringify(error)}\n`);
  }
}

/**
 * Sends a frame now, after every log line queued before it. A result is never held back
 * for the next one: if the next invocation ends the process, the ones before it must
 * already be answered.
 */
function send(frame) {
  outbox += frame;
  flush();
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
      const parsed = parseHandler(config.handler);
      if (!parsed) {
        initError = { errorType: "Runtime.MalformedHandlerName", errorMessage: "Bad handler", trace: [] };
        return;
      }
      modulePath = findModuleFile(resolvePath(config.taskRoot, parsed.module));
      exportPath = parsed.exportPath;
      if (!modulePath) {
        initError = {
          errorType: "Runtime.ImportModuleError",
          errorMessage: `Error: Cannot find module '${parsed.module}'\nRequire stack:\n- ${join(config.taskRoot, "index.mjs")}`,
          trace: [],
        };
        return;
      }
    }
    const mod = await importWithSdkFallback(pathToFileURL(modulePath).href);
    const fn = lookup(mod, exportPath);
    if (typeof fn !== "function") {
      const shown = file ? `${modulePath}.${exportPath}` : config.handler;
      initError = { errorType: "Runtime.HandlerNotFound", errorMessage: `${shown} is undefined or not exported`, trace: [] };
      return;
    }
    handlerFn = fn;
  } catch (err) {
    if (isAllocationFailure(err)) outOfMemory();
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
    if (fs.existsSync(candidate) && (ext !== "" || /\.[cm]?js$/.test(candidate))) return candidate;
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
 * The Lambda context object. Methods live on the prototype, so an invocation allocates
 * one small object. The legacy context.done/succeed/fail answer the invocation: at once
 * when the handler returned a promise or callbackWaitsForEmptyEventLoop is false,
 * otherwise once the event loop is empty (see callWithCallback / settleWithoutPromise).
 */
/** The deadline's key: a symbol, so neither JSON.stringify nor Object.keys show it (AWS's context has no such field). */
const DEADLINE = Symbol("deadline");

class Context {
  constructor(requestId, deadline, invokedFunctionArn, clientContext) {
    this.awsRequestId = requestId;
    this.invokedFunctionArn = invokedFunctionArn;
    this.clientContext = clientContext;
    this.identity = undefined;
    this.callbackWaitsForEmptyEventLoop = true;
    /** The first answer given through done/succeed/fail/callback. */
    this.answer = undefined;
    /** Set while an answer waits for the event loop to empty (it is delivered then). */
    this.waited = false;
    /** Called with the answer when it should be delivered at once. */
    this.deliver = undefined;
    // Not Object.defineProperty: defining a property in the constructor turned every
    // context into a slow dictionary-mode object (5 % of the environment's time). Not a
    // #private field either: code that wraps the context in a Proxy must still call this.
    this[DEADLINE] = deadline;
  }
  get functionName() {
    return config.functionName;
  }
  get functionVersion() {
    return config.functionVersion;
  }
  get memoryLimitInMB() {
    return String(config.memoryMb);
  }
  get logGroupName() {
    return config.logGroupName;
  }
  get logStreamName() {
    return config.logStreamName;
  }
  getRemainingTimeInMillis() {
    return Math.max(0, this[DEADLINE] - Date.now());
  }
  done(err, value) {
    if (this.answer) return;
    this.answer = err != null ? { ok: false, error: err } : { ok: true, value };
    if (this.deliver && !this.callbackWaitsForEmptyEventLoop) this.deliver(this.answer);
  }
  succeed(value) {
    this.done(null, value);
  }
  fail(err) {
    this.done(err ?? new Error("handled"));
  }
}

/** Resolves the invocation with its first outcome only, and stops taking late callbacks. */
function settleOnce(context, resolve) {
  let settled = false;
  return (outcome) => {
    if (settled) return;
    settled = true;
    context.deliver = undefined;
    resolve(outcome);
  };
}

/**
 * A handler that returned no promise: its answer is the first callback/done, or null,
 * delivered once the event loop is empty (unless callbackWaitsForEmptyEventLoop was
 * set to false), as on AWS.
 */
function settleWithoutPromise(context) {
  return new Promise((resolve) => {
    const finish = settleOnce(context, resolve);
    if (context.answer && !context.callbackWaitsForEmptyEventLoop) return finish(context.answer);
    context.deliver = finish;
    context.waited = true;
    whenEventLoopEmpty(() => finish(context.answer ?? { ok: true, value: null }));
  });
}

/** A callback handler (three parameters): its callback is context.done. */
function callWithCallback(event, context) {
  return new Promise((resolve) => {
    const finish = settleOnce(context, resolve);
    try {
      const result = handlerFn(event, context, (err, value) => context.done(err, value));
      if (result && typeof result.then === "function") {
        // An async function with a callback parameter: whichever answers first.
        if (context.answer) return finish(context.answer);
        context.deliver = finish;
        result.then((value) => finish(context.answer ?? { ok: true, value }), (error) => finish(context.answer ?? { ok: false, error }));
        return;
      }
    } catch (error) {
      return finish(context.answer ?? { ok: false, error });
    }
    settleWithoutPromise(context).then(finish);
  });
}

/** Counts of the runtime's own open resources (its channel, stdio), taken once configured. */
let baseline = new Map();
function countResources() {
  const counts = new Map();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/**
 * Runs `done` once the process has nothing left to do but listen to the pool: no
 * timers, sockets or pending I/O of the user's code. Checked from a timer, which counts
 * itself while it runs.
 */
function whenEventLoopEmpty(done) {
  const check = () => {
    flush();
    const counts = countResources();
    let busy = 0;
    for (const [type, n] of counts) busy += Math.max(0, n - (baseline.get(type) ?? 0) - (type === "Timeout" ? 1 : 0));
    if (busy === 0) done();
    else setTimeout(check, 5);
  };
  setTimeout(check, 0);
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
  if (isAllocationFailure(err)) outOfMemory();
  const payload = toErrorPayload(err);
  const error = err instanceof Error ? { ...payload, errorType: payload.errorType === "Error" ? fallbackType : payload.errorType } : { ...payload, errorType: fallbackType };
  flushStdStreams();
  logLine(`${new Date().toISOString()}\t${currentRequestId}\tERROR\t${fallbackType} \t${JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.trace })}`);
  outbox += `${TO_PARENT.crash}${currentRequestId ?? ""}\t${JSON.stringify(error)}\n`;
  flushSync();
  process.exit(1);
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
function installCommonJsSdkFallback(fallbackParentURL) {
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
