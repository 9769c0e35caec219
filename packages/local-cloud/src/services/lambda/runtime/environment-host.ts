/**
 * What an execution environment runs in: a child process (the sandbox: the function's
 * environment only, memory limits, niced; see sandbox-limits.ts), or — while the local
 * cloud's process has its inspector open (`sst dev --inspect`) — a worker thread of that
 * process, so the debugger attached to it reaches the function as one of its workers,
 * with the dev builds' source maps. A thread shares the process: its limits are the
 * heap's only, and code that ends its process ends the local cloud; that is the price
 * of a debugging session, and only of one.
 *
 * Both speak the frames of worker/channel.mjs; the host turns what arrives into whole
 * frames and reports how the environment ended.
 */
import { spawn, type ChildProcess } from "node:child_process";
import inspector from "node:inspector";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { frameSplitter, readFrames } from "./worker/channel.mjs";
import { heapFlags, lowerPriority, sandboxCommand } from "./sandbox-limits.js";
import { isPythonRuntime, pythonLaunch } from "./python/python-runtime.js";
import { isProvidedRuntime, providedLaunch } from "./runtime-api/provided-runtime.js";

const BOOTSTRAP = fileURLToPath(new URL("./worker/bootstrap.mjs", import.meta.url));

/**
 * Node flags for every environment process, for profiling the runtime itself
 * (`LOCAL_CLOUD_LAMBDA_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p"`). Read from the
 * local cloud's own environment; functions never see it.
 */
const EXTRA_NODE_ARGS = (process.env.LOCAL_CLOUD_LAMBDA_NODE_ARGS ?? "").split(" ").filter(Boolean);

export interface HostEvents {
  frame(frame: string): void;
  /** A line on the environment's own stdout/stderr (native code, V8's fatal errors). */
  output(text: string, isStderr: boolean): void;
  /** Ended: with an exit code, a signal, or (a thread) "out of memory". */
  exit(code: number | null, signal: NodeJS.Signals | null, outOfMemory: boolean): void;
  spawnError(err: Error): void;
}

export interface EnvironmentHost {
  /** "process" (the sandbox) or "thread" (while a debugger may attach). */
  readonly kind: "process" | "thread";
  write(data: string): void;
  readonly writable: boolean;
  kill(): void;
}

/** Every live environment process, ended with the local cloud's process. */
const live = new Set<ChildProcess>();
/** Those of them that lead a process group (custom runtimes). */
const groups = new WeakSet<ChildProcess>();
process.once("exit", () => {
  // While profiling, a process asked to stop writes its profile first (bootstrap.mjs exits on SIGTERM).
  const signal = EXTRA_NODE_ARGS.length ? "SIGTERM" : "SIGKILL";
  for (const child of live) groups.has(child) ? killGroup(child) : child.kill(signal);
});

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL"); // the group is gone already
  }
}

/** Whether environments should be threads now: the process's inspector is open. */
export function debuggerMayAttach(): boolean {
  return inspector.url() !== undefined;
}

export interface HostOptions {
  env: Record<string, string>;
  cwd: string;
  memoryMb: number;
  /** The code's runtime; Node.js when absent. A Python environment is always a process (a thread runs JavaScript only). */
  runtime?: string;
}

export function startHost(opts: HostOptions, on: HostEvents): EnvironmentHost {
  if (isPythonRuntime(opts.runtime)) {
    let launch;
    try {
      launch = pythonLaunch(opts.env, opts.runtime!);
    } catch (err) {
      return failedHost(err as Error, on);
    }
    return processHost({ ...sandboxCommand(launch.command, launch.args, opts.memoryMb), env: launch.env, cwd: opts.cwd }, on);
  }
  if (isProvidedRuntime(opts.runtime)) {
    const launch = providedLaunch(opts.env, opts.runtime!);
    return processHost({ ...sandboxCommand(launch.command, launch.args, opts.memoryMb), env: launch.env, cwd: opts.cwd, group: true }, on);
  }
  if (debuggerMayAttach()) return threadHost(opts, on);
  const node = sandboxCommand(process.execPath, [...heapFlags(opts.memoryMb), ...EXTRA_NODE_ARGS, BOOTSTRAP], opts.memoryMb);
  return processHost({ ...node, env: opts.env, cwd: opts.cwd }, on);
}

/** An environment whose interpreter could not be found: it reports that as a failed spawn. */
function failedHost(err: Error, on: HostEvents): EnvironmentHost {
  queueMicrotask(() => on.spawnError(err));
  return { kind: "process", write: () => undefined, writable: false, kill: () => undefined };
}

function forwardOutput(stream: Readable, isStderr: boolean, on: HostEvents): void {
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => on.output(chunk, isStderr));
  stream.on("error", () => undefined);
  (stream as unknown as Socket).unref?.();
}

/**
 * `group`: the process leads a process group of its own (a custom runtime's adapter and
 * the bootstrap it starts), and is ended with the whole group.
 */
function processHost(opts: { command: string; args: string[]; env: Record<string, string>; cwd: string; group?: boolean }, on: HostEvents): EnvironmentHost {
  const child = spawn(opts.command, opts.args, { env: opts.env, cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe", "pipe"], detached: opts.group === true });
  if (opts.group) groups.add(child);
  live.add(child);
  const channel = child.stdio[3] as Socket;
  lowerPriority(child.pid);
  readFrames(channel, on.frame);
  channel.on("error", () => undefined);
  forwardOutput(child.stdout!, false, on);
  forwardOutput(child.stderr!, true, on);
  child.on("error", (err) => {
    live.delete(child);
    on.spawnError(err);
  });
  child.on("exit", (code, signal) => {
    live.delete(child);
    on.exit(code, signal, false);
  });
  // The pool decides when the local cloud may exit; an idle environment must not keep it alive.
  child.unref();
  channel.unref();
  return {
    kind: "process",
    write: (data) => void channel.write(data),
    get writable() {
      return !channel.destroyed;
    },
    kill: () => {
      if (opts.group) return killGroup(child);
      if (!EXTRA_NODE_ARGS.length) return void child.kill("SIGKILL");
      // Profiling: let it write its profile, unless it does not stop by itself.
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    },
  };
}

function threadHost(opts: HostOptions, on: HostEvents): EnvironmentHost {
  const worker = new Worker(BOOTSTRAP, {
    env: opts.env,
    execArgv: [],
    workerData: { thread: true, cwd: opts.cwd },
    resourceLimits: { maxOldGenerationSizeMb: Math.max(64, opts.memoryMb) },
    stdout: true,
    stderr: true,
  });
  let ended = false;
  let outOfMemory = false;
  const split = frameSplitter(on.frame);
  worker.on("message", (m) => typeof m === "string" && split(m));
  forwardOutput(worker.stdout, false, on);
  forwardOutput(worker.stderr, true, on);
  worker.on("error", (err: Error & { code?: string }) => {
    if (err?.code === "ERR_WORKER_OUT_OF_MEMORY") outOfMemory = true;
  });
  worker.on("exit", (code) => {
    ended = true;
    on.exit(code, null, outOfMemory);
  });
  worker.unref();
  return {
    kind: "thread",
    write: (data) => worker.postMessage(data),
    get writable() {
      return !ended;
    },
    kill: () => void worker.terminate().catch(() => undefined),
  };
}
