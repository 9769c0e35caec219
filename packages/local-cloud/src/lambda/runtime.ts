/**
 * LambdaRuntime: runs invocations of deployed functions in worker pools, the way the
 * Lambda service does — environment variables, role credentials, log format
 * (START / END / REPORT), timeouts — and reports them on `cloud.events` for
 * `sst dev` and the Console.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../server/aws-error.js";
import { ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY } from "../types.js";
import { normalizeCredentials, type LambdaCloud } from "./cloud-deps.js";
import type { RuntimeError, WorkerLaunch } from "./execution-environment.js";
import { FunctionPool, type PoolOptions } from "./function-pool.js";

const HOST_NODE_MAJOR = Number(process.versions.node.split(".")[0]);
import { LambdaLogSink, type LogLine } from "./log-sink.js";

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
  /** Changes whenever the configuration changes; warm workers of another revision are ended. */
  revisionId: string;
  timeoutSeconds: number;
  memoryMb: number;
  role: string;
  environment: Record<string, string>;
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
  logText: string;
  durationMs: number;
  coldStart: boolean;
  coldStartMs?: number;
}

export interface CodeResolution {
  file: string;
  exportName: string;
  version: string;
}

export type CodeResolver = (fn: {
  functionName: string;
  handler: string;
  runtime: string;
  environment: Record<string, string>;
}) => Promise<CodeResolution | undefined>;

const NODE_RUNTIMES = new Set(["nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x"]);

export function isSupportedRuntime(runtime: string): boolean {
  return NODE_RUNTIMES.has(runtime);
}

export class LambdaRuntime {
  readonly logs: LambdaLogSink;
  private readonly pools = new Map<string, FunctionPool>();
  private resolver?: CodeResolver;
  private reaper?: NodeJS.Timeout;
  /** Functions run from source that keep a standby worker, least recently invoked first. */
  private readonly standbyFunctions = new Set<string>();
  /** The definition each function was last invoked with: what `prewarm` starts a worker for. */
  private readonly lastDefinitions = new Map<string, FunctionDefinition>();
  /** Environments (with issued role credentials) per function, reused while its configuration holds. */
  private readonly envCache = new Map<string, { key: string; at: number; env: Record<string, string> }>();

  constructor(
    private readonly cloud: LambdaCloud,
    private readonly poolOptions: PoolOptions = {},
  ) {
    this.logs = new LambdaLogSink(cloud);
    this.reaper = setInterval(() => this.reap(), 30_000);
    this.reaper.unref();
  }

  setCodeResolver(resolver?: CodeResolver): void {
    this.resolver = resolver;
    this.recycle();
  }

  /** End warm workers (of one function, or all) so the next invocation cold-starts. */
  recycle(functionName?: string): void {
    if (functionName === undefined) {
      this.envCache.clear();
      this.lastDefinitions.clear();
    } else {
      this.envCache.delete(functionName);
      this.lastDefinitions.delete(functionName);
    }
    for (const [name, pool] of this.pools) if (functionName === undefined || name === functionName) pool.recycle();
  }

  /**
   * Starts a worker on the function's current code (asking the code resolver again)
   * and runs its init now, so the next invocation finds it warm. `sst dev` calls this
   * right after a rebuild; idle workers on the old code are ended, never to serve
   * again. Only functions invoked before (since their last recycle) are pre-warmed:
   * their definition is known and they are likely to be called again. Returns whether
   * a worker was started.
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
    this.standbyFunctions.clear();
  }

  /** How many workers a function has (warm or busy). */
  workerCount(functionName: string): number {
    return this.pools.get(functionName)?.size ?? 0;
  }

  /** Whether the function has a standby worker for its next build (sst dev hot reload). */
  hasStandby(functionName: string): boolean {
    return this.pools.get(functionName)?.hasStandby ?? false;
  }

