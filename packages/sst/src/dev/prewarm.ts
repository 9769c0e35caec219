/**
 * After a rebuild on save, start the function's next worker right away: spawn it and
 * run its module init (the AWS SDK import alone costs ~100–200 ms) while the developer
 * switches to the browser, instead of on their next request. The Lambda runtime ends
 * the idle workers on the old code, so the old code never answers after a rebuild.
 */
import type { CloudHandle } from "../deploy/local-cloud.js";

/** The part of local-cloud's LambdaRuntime this needs (reached through the Lambda service). */
interface PrewarmingRuntime {
  prewarm(functionName: string): Promise<boolean>;
}

function runtimeOf(cloud: CloudHandle): PrewarmingRuntime | undefined {
  const runtime = (cloud.lambda as { runtime?: Partial<PrewarmingRuntime> } | undefined)?.runtime;
  return typeof runtime?.prewarm === "function" ? (runtime as PrewarmingRuntime) : undefined;
}

/**
 * Pre-warms the Lambda functions named (those that ran the rebuilt SST function).
 * Failures are reported, never thrown: the next invocation then cold-starts as before.
 */
export function prewarmFunctions(cloud: CloudHandle, functionNames: string[], onError: (err: Error) => void): void {
  const runtime = runtimeOf(cloud);
  if (!runtime) return;
  for (const name of functionNames) runtime.prewarm(name).catch((err) => onError(err as Error));
}
