/**
 * LambdaRuntime: runs invocations of deployed functions in execution environments (one
 * child process each, see execution-environment.ts), the way the Lambda service does —
 * environment variables, role credentials, log format (START / END / REPORT),
 * timeouts, memory, concurrency limits and throttles — and reports them on
 * `cloud.events` for `sst dev` and the Console.
 */
import { randomUUID } from "node:crypto";
import type { EventEmitter } from "node:events";
import { dirname } from "node:path";
import { AwsError } from "../../../server/aws-error.js";
import { ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY } from "../../../types.js";
import { normalizeCredentials, type LambdaCloud } from "./cloud-deps.js";
import { ConcurrencyLimits } from "./concurrency.js";
import { EnvironmentBudget } from "./environment-budget.js";
import type { InvocationRequest, RuntimeError, WorkerLaunch } from "./execution-environment.js";
import { FunctionPool, LoadMeter, type PoolOptions } from "./function-pool.js";
import { LambdaLogSink, type LogLine } from "./log-sink.js";
import { isPythonRuntime } from "./python/python-runtime.js";
import { isProvidedRuntime } from "./runtime-api/provided-runtime.js";

const HOST_NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/**
 * One invocation as the pool and its environment see it, collecting its log lines. A
 * class, not an object literal with a closure: an invocation costs one object (its
 * `onLog` is a method, which the environment calls on it).
 */
class Invocation implements InvocationRequest {
  readonly lines: LogLine[] = [];

  constructor(
    readonly requestId: string,
    readonly payload: string,
    readonly timeoutMs: number,
    readonly invokedFunctionArn: string,
    readonly clientContext: unknown,
    private readonly functionName: string,
    /** Set when someone follows the lines live (`lambda:log`). */
    private readonly live: EventEmitter | undefined,
  ) {}

  onLog(message: string): void {
    this.lines.push({ timestamp: Date.now(), message });
    this.live?.emit("lambda:log", { functionName: this.functionName, requestId: this.requestId, line: message });
  }
}

/** An invocation's result; its log text is joined only when someone reads it. */
class InvokeResult implements RuntimeInvokeResult {
  constructor(
    readonly requestId: string,
    readonly status: RuntimeInvokeResult["status"],
    readonly payload: Buffer,
    readonly error: RuntimeError | undefined,
    private readonly lines: readonly LogLine[],
    readonly durationMs: number,
    readonly coldStart: boolean,
    readonly coldStartMs: number | undefined,
  ) {}

  get logText(): string {
    return this.lines.map((l) => l.message).join("\n") + "\n";
  }
}

/** What the runtime needs to know about one function version. */
export interface FunctionDefinition {
  functionName: string;
  functionArn: string;
  /** "$LATEST" or a published version number. */
  version: string;
  runtime: string;
  handler: string;
  /** The unzipped code. */
  codeDir: string;
  codeSha256: string;
  /** Changes whenever the configuration changes; warm environments of another revision are ended. */
  revisionId: string;
  timeoutSeconds: number;
  memoryMb: number;
  role: string;
  environment: Record<string, string>;
  /** The function's reserved concurrency, when it has one. */
  reservedConcurrency?: number;
  /**
   * `environment` is complete as given — the environment of a deployed function's real
   * execution environment, forwarded by its Live Lambda stub (role credentials, region
   * and endpoint included) — so the runtime adds nothing of its own. Pass the same
   * object while it holds, so warm and standby workers keep serving.
   */
  environmentIsComplete?: boolean;
}

export interface RuntimeInvokeOptions {
  requestId?: string;
  /** The ARN the caller used (with a qualifier, if any). */
  invokedFunctionArn?: string;
  clientContext?: unknown;
}

export interface RuntimeInvokeResult {
  requestId: string;
  status: "success" | "error" | "timeout";
  /** The function's response, or the runtime's error document. */
  payload: Buffer;
  error?: RuntimeError;
  /** All log lines of this invocation, START to REPORT. */
  readonly logText: string;
  durationMs: number;
  coldStart: boolean;
  coldStartMs?: number;
}