  async invoke(def: FunctionDefinition, payload: string, opts: RuntimeInvokeOptions = {}): Promise<RuntimeInvokeResult> {
    if (!isSupportedRuntime(def.runtime)) {
      throw new AwsError(
        "InvalidRuntimeException",
        `The runtime parameter of ${def.runtime} is not supported by the local cloud: function ${def.functionName} can run only on Node.js (${[...NODE_RUNTIMES].join(", ")}).`,
        502,
      );
    }
    const requestId = opts.requestId ?? randomUUID();
    const launch = await this.launchFor(def);
    this.lastDefinitions.set(def.functionName, def);
    const pool = this.poolFor(def.functionName);
    if (launch.file) this.keepStandbyFor(def.functionName, pool);
    const events = this.cloud.events;
    const lines: LogLine[] = [];
    const log = (message: string) => {
      lines.push({ timestamp: Date.now(), requestId, message });
      events.emit("lambda:log", { functionName: def.functionName, requestId, line: message });
    };

    events.emit("lambda:start", { functionName: def.functionName, requestId });
    log(`START RequestId: ${requestId} Version: ${def.version}`);
    const { outcome, logStreamName, coldStart, coldStartMs } = await pool.invoke(launch, {
      requestId,
      payload,
      timeoutMs: Math.max(1, def.timeoutSeconds) * 1000,
      context: {
        functionName: def.functionName,
        functionVersion: def.version,
        invokedFunctionArn: opts.invokedFunctionArn ?? def.functionArn,
        memoryLimitInMB: def.memoryMb,
        logGroupName: `/aws/lambda/${def.functionName}`,
        clientContext: opts.clientContext,
      },
      onLog: log,
    });

    const handlerMs = outcome.durationMs;
    log(`END RequestId: ${requestId}`);
    const init = outcome.initDurationMs !== undefined ? `\tInit Duration: ${outcome.initDurationMs.toFixed(2)} ms` : "";
    const status = outcome.status === "timeout" ? "\tStatus: timeout" : "";
    log(
      `REPORT RequestId: ${requestId}\tDuration: ${handlerMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(handlerMs))} ms\tMemory Size: ${def.memoryMb} MB${init}${status}`,
    );
    this.logs.write(def.functionName, logStreamName, lines);

    const result: RuntimeInvokeResult = {
      requestId,
      status: outcome.status,
      payload:
        outcome.status === "success"
          ? Buffer.from(outcome.payload)
          : Buffer.from(JSON.stringify(outcome.error)),
      error: outcome.status === "success" ? undefined : outcome.error,
      logText: lines.map((l) => l.message).join("\n") + "\n",
      durationMs: handlerMs,
      coldStart,
      coldStartMs,
    };
    events.emit("lambda:end", {
      functionName: def.functionName,
      requestId,
      durationMs: handlerMs,
      status: outcome.status,
      ...(outcome.status === "success"
        ? {}
        : { error: { errorType: outcome.error.errorType, errorMessage: outcome.error.errorMessage, stack: outcome.error.trace } }),
    });
    return result;
  }

  private poolFor(functionName: string): FunctionPool {
    let pool = this.pools.get(functionName);
    if (!pool) {
      pool = new FunctionPool(functionName, this.poolOptions);
      this.pools.set(functionName, pool);
    }
    return pool;
  }

  private reap(): void {
    for (const [name, pool] of this.pools)
      if (pool.reap() === 0) {
        this.pools.delete(name);
        this.standbyFunctions.delete(name);
      }
  }

  /**
   * Lets the function's pool keep a standby worker for its next build; only the few
   * functions invoked last do (those being worked on), since each standby holds a
   * worker with the AWS SDK loaded.
   */
  private keepStandbyFor(functionName: string, pool: FunctionPool): void {
    this.standbyFunctions.delete(functionName);
    this.standbyFunctions.add(functionName);
    pool.setKeepStandby(true);
    const max = this.poolOptions.maxStandbyFunctions ?? 4;
    for (const name of this.standbyFunctions) {
      if (this.standbyFunctions.size <= max) break;
      this.standbyFunctions.delete(name);
      this.pools.get(name)?.setKeepStandby(false);
    }
  }

  /** The worker launch for a function: deployed code, or sst dev's source build. */
  private async launchFor(def: FunctionDefinition): Promise<WorkerLaunch> {
    const env = await this.cachedEnvironment(def);
    const resolved = this.resolver
      ? await this.resolver({ functionName: def.functionName, handler: def.handler, runtime: def.runtime, environment: def.environment })
      : undefined;
    const configKey = `${def.version}:${def.revisionId}`;
    if (resolved) {
      return {
        codeKey: `dev:${resolved.version}:${resolved.file}:${configKey}`,
        taskRoot: def.codeDir,
        handler: def.handler,
        file: resolved.file,
        exportName: resolved.exportName,
        env,
        memoryMb: def.memoryMb,
      };
    }
    return { codeKey: `zip:${def.codeSha256}:${configKey}`, taskRoot: def.codeDir, handler: def.handler, env, memoryMb: def.memoryMb };
  }

  private async cachedEnvironment(def: FunctionDefinition): Promise<Record<string, string>> {
    if (def.environmentIsComplete) return def.environment;
    const key = `${def.version}:${def.revisionId}`;
    const hit = this.envCache.get(def.functionName);
    // Session credentials are re-issued now and then so long `sst dev` sessions keep valid ones.
    if (hit && hit.key === key && Date.now() - hit.at < 10 * 60_000) return hit.env;
    const env = await this.environmentFor(def);
    this.envCache.set(def.functionName, { key, at: Date.now(), env });
    return env;
  }

  /** The environment the Lambda service gives a function, plus the local cloud's endpoint and role credentials. */
  private async environmentFor(def: FunctionDefinition): Promise<Record<string, string>> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
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
