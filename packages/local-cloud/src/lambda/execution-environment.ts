/**
 * One execution environment: a worker thread running worker/bootstrap.mjs for one
 * function's code. It serves one invocation at a time and survives between them
 * (warm reuse). Whatever the user code does — throw, hang, exit, run out of memory —
 * the outcome is reported to the caller and never escapes into the server.
 */
import { Worker } from "node:worker_threads";

const BOOTSTRAP_URL = new URL("./worker/bootstrap.mjs", import.meta.url);
const HOOKS_URL = new URL("./worker/sdk-resolve-hooks.mjs", import.meta.url).href;
/** Bare `@aws-sdk/*` specifiers the function can't resolve are resolved from here (this package). */
const FALLBACK_PARENT_URL = new URL("../../package.json", import.meta.url).href;

/** What a worker is started with. `codeKey` names the code + configuration it runs. */
export interface WorkerLaunch {
  codeKey: string;
  taskRoot: string;
  /** `_HANDLER`, e.g. "src/index.handler". */
  handler: string;
  /** sst dev: load this file instead of resolving `handler` in taskRoot. */
  file?: string;
  exportName?: string;
  /** The complete environment of the worker (its own `process.env`). */
  env: Record<string, string>;
  memoryMb: number;
}

export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface InvocationRequest {
  requestId: string;
  /** The event as JSON text. */
  payload: string;
  timeoutMs: number;
  context: {
    functionName: string;
    functionVersion: string;
    invokedFunctionArn: string;
    memoryLimitInMB: number;
    logGroupName: string;
    clientContext?: unknown;
    identity?: unknown;
  };
  /** Receives each log line as the code writes it. */
  onLog(line: string): void;
}

export type InvocationOutcome =
  /** durationMs: the handler's own run time (without worker spawn and init). */
  | { status: "success"; payload: string; durationMs: number; initDurationMs?: number }
  | { status: "error" | "timeout"; error: RuntimeError; durationMs: number; initDurationMs?: number };

/** A pre-warmed module that logs without end must not grow memory without end. */
const MAX_INIT_LOG_LINES = 1000;

type Pending = { req: InvocationRequest; started: number; resolve(o: InvocationOutcome): void; timer: NodeJS.Timeout };

export class ExecutionEnvironment {
  readonly worker: Worker;
  /**
   * "reserved": handed to an invocation by the pool, not yet started.
   * "standby": spawned ahead for the function's next code (see `adopt`); never serves before that.
   */
  state: "idle" | "reserved" | "busy" | "dead" | "standby" = "reserved";
  /** When the worker was spawned, or (a standby) given its code: the start of its cold start. */
  createdAt = performance.now();
  lastUsed = Date.now();
  /** Set by recycle() while busy: end the worker once the invocation finishes. */
  retire = false;
  /** Whether an invocation ran (or runs) here; the first one is the cold start. */
  served = false;
  private pending?: Pending;
  /** Lines the code logged during a pre-warm init, before any invocation: the first invocation gets them. */
  private initLogs?: string[];

  /** Receives the AWS SDK module URLs the worker's code loaded (for a later standby's preload). */
  onModules?: (urls: string[]) => void;

  constructor(
    public launch: WorkerLaunch,
    readonly logStreamName: string,
    opts: { standby?: boolean } = {},
  ) {
    if (opts.standby) this.state = "standby";
    this.worker = new Worker(BOOTSTRAP_URL, {
      env: { ...launch.env, AWS_LAMBDA_LOG_STREAM_NAME: logStreamName },
      // No --import tsx in the worker: user code is JavaScript, and tsx would slow cold starts.
      execArgv: [],
      workerData: {
        taskRoot: launch.taskRoot,
        handler: launch.handler,
        file: launch.file,
        exportName: launch.exportName,
        hooksURL: HOOKS_URL,
        fallbackParentURL: FALLBACK_PARENT_URL,
      },
      // Like the function's memory size on AWS: the heap may not grow past it.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, launch.memoryMb) },
      stdout: false,
      stderr: false,
    });
    this.worker.on("message", (msg) => this.onMessage(msg));
    this.worker.on("error", (err) => this.onWorkerError(err));
    this.worker.on("exit", (code) => this.onExit(code));
    // The pool decides when the process may exit; an idle worker must not keep it alive.
    this.worker.unref();
  }

  /**
   * Runs the init phase (loads the handler module) now, so the first invocation finds
   * a warm worker. What the module logs meanwhile is kept for that invocation's log.
   */
  prewarm(): void {
    if (this.served || this.state === "dead") return;
    this.initLogs ??= [];
    this.worker.postMessage({ type: "init" });
  }

  /** A standby loads these AWS SDK modules now, ahead of its code. */
  preload(urls: string[]): void {
    if (this.state === "standby" && urls.length) this.worker.postMessage({ type: "preload", urls });
  }

  /** Whether this standby can run `launch`: the environment and limits it was spawned with, other code only. */
  canAdopt(launch: WorkerLaunch): boolean {
    const l = this.launch;
    return this.state === "standby" && l.env === launch.env && l.taskRoot === launch.taskRoot && l.handler === launch.handler && l.memoryMb === launch.memoryMb && !!launch.file;
  }