export interface CodeResolution {
  file: string;
  exportName: string;
  version: string;
  /** A module importing the AWS SDK modules `file` imports: what a standby loads ahead of the next build. */
  preload?: string;
  /** The language `file` is in when it is not JavaScript ("python3.12"), and the folder its imports resolve from. */
  runtime?: string;
  taskRoot?: string;
}

/** sst dev's code lookup; it answers at once (no promise) when the build is at hand. */
export type CodeResolver = (fn: {
  functionName: string;
  handler: string;
  runtime: string;
  environment: Record<string, string>;
}) => CodeResolution | undefined | Promise<CodeResolution | undefined>;

export interface RuntimeOptions extends PoolOptions {
  /** The account's concurrent executions (Lambda's default: 1000). */
  accountConcurrency?: number;
  /** The sum of all reserved concurrency, for the unreserved share of the account limit. */
  reservedConcurrencyTotal?: () => number;
}

const NODE_RUNTIMES = new Set(["nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"]);

export function isSupportedRuntime(runtime: string): boolean {
  return NODE_RUNTIMES.has(runtime) || isPythonRuntime(runtime) || isProvidedRuntime(runtime);
}

/** Lambda's PATH, with this machine's Node first: functions run on the host's Node.js. */
const FUNCTION_PATH = `${dirname(process.execPath)}:/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin`;

/** Session credentials are re-issued now and then so long `sst dev` sessions keep valid ones. */
const ENVIRONMENT_TTL_MS = 10 * 60_000;

interface CachedEnvironment {
  version: string;
  revisionId: string;
  at: number;
  env: Record<string, string>;
}

export class LambdaRuntime {
  readonly logs: LambdaLogSink;
  readonly limits: ConcurrencyLimits;
  private readonly pools = new Map<string, FunctionPool>();
  private readonly budget: EnvironmentBudget;
  /** Invocations of every function: under load, no function keeps a hot-reload standby. */
  private readonly load = new LoadMeter();
  private resolver?: CodeResolver;
  private reaper?: NodeJS.Timeout;
  /** Functions run from source that keep a standby environment, least recently invoked first. */
  private readonly standbyFunctions = new Set<string>();
  /** The definition each function was last invoked with: what `prewarm` starts an environment for. */
  private readonly lastDefinitions = new Map<string, FunctionDefinition>();
  /** Environments (with issued role credentials) per function, reused while its configuration holds. */
  private readonly envCache = new Map<string, CachedEnvironment>();
  /** The last launch per function, reused while nothing it was made from changed. */
  private readonly launches = new Map<string, { env: Record<string, string>; def: FunctionDefinition; resolved?: CodeResolution; launch: WorkerLaunch }>();

  constructor(
    private readonly cloud: LambdaCloud,
    private readonly poolOptions: RuntimeOptions = {},
  ) {
    this.logs = new LambdaLogSink(cloud);
    this.limits = new ConcurrencyLimits(poolOptions.accountConcurrency, poolOptions.reservedConcurrencyTotal);
    this.budget = new EnvironmentBudget(poolOptions.maxEnvironments);
    this.budget.evictor = { evictIdle: () => this.evictIdle() };
    this.reaper = setInterval(() => this.reap(), 30_000);
    this.reaper.unref();
  }

  setCodeResolver(resolver?: CodeResolver): void {
    this.resolver = resolver;
    this.recycle();
  }

  /** End warm environments (of one function, or all) so the next invocation cold-starts. */
  recycle(functionName?: string): void {
    if (functionName === undefined) {
      this.envCache.clear();
      this.lastDefinitions.clear();
      this.launches.clear();
    } else {
      this.envCache.delete(functionName);
      this.lastDefinitions.delete(functionName);
      this.launches.delete(functionName);
    }
    for (const [name, pool] of this.pools) if (functionName === undefined || name === functionName) pool.recycle();
  }

