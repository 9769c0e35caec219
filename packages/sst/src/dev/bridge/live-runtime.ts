/**
 * Runs Live Lambda invocations on the developer's machine: the local cloud's Lambda
 * runtime (worker pools, hot reload, the same log and events as `sst dev` on the local
 * cloud), given each invocation's real execution environment — the variables the stub
 * forwarded, with the function's role credentials — so the code acts in AWS as the
 * deployed function would, with its permissions.
 */
import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import type { CodeResolver, LambdaCloud, LambdaFunctionDefinition, LambdaRuntime } from "local-cloud";
import type { BridgeAnswer, BridgeInvocation } from "./server.js";

/** Variables that differ between execution environments of one function without its configuration changing. */
const PER_ENVIRONMENT = new Set(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]);
/** Forwarded credentials are replaced once this old, even while the configuration holds. */
const CREDENTIALS_MAX_AGE_MS = 10 * 60_000;
/** Time kept back so the answer reaches the stub before its invocation's deadline. */
const ANSWER_MARGIN_MS = 300;

/** "AWS_Lambda_nodejs20.x" → "nodejs20.x". */
export function runtimeOf(env: Record<string, string>): string {
  return /^AWS_Lambda_(.+)$/.exec(env.AWS_EXECUTION_ENV ?? "")?.[1] ?? "nodejs20.x";
}

/** What identifies a function's configuration (not its execution environment): its variables without credentials. */
export function configurationKey(env: Record<string, string>): string {
  const stable = Object.entries(env).filter(([k]) => !PER_ENVIRONMENT.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash("sha256").update(JSON.stringify(stable)).digest("hex").slice(0, 16);
}

export class LiveRuntime {
  /** lambda:start / lambda:log / lambda:end, as the local cloud emits them (for the invocation log). */
  readonly events = new EventEmitter();
  private readonly runtime: LambdaRuntime;
  private readonly environments = new Map<string, { key: string; at: number; env: Record<string, string> }>();

  private constructor(runtimeClass: typeof LambdaRuntime, private readonly opts: { region: string; account: string; taskRoot: string }) {
    const unavailable = (what: string) => () => {
      throw new Error(`${what} is not available to Live Lambda invocations`);
    };
    const cloud: LambdaCloud = {
      region: opts.region,
      accountId: opts.account,
      endpoint: "",
      events: this.events,
      openDatabase: unavailable("A local database"),
      dataDir: unavailable("A local data directory"),
      authorize: () => {},
    };
    this.runtime = new runtimeClass(cloud);
  }

  static async create(opts: { region: string; account: string; taskRoot: string }): Promise<LiveRuntime> {
    const { LambdaRuntime } = await import("local-cloud");
    return new LiveRuntime(LambdaRuntime, opts);
  }

  setCodeResolver(resolver: CodeResolver): void {
    this.runtime.setCodeResolver(resolver);
  }

  prewarm(functionName: string): Promise<boolean> {
    return this.runtime.prewarm(functionName);
  }

  /** The worker environment for an invocation: one object per function configuration, so warm workers keep serving. */
  private environmentFor(functionName: string, header: BridgeInvocation["header"]): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      LANG: "en_US.UTF-8",
      ...header.env,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(header.memoryLimitInMB),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    };
    const key = configurationKey(env);
    const cached = this.environments.get(functionName);
    const sameCredentials = cached && [...PER_ENVIRONMENT].every((k) => cached.env[k] === env[k]);
    if (cached && cached.key === key && (sameCredentials || Date.now() - cached.at < CREDENTIALS_MAX_AGE_MS)) return cached.env;
    this.environments.set(functionName, { key, at: Date.now(), env });
    return env;
  }

  async run(inv: BridgeInvocation): Promise<BridgeAnswer> {
    const h = inv.header;
    const env = this.environmentFor(h.functionName, h);
    const def: LambdaFunctionDefinition = {
      functionName: h.functionName,
      functionArn: h.invokedFunctionArn,
      version: h.functionVersion,
      runtime: runtimeOf(env),
      handler: "index.handler",
      codeDir: this.opts.taskRoot,
      codeSha256: "live-lambda",
      revisionId: configurationKey(env),
      timeoutSeconds: Math.max(1, Math.floor((h.deadline - Date.now() - ANSWER_MARGIN_MS) / 1000)),
      memoryMb: h.memoryLimitInMB,
      role: "",
      environment: env,
      environmentIsComplete: true,
    };
    const result = await this.runtime.invoke(def, inv.event, { requestId: h.id, invokedFunctionArn: h.invokedFunctionArn, clientContext: h.clientContext });
    return result.status === "success"
      ? { status: "success", body: result.payload.toString("utf8") }
      : { status: result.status, error: result.error ?? { errorType: "Error", errorMessage: result.payload.toString("utf8") } };
  }

  close(): void {
    this.runtime.close();
  }
}
