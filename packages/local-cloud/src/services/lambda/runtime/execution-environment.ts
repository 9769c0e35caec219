/**
 * One execution environment: a child process running worker/bootstrap.mjs for one
 * function's code, with the function's environment and nothing of the host's. It
 * runs one invocation at a time and survives between them (warm reuse). Whatever the
 * user code does — throw, hang, exit, kill its own process, run out of memory — the
 * outcome is reported to the caller with Lambda's error, and only this process ends.
 *
 * Under load the pool may hand an environment its next invocations while it still runs
 * one (up to PIPELINE_DEPTH): they wait in the process, which starts each as the one
 * before ends, without a round trip through the local cloud — so a burst costs a few
 * writes and wake-ups, not two a request. Each still runs alone, its timeout counted
 * from its own start. Invocations that never started when the process ends (a timeout,
 * a crash) come back as NOT_STARTED, for the pool to run elsewhere.
 *
 * Memory is bounded as the function's memory size says (see sandbox-limits.ts); the
 * process runs at a lower CPU priority than the local cloud, so a busy handler cannot
 * starve the server that would stop it at its timeout.
 */
import { TO_CHILD, TO_PARENT, fields } from "./worker/channel.mjs";
import { startHost, type EnvironmentHost } from "./environment-host.js";
import { exitDescription } from "./sandbox-limits.js";

const HOOKS_URL = new URL("./worker/sdk-resolve-hooks.mjs", import.meta.url).href;
/** Bare `@aws-sdk/*` specifiers the function can't resolve are resolved from here (this package). */
const FALLBACK_PARENT_URL = new URL("../../../../package.json", import.meta.url).href;

/** What an environment is started with. `codeKey` names the code + configuration it runs. */
export interface WorkerLaunch {
  codeKey: string;
  taskRoot: string;
  /** `_HANDLER`, e.g. "src/index.handler". */
  handler: string;
  /** sst dev: load this file instead of resolving `handler` in taskRoot. */
  file?: string;
  exportName?: string;
  /** sst dev: a module importing the AWS SDK modules `file` imports, for a standby to load ahead. */
  preload?: string;
  /** The complete environment of the process (its `process.env`, and all of it). */
  env: Record<string, string>;
  /** The code's runtime when it is not Node.js ("python3.12"): the environment runs that language's bootstrap. */
  runtime?: string;
  memoryMb: number;
  /** Fixed context fields of every invocation. */
  functionName: string;
  functionVersion: string;
}

export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  /** Node.js's name for the stack. */
  trace?: string[];
  /** Python's. */
  stackTrace?: string[];
}

export interface InvocationRequest {
  requestId: string;
  /** The event as JSON text. */
  payload: string;
  timeoutMs: number;
  invokedFunctionArn: string;
  clientContext?: unknown;
  /** Receives each log line as the code writes it. */
  onLog(line: string): void;
}

export type InvocationOutcome =
  /** durationMs: the handler's own run time (without spawn and init). maxMemoryMb: the largest resident set seen. */
  | { status: "success"; payload: string; durationMs: number; initDurationMs?: number; maxMemoryMb?: number }
  | { status: "error" | "timeout"; error: RuntimeError; durationMs: number; initDurationMs?: number; maxMemoryMb?: number };

/** A pre-warmed module that logs without end must not grow memory without end. */
const MAX_INIT_LOG_LINES = 1000;
/** The tail of the process's own stderr kept to explain how it died (V8's fatal errors). */
const STDERR_TAIL = 4096;

/** Invocations an environment holds at once: one running, the rest waiting in its process. */
export const PIPELINE_DEPTH = 4;
/**
 * The same for a quick function (its invocations take well under a millisecond), which
 * one environment serves alone: all a burst's invocations go to it at once, in a few
 * writes, rather than waiting in the pool for each answer to make room for the next
 * (a promise, a wake-up and a dispatch more per request).
 */
export const QUICK_PIPELINE_DEPTH = 32;

/** What `invoke` resolves to for an invocation the process never started (it ended first). */
export const NOT_STARTED = Symbol("not started");

type Pending = {
  req: InvocationRequest;
  started: number;
  resolve(o: InvocationOutcome | typeof NOT_STARTED): void;
  timer?: NodeJS.Timeout;
  initClock?: boolean;
  /** Init ran past INIT_LIMIT_MS: it goes on under the function's timeout (see onTimeout). */
  initOverran?: boolean;
};

/**
 * Lambda's limit on the init phase; the function's timeout counts only once init is over.
 * LOCAL_CLOUD_LAMBDA_INIT_LIMIT_MS shortens it for tests.
 */