  /**
   * Starts an environment on the function's current code (asking the code resolver
   * again) and runs its init now, so the next invocation finds it warm. `sst dev` calls
   * this right after a rebuild; idle environments on the old code are ended, never to
   * serve again. Only functions invoked before (since their last recycle) are
   * pre-warmed: their definition is known and they are likely to be called again.
   * Returns whether an environment was started.
   */
  async prewarm(functionName: string): Promise<boolean> {
    const def = this.lastDefinitions.get(functionName);
    if (!def) return false;
    const launch = await this.launchFor(def);
    // Recycled or closed while resolving: that decision wins.
    if (this.lastDefinitions.get(functionName) !== def) return false;
    return this.poolFor(functionName).prewarm(launch);
  }

  close(): void {
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
    this.lastDefinitions.clear();
    this.launches.clear();
    this.standbyFunctions.clear();
  }

  /** How many environments a function has (warm or busy). */
  workerCount(functionName: string): number {
    return this.pools.get(functionName)?.size ?? 0;
  }

  /** Whether the function has a standby environment for its next build (sst dev hot reload). */
  hasStandby(functionName: string): boolean {
    return this.pools.get(functionName)?.hasStandby ?? false;
  }

  /**
   * Runs one invocation. Throws Lambda's TooManyRequestsException (429) when the
   * function's reserved concurrency or the account's limit is reached; every other
   * failure is the result's error.
   */
  async invoke(def: FunctionDefinition, payload: string, opts: RuntimeInvokeOptions = {}): Promise<RuntimeInvokeResult> {
    if (!isSupportedRuntime(def.runtime)) {
      throw new AwsError(
        "InvalidRuntimeException",
        `The runtime parameter of ${def.runtime} is not supported by the local cloud: function ${def.functionName} can run only on Node.js (${[...NODE_RUNTIMES].join(", ")}), Python 3 or a custom runtime (provided, provided.al2, provided.al2023).`,
        502,
      );
    }
    // One async frame for the whole invocation, not one a step: each would cost a promise
    // and a context on every request.
    const end = this.limits.begin(def.functionName, def.reservedConcurrency);
    let pool: FunctionPool;
    let launch: WorkerLaunch;
    let invocation: Invocation;
    let done: Awaited<ReturnType<FunctionPool["invoke"]>>;
    try {
      const pending = this.launchFor(def);
      launch = pending instanceof Promise ? await pending : pending;
      pool = this.poolFor(def.functionName);
      invocation = this.begin(def, payload, opts, launch, pool);
      done = await pool.invoke(launch, invocation);
    } finally {
      end();
    }
    return this.finish(def, invocation, done);
  }

  /** The invocation's object, its START line and event. */
  private begin(def: FunctionDefinition, payload: string, opts: RuntimeInvokeOptions, launch: WorkerLaunch, pool: FunctionPool): Invocation {
    const requestId = opts.requestId ?? randomUUID();
    const functionName = def.functionName;
    this.lastDefinitions.set(functionName, def);
    if (launch.file) this.keepStandbyFor(functionName, pool);
    const events = this.cloud.events;
    const invocation = new Invocation(
      requestId,
      payload,
      Math.max(1, def.timeoutSeconds) * 1000,
      opts.invokedFunctionArn ?? def.functionArn,
      opts.clientContext,
      functionName,
      events.listenerCount("lambda:log") > 0 ? events : undefined,
    );

    if (events.listenerCount("lambda:start") > 0) events.emit("lambda:start", { functionName, requestId });
    invocation.onLog(`START RequestId: ${requestId} Version: ${def.version}`);
    return invocation;
  }

