/**
 * The execution environments of one function: warm workers are reused, concurrent
 * invocations get more workers up to a cap, beyond it they queue. Workers whose code
 * is stale (another codeKey) are ended before they could serve, so a redeploy or a
 * rebuild in `sst dev` takes effect on the very next invocation. Idle workers are
 * reaped after a while to give memory back.
 */
import { randomBytes } from "node:crypto";
import { ExecutionEnvironment, type InvocationOutcome, type InvocationRequest, type WorkerLaunch } from "./execution-environment.js";

export interface PoolOptions {
  /** Workers per function; invocations beyond it wait. */
  maxConcurrency?: number;
  /** Idle workers older than this are ended. */
  idleTimeoutMs?: number;
  /** Workers older than this serve no new invocation: their role credentials (1 h sessions) must not expire mid-use. */
  maxWorkerAgeMs?: number;
}

export interface PoolInvocationResult {
  outcome: InvocationOutcome;
  logStreamName: string;
  coldStart: boolean;
  /** Worker spawn + module init, for cold starts. */
  coldStartMs?: number;
}

type Waiter = () => void;

export class FunctionPool {
  private readonly envs = new Set<ExecutionEnvironment>();
  private readonly waiters: Waiter[] = [];
  private readonly maxConcurrency: number;
  private readonly idleTimeoutMs: number;
  private readonly maxWorkerAgeMs: number;
  private closed = false;

  constructor(
    readonly functionName: string,
    opts: PoolOptions = {},
  ) {
    this.maxConcurrency = opts.maxConcurrency ?? 10;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 5 * 60_000;
    this.maxWorkerAgeMs = opts.maxWorkerAgeMs ?? 45 * 60_000;
  }

  get size(): number {
    return this.envs.size;
  }

  async invoke(launch: WorkerLaunch, req: InvocationRequest): Promise<PoolInvocationResult> {
    const { env, cold } = await this.acquire(launch);
    try {
      const outcome = await env.invoke(req);
      // Cold start = everything from spawning the worker to the handler being called.
      const coldStartMs = cold ? performance.now() - env.createdAt - outcome.durationMs : undefined;
      return { outcome, logStreamName: env.logStreamName, coldStart: cold, coldStartMs };
    } finally {
      if (env.retire || this.closed) env.terminate();
      if (env.state === "dead") this.envs.delete(env);
      this.wakeOne();
    }
  }

  /** End idle workers now and busy ones when they finish. */
  recycle(): void {
    for (const env of this.envs) {
      if (env.state === "busy" || env.state === "reserved") env.retire = true;
      else {
        env.terminate();
        this.envs.delete(env);
      }
    }
  }

  /** End workers idle longer than the idle timeout; returns how many remain. */
  reap(now = Date.now()): number {
    for (const env of this.envs) {
      if (env.state === "idle" && now - env.lastUsed > this.idleTimeoutMs) {
        env.terminate();
        this.envs.delete(env);
      }
      if (env.state === "dead") this.envs.delete(env);
    }
    return this.envs.size;
  }

  /** Ends every worker, busy ones included: their invocations end with Runtime.ExitError. */
  close(): void {
    this.closed = true;
    for (const env of this.envs) env.terminate();
    this.envs.clear();
    for (const w of this.waiters.splice(0)) w();
  }

  private async acquire(launch: WorkerLaunch): Promise<{ env: ExecutionEnvironment; cold: boolean }> {
    for (;;) {
      if (this.closed) throw new Error(`function ${this.functionName} is shutting down`);
      let idle: ExecutionEnvironment | undefined;
      for (const env of this.envs) {
        if (env.state === "dead") this.envs.delete(env);
        else if (env.state === "idle" && (env.launch.codeKey !== launch.codeKey || performance.now() - env.createdAt > this.maxWorkerAgeMs)) {
          // Stale code (or credentials about to expire): it must never serve again.
          env.terminate();
          this.envs.delete(env);
        } else if (env.state === "idle" && !idle) idle = env;
      }
      if (idle) {
        idle.state = "reserved";
        return { env: idle, cold: false };
      }
      if (this.envs.size < this.maxConcurrency) {
        const env = new ExecutionEnvironment(launch, newLogStreamName(launch.env.AWS_LAMBDA_FUNCTION_VERSION ?? "$LATEST"));
        this.envs.add(env);
        return { env, cold: true };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wakeOne(): void {
    this.waiters.shift()?.();
  }
}

/** AWS's stream names: "2024/01/31/[$LATEST]" + 32 hex characters, one per execution environment. */
function newLogStreamName(version: string): string {
  const d = new Date();
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${String(d.getUTCDate()).padStart(2, "0")}`;
  return `${date}/[${version}]${randomBytes(16).toString("hex")}`;
}