export const INIT_LIMIT_MS = Number(process.env.LOCAL_CLOUD_LAMBDA_INIT_LIMIT_MS) || 10_000;

export class ExecutionEnvironment {
  private readonly host: EnvironmentHost;
  /**
   * "busy": holds invocations (see `load`).
   * "standby": spawned ahead for the function's next code (see `adopt`); never serves before that.
   */
  state: "idle" | "busy" | "dead" | "standby" = "idle";
  /** When the process was spawned, or (a standby) given its code: the start of its cold start. */
  createdAt = performance.now();
  lastUsed = Date.now();
  /** Set by recycle() while busy: end the process once the invocation finishes. */
  retire = false;
  /** Whether an invocation ran (or runs) here; the first one is the cold start. */
  served = false;
  /** The largest resident set the process reported, in MB. */
  maxMemoryMb = 0;
  /** Invocations handed to the process, oldest (the running one) first. */
  private readonly queue: Pending[] = [];
  /** Frames written this event-loop turn go out in one write. */
  private outbox = "";
  private flushScheduled = false;
  /** Lines the code logged during a pre-warm init, before any invocation: the first invocation gets them. */
  private initLogs?: string[];
  /** The process said it ran out of memory (it kills itself right after). */
  private outOfMemory = false;
  /** The init phase is over (the code is loaded, or failed to): the first invocation's timeout counts from then. */
  private initialized = false;
  private stderrTail = "";

  /** Receives log lines written while no invocation runs. */
  strayLog?: (line: string) => void;
  /** Told once the process is gone, whatever the reason. */
  onDeath?: () => void;

  constructor(
    public launch: WorkerLaunch,
    readonly logStreamName: string,
    opts: { standby?: boolean } = {},
  ) {
    if (opts.standby) this.state = "standby";
    // Code run from source (sst dev) sees IS_LOCAL=true, whatever its runtime, as under SST v2's dev mode.
    const env = { ...launch.env, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName, ...(launch.file !== undefined ? { IS_LOCAL: "true" } : {}) };
    const outputs = { stdout: "", stderr: "" };
    this.host = startHost(
      // On AWS the working directory is the code directory; sst dev's source builds run
      // where the dev process runs, as SST's own dev mode does (Python source in its own
      // folder, the taskRoot: SST v2 ran Python there).
      { env, cwd: launch.file && !launch.runtime ? process.cwd() : launch.taskRoot, memoryMb: launch.memoryMb, runtime: launch.runtime },
      {
        frame: (frame) => this.onFrame(frame),
        output: (chunk, isStderr) => {
          if (isStderr) this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
          const key = isStderr ? "stderr" : "stdout";
          const lines = (outputs[key] + chunk).split("\n");
          outputs[key] = lines.pop() ?? "";
          for (const line of lines) this.logLine(line);
        },
        exit: (code, signal, outOfMemory) => {
          for (const key of ["stdout", "stderr"] as const) if (outputs[key]) this.logLine(outputs[key]);
          if (outOfMemory) this.outOfMemory = true;
          this.onExit(code, signal);
        },
        spawnError: (err) => this.onSpawnError(err),
      },
    );
    this.send(
      `${TO_CHILD.configure}${JSON.stringify({
        taskRoot: launch.taskRoot,
        handler: launch.handler,
        file: launch.file,
        exportName: launch.exportName,
        hooksURL: HOOKS_URL,
        fallbackParentURL: FALLBACK_PARENT_URL,
        memoryMb: launch.memoryMb,
        functionName: launch.functionName,
        functionVersion: launch.functionVersion,
        logGroupName: `/aws/lambda/${launch.functionName}`,
        logStreamName,
      })}\n`,
    );
  }

  /**
   * Runs the init phase (loads the handler module) now, so the first invocation finds
   * a warm environment. What the module logs meanwhile is kept for that invocation's log.
   */
  prewarm(): void {
    if (this.served || this.state === "dead") return;
    this.initLogs ??= [];
    this.send(`${TO_CHILD.init}{}\n`);
  }

  /** A standby loads these modules (file: URLs) now, ahead of its code. */
  preload(urls: string[]): void {
    if (this.state === "standby" && urls.length) this.send(`${TO_CHILD.preload}${JSON.stringify(urls)}\n`);
  }

  /** Whether this standby can run `launch`: the environment and limits it was spawned with, other code only. */
  canAdopt(launch: WorkerLaunch): boolean {
    const l = this.launch;
    return this.state === "standby" && l.env === launch.env && l.taskRoot === launch.taskRoot && l.handler === launch.handler && l.memoryMb === launch.memoryMb && !!launch.file;
  }

