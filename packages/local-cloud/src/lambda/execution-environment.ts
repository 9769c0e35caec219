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

type Pending = { req: InvocationRequest; started: number; resolve(o: InvocationOutcome): void; timer: NodeJS.Timeout };

export class ExecutionEnvironment {
  readonly worker: Worker;
  /** "reserved": handed to an invocation by the pool, not yet started. */
  state: "idle" | "reserved" | "busy" | "dead" = "reserved";
  readonly createdAt = performance.now();
  lastUsed = Date.now();
  /** Set by recycle() while busy: end the worker once the invocation finishes. */
  retire = false;
  private pending?: Pending;

  constructor(
    readonly launch: WorkerLaunch,
    readonly logStreamName: string,
  ) {
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

  invoke(req: InvocationRequest): Promise<InvocationOutcome> {
    if (this.state !== "reserved" && this.state !== "idle") throw new Error(`execution environment is ${this.state}`);
    this.state = "busy";
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
      else this.strayLog?.(String(msg.line));
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