  /** The END and REPORT lines, the lines shipped to CloudWatch Logs, the end event: the result. */
  private finish(def: FunctionDefinition, invocation: Invocation, done: Awaited<ReturnType<FunctionPool["invoke"]>>): RuntimeInvokeResult {
    const { outcome, logStreamName, coldStart, coldStartMs } = done;
    const { requestId } = invocation;
    const functionName = def.functionName;
    const events = this.cloud.events;
    const handlerMs = outcome.durationMs;
    invocation.onLog(`END RequestId: ${requestId}`);
    const memory = outcome.maxMemoryMb ? `\tMax Memory Used: ${outcome.maxMemoryMb} MB` : "";
    const init = outcome.initDurationMs !== undefined ? `\tInit Duration: ${outcome.initDurationMs.toFixed(2)} ms` : "";
    const status = outcome.status === "timeout" ? "\tStatus: timeout" : outcome.status === "error" && outcome.error.errorType === "Runtime.OutOfMemory" ? "\tStatus: error\tError Type: Runtime.OutOfMemory" : "";
    invocation.onLog(
      `REPORT RequestId: ${requestId}\tDuration: ${handlerMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(handlerMs))} ms\tMemory Size: ${def.memoryMb} MB${memory}${init}${status}`,
    );
    this.logs.write(functionName, logStreamName, invocation.lines);

    const result = new InvokeResult(
      requestId,
      outcome.status,
      Buffer.from(outcome.status === "success" ? outcome.payload : JSON.stringify(outcome.error)),
      outcome.status === "success" ? undefined : outcome.error,
      invocation.lines,
      handlerMs,
      coldStart,
      coldStartMs,
    );
    if (events.listenerCount("lambda:end") > 0) {
      events.emit("lambda:end", {
        functionName,
        requestId,
        durationMs: handlerMs,
        status: outcome.status,
        ...(outcome.status === "success"
          ? {}
          : { error: { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage, stack: outcome.error.trace ?? outcome.error.stackTrace } }),
      });
    }
    return result;
  }

  private poolFor(functionName: string): FunctionPool {
    let pool = this.pools.get(functionName);
    if (!pool) {
      pool = new FunctionPool(functionName, this.poolOptions, this.budget, this.load);
      this.pools.set(functionName, pool);
    }
    return pool;
  }

  /** Ends the least recently used idle environment of any function (the budget asks, to make room). */
  private evictIdle(): boolean {
    let oldest: { lastUsed: number; end(): void } | undefined;
    for (const pool of this.pools.values()) {
      const candidate = pool.oldestIdle();
      if (candidate && (!oldest || candidate.lastUsed < oldest.lastUsed)) oldest = candidate;
    }
    oldest?.end();
    return oldest !== undefined;
  }

  private reap(): void {
    for (const [name, pool] of this.pools)
      if (pool.reap() === 0) {
        this.pools.delete(name);
        this.standbyFunctions.delete(name);
      }
  }

  /**
   * Lets the function's pool keep a standby environment for its next build; only the
   * few functions invoked last do (those being worked on), since each standby holds a
   * process with the AWS SDK loaded.
   */
  private keepStandbyFor(functionName: string, pool: FunctionPool): void {
    const max = this.poolOptions.maxStandbyFunctions ?? 1;
    // The most recent one already: nothing to reorder (the common case under load).
    if (this.lastStandby === functionName) return;
    this.lastStandby = functionName;
    this.standbyFunctions.delete(functionName);
    this.standbyFunctions.add(functionName);
    pool.setKeepStandby(true);
    for (const name of this.standbyFunctions) {
      if (this.standbyFunctions.size <= max) break;
      this.standbyFunctions.delete(name);
      this.pools.get(name)?.setKeepStandby(false);
    }
  }
  private lastStandby?: string;

  /** The launch for a function: deployed code, or sst dev's source build. Synchronous when nothing changed. */
  private launchFor(def: FunctionDefinition): WorkerLaunch | Promise<WorkerLaunch> {
    const env = this.cachedEnvironment(def);
    if (env instanceof Promise) return env.then(() => this.launchFor(def));
    const resolver = this.resolver;
    if (!resolver) return this.launchWith(def, env, undefined);
    const resolved = resolver({ functionName: def.functionName, handler: def.handler, runtime: def.runtime, environment: def.environment });
    if (resolved instanceof Promise) return resolved.then((r) => this.launchWith(def, env, r));
    return this.launchWith(def, env, resolved);
  }