  /** Gives a standby its code and starts its init: it becomes an idle (pre-warmed) environment on `launch`. */
  adopt(launch: WorkerLaunch): void {
    if (!this.canAdopt(launch)) throw new Error("this execution environment cannot take that code");
    this.launch = launch;
    this.state = "idle";
    // The pool's age limit (there for the credentials in `launch.env`) may count from
    // here: only the very environment object the standby was spawned with is adopted,
    // and the runtime issues a new one every 10 minutes, so those credentials are young.
    this.createdAt = performance.now();
    this.initLogs = [];
    this.send(`${TO_CHILD.init}${JSON.stringify({ file: launch.file, exportName: launch.exportName })}\n`);
  }

  /** Invocations handed to this environment and not finished (the first one runs). */
  get load(): number {
    return this.queue.length;
  }

  /**
   * Runs `req` here: at once when idle, else after the invocations before it. Resolves
   * with its outcome, or NOT_STARTED when the process ended before it began.
   */
  invoke(req: InvocationRequest): Promise<InvocationOutcome | typeof NOT_STARTED> {
    if (this.state !== "idle" && this.state !== "busy") throw new Error(`execution environment is ${this.state}`);
    this.state = "busy";
    this.served = true;
    const early = this.initLogs;
    if (early) {
      this.initLogs = undefined;
      for (const line of early) req.onLog(line);
    }
    return new Promise((resolve) => {
      const p: Pending = { req, started: 0, resolve };
      this.queue.push(p);
      if (this.queue.length === 1) this.startClock(p);
      const context = req.clientContext === undefined ? "" : JSON.stringify(req.clientContext);
      this.send(`${TO_CHILD.invoke}${req.requestId}\t${req.timeoutMs}\t${req.invokedFunctionArn}\t${context}\t${req.payload}\n`);
    });
  }

  terminate(): void {
    if (this.state === "dead") return;
    this.state = "dead";
    this.host.kill();
    // An invocation still running ends now, not when the exit event arrives.
    const p = this.queue[0];
    if (p) {
      const message = `RequestId: ${p.req.requestId} Error: Runtime exited with error: terminated`;
      this.finish({ status: "error", error: { errorType: "Runtime.ExitError", errorMessage: message }, durationMs: this.elapsed() }, false);
    }
  }

  /**
   * The invocation at the head of the queue starts now (the process starts it as soon
   * as it has it). Before the init phase is over its clock is the init limit; its own
   * timeout starts once init is done, as on AWS, so a cold start never eats into it.
   */
  private startClock(p: Pending): void {
    p.started = performance.now();
    p.initClock = !this.initialized;
    p.timer = setTimeout(() => this.onTimeout(), this.initialized ? p.req.timeoutMs : INIT_LIMIT_MS);
  }

  private send(frame: string): void {
    if (this.state === "dead" || !this.host.writable) return;
    this.outbox += frame;
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After this turn's other dispatches to this process: one write for all of them.
    setImmediate(() => {
      this.flushScheduled = false;
      const data = this.outbox;
      this.outbox = "";
      if (data && this.state !== "dead" && this.host.writable) this.host.write(data);
    });
  }

  /** Ends the running invocation; the next one in the queue starts (or, if the process goes, none does). */
  private finish(outcome: InvocationOutcome, keepAlive: boolean): void {
    const p = this.queue.shift();
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    this.lastUsed = Date.now();
    if (outcome.maxMemoryMb === undefined && this.maxMemoryMb) outcome.maxMemoryMb = this.maxMemoryMb;
    if (!keepAlive) {
      // The rest never started (taken off first, so ending the process can't fail them): the pool runs them elsewhere.
      for (const waiting of this.queue.splice(0)) {
        if (waiting.timer) clearTimeout(waiting.timer);
        waiting.resolve(NOT_STARTED);
      }
      this.terminate();
    } else if (this.queue.length) this.startClock(this.queue[0]!);
    else if (this.state === "busy") this.state = "idle";
    p.resolve(outcome);
  }

  /**
   * How long the running invocation has been in its handler (init excluded: a cold start
   * says nothing of how long the function's invocations take); 0 when none runs.
   */
  runningForMs(now = performance.now()): number {
    const p = this.queue[0];
    return p && this.initialized && !p.initClock ? now - p.started : 0;
  }

  private elapsed(): number {
    const p = this.queue[0];
    return p ? performance.now() - p.started : 0;
  }

