/**
 * Python functions (`python3.x` runtimes): what the execution environment runs for them.
 * The environment is a python3 process running bootstrap.py beside this file, which
 * speaks the same frames as the Node.js bootstrap, so the pool, its timeouts, logs and
 * crash reports are shared; only the command differs. The interpreter is this machine's
 * `python3` (the one on the local cloud's PATH: a virtualenv's when one is active, as
 * SST v2's `sst dev` used), looked up once, on the first Python environment.
 */
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const BOOTSTRAP = fileURLToPath(new URL("./bootstrap.py", import.meta.url));

/** Runtimes the Python bootstrap serves. */
export function isPythonRuntime(runtime: string | undefined): boolean {
  return runtime !== undefined && /^python3\.\d+$/.test(runtime);
}

let interpreter: { path: string } | { error: string } | undefined;

/**
 * The real interpreter behind `python3` on the PATH. Asked of python3 itself, so
 * version-manager shims (pyenv, asdf) resolve to the executable they would run: the
 * function's environment has none of the shim's variables.
 */
export function pythonInterpreter(): string {
  interpreter ??= findInterpreter();
  if ("error" in interpreter) throw new Error(interpreter.error);
  return interpreter.path;
}

function findInterpreter(): { path: string } | { error: string } {
  const override = process.env.LOCAL_CLOUD_PYTHON;
  const command = override || "python3";
  const probe = spawnSync(command, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8", timeout: 10_000 });
  const path = probe.status === 0 ? probe.stdout.trim() : "";
  if (path) return { path };
  const why = probe.error ? probe.error.message : (probe.stderr || `exit status ${probe.status}`).trim();
  return { error: `Python functions run on this machine's ${command}, which could not be started (${why}); install Python 3 or set LOCAL_CLOUD_PYTHON to an interpreter` };
}

/**
 * The command and environment of a Python execution environment: `python3 bootstrap.py`
 * with the interpreter's folder first on the function's PATH (so the function's own
 * subprocesses find the same python3).
 */
export function pythonLaunch(env: Record<string, string>, runtime: string): { command: string; args: string[]; env: Record<string, string> } {
  const python = pythonInterpreter();
  return {
    command: python,
    // -u: writes to fd 1/2 by native code reach the log at once; -X utf8: the function's
    // text I/O is UTF-8 whatever the locale, as on AWS.
    args: ["-u", "-X", "utf8", BOOTSTRAP],
    // AWS_EXECUTION_ENV names the code's runtime (under sst dev the deployed function is the Node.js dev stub).
    env: { ...env, PATH: `${dirname(python)}:${env.PATH ?? ""}`, AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}` },
  };
}