  private launchWith(def: FunctionDefinition, env: Record<string, string>, resolved: CodeResolution | undefined): WorkerLaunch {
    const last = this.launches.get(def.functionName);
    if (
      last &&
      last.env === env &&
      (last.def === def || (last.def.version === def.version && last.def.revisionId === def.revisionId && last.def.codeDir === def.codeDir && last.def.handler === def.handler)) &&
      last.resolved?.file === resolved?.file &&
      last.resolved?.version === resolved?.version &&
      last.resolved?.exportName === resolved?.exportName &&
      last.resolved?.runtime === resolved?.runtime
    ) {
      return last.launch;
    }
    const configKey = `${def.version}:${def.revisionId}`;
    const common = { taskRoot: def.codeDir, handler: def.handler, env, memoryMb: def.memoryMb, functionName: def.functionName, functionVersion: def.version };
    // Node.js code leaves `runtime` unset: the launch (and its environments) stay as they were.
    const launch: WorkerLaunch = resolved
      ? {
          ...common,
          codeKey: `dev:${resolved.version}:${resolved.file}:${configKey}`,
          file: resolved.file,
          exportName: resolved.exportName,
          preload: resolved.preload,
          ...(resolved.runtime ? { runtime: resolved.runtime, taskRoot: resolved.taskRoot ?? def.codeDir } : {}),
        }
      : { ...common, codeKey: `zip:${def.codeSha256}:${configKey}`, ...(NODE_RUNTIMES.has(def.runtime) ? {} : { runtime: def.runtime }) };
    this.launches.set(def.functionName, { env, def, resolved, launch });
    return launch;
  }

  private cachedEnvironment(def: FunctionDefinition): Record<string, string> | Promise<Record<string, string>> {
    if (def.environmentIsComplete) return def.environment;
    const hit = this.envCache.get(def.functionName);
    // Compared field by field: a key string built for every invocation would be garbage at once.
    if (hit && hit.version === def.version && hit.revisionId === def.revisionId && Date.now() - hit.at < ENVIRONMENT_TTL_MS) return hit.env;
    const { version, revisionId } = def;
    return this.environmentFor(def).then((env) => {
      this.envCache.set(def.functionName, { version, revisionId, at: Date.now(), env });
      return env;
    });
  }

  /**
   * The environment the Lambda service gives a function, plus the local cloud's endpoint
   * and its role's credentials — and nothing of the host's: the process gets exactly
   * this, so neither `process.env` nor /proc/self/environ shows the developer's
   * variables (their AWS keys among them).
   */
  private async environmentFor(def: FunctionDefinition): Promise<Record<string, string>> {
    const env: Record<string, string> = {
      PATH: FUNCTION_PATH,
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      ...def.environment,
      AWS_REGION: this.cloud.region,
      AWS_DEFAULT_REGION: this.cloud.region,
      AWS_LAMBDA_FUNCTION_NAME: def.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: def.version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(def.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${def.functionName}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_EXECUTION_ENV: `AWS_Lambda_${def.runtime}`,
      LAMBDA_TASK_ROOT: def.codeDir,
      _HANDLER: def.handler,
      AWS_ENDPOINT_URL: this.cloud.endpoint,
    };
    // Functions run on this machine's Node.js whatever runtime they name; the AWS SDK's
    // warning about the host's Node version says nothing about the function, so mute it.
    if (HOST_NODE_MAJOR < 22) env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const issue = this.cloud.iam?.issueSessionCredentials;
    if (typeof issue === "function" && def.role) {
      const creds = normalizeCredentials(await issue.call(this.cloud.iam, def.role, def.functionName));
      if (creds) {
        env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
        env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
        if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken;
        return env;
      }
    }
    // No IAM to issue role credentials: the SDK still needs some, so the function acts as the admin.
    env.AWS_ACCESS_KEY_ID = ADMIN_ACCESS_KEY_ID;
    env.AWS_SECRET_ACCESS_KEY = ADMIN_SECRET_ACCESS_KEY;
    return env;
  }
}
