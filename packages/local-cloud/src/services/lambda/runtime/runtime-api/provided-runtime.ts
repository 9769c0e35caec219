/**
 * Custom runtimes (`provided`, `provided.al2`, `provided.al2023`: a Go binary, a Rust one,
 * a shell script — whatever the package's `bootstrap` is): the execution environment is
 * adapter.mjs beside this file, which serves the Lambda Runtime API to the bootstrap and
 * speaks the pool's frames. The bootstrap runs on this machine as it is, so it must be
 * built for it (Linux, this architecture).
 */
import { fileURLToPath } from "node:url";

const ADAPTER = fileURLToPath(new URL("./adapter.mjs", import.meta.url));

export function isProvidedRuntime(runtime: string | undefined): boolean {
  return runtime === "provided" || runtime === "provided.al2" || runtime === "provided.al2023";
}

/** Node running the adapter; the host starts it as a process-group leader, so ending the environment ends the bootstrap too. */
export function providedLaunch(env: Record<string, string>, runtime: string): { command: string; args: string[]; env: Record<string, string> } {
  return { command: process.execPath, args: [ADAPTER], env: { ...env, AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}` } };
}