  /** Gives a standby its code and starts its init: it becomes an idle (pre-warmed) worker on `launch`. */
  adopt(launch: WorkerLaunch): void {
    if (!this.canAdopt(launch)) throw new Error("this execution environment cannot take that code");
    this.launch = launch;
    this.state = "idle";
    // The pool's age limit (there for the credentials in `launch.env`) may count from
    // here: only the very environment object the standby was spawned with is adopted,
    // and the runtime issues a new one every 10 minutes, so those credentials are young.
    this.createdAt = performance.now();
    this.initLogs = [];
    this.worker.postMessage({ type: "init", file: launch.file, exportName: launch.exportName });
  }

  invoke(req: InvocationRequest): Promise<InvocationOutcome> {
    if (this.state !== "reserved" && this.state !== "idle") throw new Error(`execution environment is ${this.state}`);
    this.state = "busy";
    this.served = true;
    const early = this.initLogs;
    this.initLogs = undefined;
    for (const line of early ?? []) req.onLog(line);
    return new Promise((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => this.onTimeout(), req.timeoutMs);
      this.pending = { req, started, resolve, timer };
      this.worker.postMessage({
        type: "invoke",
        requestId: req.requestId,
        payload: req.payload,
        deadline: Date.now() + req.timeoutMs,
        context: { ...req.context, logStreamName: this.logStreamName },
      });
    });
  }

  terminate(): void {
    if (this.state === "dead") return;
    this.state = "dead";
    void this.worker.terminate().catch(() => undefined);
    // An invocation still running ends now, not when the exit event arrives.
    const p = this.pending;
    if (p) {
      const message = `RequestId: ${p.req.requestId} Error: Runtime exited with error: terminated`;
      this.finish({ status: "error", error: { errorType: "Runtime.ExitError", errorMessage: message }, durationMs: this.elapsed() }, false);
    }
  }

  private finish(outcome: InvocationOutcome, keepAlive: boolean): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    this.lastUsed = Date.now();
    if (!keepAlive) this.terminate();
    else if (this.state === "busy") this.state = "idle";
    p.resolve(outcome);
  }

  private elapsed(): number {
    return this.pending ? performance.now() - this.pending.started : 0;
  }

  private onMessage(msg: any): void {
    const p = this.pending;
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "log") {
      // Logs written after an invocation ended (timers left running) still reach the log stream.
      if (p) p.req.onLog(String(msg.line));
      else if (this.initLogs && this.initLogs.length < MAX_INIT_LOG_LINES) this.initLogs.push(String(msg.line));
      else this.strayLog?.(String(msg.line));
      return;
    }
    if (msg.type === "modules") {
      if (Array.isArray(msg.urls)) this.onModules?.(msg.urls.filter((u: unknown): u is string => typeof u === "string"));
      return;
    }
    if (!p || msg.requestId !== p.req.requestId) return;
    // The worker times the handler itself, so spawn and init time stay out of Duration.
    const durationMs = typeof msg.handlerMs === "number" ? msg.handlerMs : this.elapsed();
    const initDurationMs = typeof msg.initDurationMs === "number" ? msg.initDurationMs : undefined;
    if (msg.type === "result") {
      if (msg.ok) this.finish({ status: "success", payload: String(msg.payload), durationMs, initDurationMs }, true);
      else this.finish({ status: "error", error: msg.error, durationMs, initDurationMs }, !msg.fatal);
    } else if (msg.type === "crash") {
      this.finish({ status: "error", error: msg.error, durationMs, initDurationMs }, false);
    }
  }

  /** Receives log lines written while no invocation runs. */
  strayLog?: (line: string) => void;

  private onTimeout(): void {
    const p = this.pending;
    if (!p) return;
    const seconds = (p.req.timeoutMs / 1000).toFixed(2);
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

  private onWorkerError(err: Error & { code?: string }): void {
    const p = this.pending;
    this.state = "dead";
    if (!p) return;
    const outOfMemory = err?.code === "ERR_WORKER_OUT_OF_MEMORY";
    const error: RuntimeError = outOfMemory
      ? { errorType: "Runtime.OutOfMemory", errorMessage: `RequestId: ${p.req.requestId} Error: Runtime exited with error: signal: killed` }
      : { errorType: err?.name ?? "Error", errorMessage: String(err?.message ?? err), trace: err?.stack?.split("\n") };
    p.req.onLog(`RequestId: ${p.req.requestId} Error: Runtime exited with error: ${outOfMemory ? "signal: killed" : String(err?.message ?? err)}`);
    this.finish({ status: "error", error, durationMs: this.elapsed() }, false);
  }

  private onExit(code: number): void {
    const p = this.pending;
    this.state = "dead";
    if (!p) return;
    const message = `RequestId: ${p.req.requestId} Error: Runtime exited with error: exit status ${code}`;
    p.req.onLog(message);
    this.finish({ status: "error", error: { errorType: "Runtime.ExitError", errorMessage: message }, durationMs: this.elapsed() }, false);
  }
}
