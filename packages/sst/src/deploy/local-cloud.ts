/**
 * Starting the embedded local cloud for a command. The module is imported lazily:
 * it pulls in every service, which `sst --help` or `sst secrets get` against a
 * running dev server should not pay for.
 */
import fs from "node:fs";
import { portFree } from "./server-file.js";

/** The slice of local-cloud's LocalCloud the CLI uses. */
export interface CloudHandle {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly dir: string;
  readonly events: import("node:events").EventEmitter;
  readonly ssm: { call(operation: string, input: any): Promise<any> };
  readonly lambda: {
    setCodeResolver(resolver: (fn: LambdaFunctionInfo) => CodeLocation | undefined | Promise<CodeLocation | undefined>): void;
    recycle(functionName?: string): void | Promise<void>;
  };
  readonly cloudformation: {
    deployAssembly(
      assemblyDir: string,
      opts?: { stacks?: string[]; onEvent?: (event: any) => void },
    ): Promise<{ stacks: Record<string, { status: string; outputs: Record<string, string> }> }>;
    removeStacks(stackNames: string[]): Promise<unknown>;
    call(operation: string, input: any): Promise<any>;
  };
  /** User pool domains and their local hosted UI URLs (printed by `sst dev` / `sst local`). */
  readonly cognitoidp?: { localDomains(): { userPoolId: string; domain: string; url: string }[] };
  stop(): Promise<void>;
}

export interface LambdaFunctionInfo {
  functionName: string;
  handler: string;
  runtime: string;
  environment: Record<string, string>;
}

export interface CodeLocation {
  file: string;
  exportName: string;
  version: string;
  /** A module of the AWS SDK imports of `file`, for the runtime to load ahead of the next build. */
  preload?: string;
  /** Code that is not JavaScript: its runtime ("python3.12") and the folder it runs in. */
  runtime?: string;
  taskRoot?: string;
}

export const FALLBACK_DEFAULT_PORT = 4570;

export async function importLocalCloud(): Promise<{ LocalCloud: { start(opts: any): Promise<CloudHandle> }; DEFAULT_PORT: number }> {
  const mod: any = await import("local-cloud");
  if (!mod.LocalCloud) throw new Error('The "local-cloud" package does not export LocalCloud');
  return { LocalCloud: mod.LocalCloud, DEFAULT_PORT: mod.DEFAULT_PORT ?? FALLBACK_DEFAULT_PORT };
}

export interface StartedCloud {
  cloud: CloudHandle;
  /** The port asked for, when it was taken and another one was used instead. */
  portTakenBy?: number;
}

/**
 * Starts a LocalCloud on `port` (0 = any). If a specific port is taken, starts on a
 * free one and reports the port that was taken so the caller can say so.
 */
export async function startCloud(opts: { dir: string; port: number; region?: string }): Promise<StartedCloud> {
  const { LocalCloud } = await importLocalCloud();
  fs.mkdirSync(opts.dir, { recursive: true });
  const base = { dir: opts.dir, host: "127.0.0.1", ...(opts.region ? { region: opts.region } : {}) };
  if (opts.port !== 0 && !(await portFree(opts.port))) {
    return { cloud: await LocalCloud.start({ ...base, port: 0 }), portTakenBy: opts.port };
  }
  try {
    return { cloud: await LocalCloud.start({ ...base, port: opts.port }) };
  } catch (err) {
    // Lost a race for the port between the probe and the listen.
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || opts.port === 0) throw err;
    return { cloud: await LocalCloud.start({ ...base, port: 0 }), portTakenBy: opts.port };
  }
}