  private onFrame(frame: string): void {
    const type = frame[0];
    if (type === TO_PARENT.log) {
      const [requestId, json] = fields(frame, 2);
      this.logLine(JSON.parse(json!), requestId!);
      return;
    }
    if (type === TO_PARENT.initialized) {
      this.initialized = true;
      const head = this.queue[0];
      // After an overrun the function's timeout already runs, and covers the handler too.
      if (head?.initClock && !head.initOverran) {
        if (head.timer) clearTimeout(head.timer);
        this.startClock(head);
      }
      return;
    }
    if (type === TO_PARENT.outOfMemory) {
      this.outOfMemory = true;
      const [, rss] = fields(frame, 2);
      this.noteMemory(Number(rss));
      return;
    }
    const p = this.queue[0];
    if (type === TO_PARENT.result) {
      const [requestId, handlerMs, initMs, rss, payload] = fields(frame, 5);
      if (!p || requestId !== p.req.requestId) return;
      this.noteMemory(Number(rss));
      this.finish({ status: "success", payload: payload!, durationMs: Number(handlerMs), initDurationMs: initMs ? Number(initMs) : undefined, maxMemoryMb: this.maxMemoryMb }, true);
    } else if (type === TO_PARENT.error) {
      const [requestId, handlerMs, initMs, rss, fatal, error] = fields(frame, 6);
      if (!p || requestId !== p.req.requestId) return;
      this.noteMemory(Number(rss));
      const durationMs = Number(handlerMs) || this.elapsed();
      this.finish({ status: "error", error: JSON.parse(error!), durationMs, initDurationMs: initMs ? Number(initMs) : undefined, maxMemoryMb: this.maxMemoryMb }, fatal !== "1");
    } else if (type === TO_PARENT.crash) {
      const [requestId, error] = fields(frame, 2);
      if (!p || requestId !== p.req.requestId) return;
      this.finish({ status: "error", error: JSON.parse(error!), durationMs: this.elapsed() }, false);
    }
  }

  private noteMemory(mb: number): void {
    if (mb > this.maxMemoryMb) this.maxMemoryMb = mb;
  }

  /** A log line, to the invocation it belongs to (or the init log, or the stray log). */
  private logLine(line: string, requestId?: string): void {
    const p = this.queue[0];
    // Logs written after an invocation ended (timers left running) still reach the log stream.
    if (p && (requestId === undefined || requestId === "" || requestId === p.req.requestId || requestId === "undefined")) p.req.onLog(line);
    else if (this.initLogs && this.initLogs.length < MAX_INIT_LOG_LINES) this.initLogs.push(line);
    else this.strayLog?.(line);
  }

  private onTimeout(): void {
    const p = this.queue[0];
    if (!p) return;
    if (p.initClock && !p.initOverran) {
      // On AWS an on-demand init that passes the limit is run again inside the invocation,
      // under the function's timeout ("suppressed init"): the request fails only if that
      // runs out too. Here the init goes on (starting it over could only take longer), and
      // the function's timeout now counts. A starved machine's slow cold start is no error.
      p.initOverran = true;
      p.req.onLog(`INIT_REPORT Init Duration: ${INIT_LIMIT_MS.toFixed(2)} ms\tPhase: init\tStatus: timeout`);
      p.timer = setTimeout(() => this.onTimeout(), p.req.timeoutMs);
      return;
    }
    const seconds = ((p.initClock && !p.initOverran ? INIT_LIMIT_MS : p.req.timeoutMs) / 1000).toFixed(2);
    const line = `${new Date().toISOString()} ${p.req.requestId} Task timed out after ${seconds} seconds`;
    p.req.onLog(line);
    this.finish(
      {
        status: "timeout",
        error: { errorType: "Sandbox.Timedout", errorMessage: `RequestId: ${p.req.requestId} Error: Task timed out after ${seconds} seconds` },
        durationMs: p.req.timeoutMs,
      },
      false,
    );
  }

  private onSpawnError(err: Error): void {
    const p = this.queue[0];
    this.markDead();
    if (!p) return;
    const message = `RequestId: ${p.req.requestId} Error: Runtime failed to start: ${err.message}`;
    p.req.onLog(message);
    this.finish({ status: "error", error: { errorType: "Runtime.ExitError", errorMessage: message }, durationMs: this.elapsed() }, false);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const p = this.queue[0];
    this.markDead();
    if (!p) return;
    const exit = exitDescription(code, signal, this.outOfMemory, this.stderrTail);
    const message = `RequestId: ${p.req.requestId} Error: Runtime exited with error: ${exit.description}`;
    p.req.onLog(message);
    this.finish({ status: "error", error: { errorType: exit.outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError", errorMessage: message }, durationMs: this.elapsed() }, false);
  }

  private markDead(): void {
    this.state = "dead";
    const notify = this.onDeath;
    this.onDeath = undefined;
    notify?.();
  }
}
