/**
 * sst dev's synth process (synth-process.ts), started by the `sst` entry the moment the
 * CLI's bundle is known, before the CLI's own modules load (~100 ms of CPU on the
 * critical path of a cold start: the synth process's start then runs beside them on the
 * other core). It starts knowing nothing of the command line: it loads its program and
 * waits for the request (and the environment) that synth-process.ts sends when the
 * session asks for a synth — so the CLI's argument rules stay in one place. Not started
 * when the app directory has a synth cache (a restart will most likely not need it); one
 * not taken (the cache hit after all, the stage targets AWS, the command failed) is ended.
 * Plain JavaScript: the entry runs it before any TypeScript loader.
 */
import { fork } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const WORKER = fileURLToPath(new URL("./synth-worker.mjs", import.meta.url));
const EARLY = Symbol.for("sst.earlySynthProcess");

/**
 * A synth process, waiting for its request (see synth-worker-main.ts).
 * @param {Record<string, string | undefined>} env
 * @param {string} cwd
 */
export function forkSynthWorker(env, cwd) {
  // Node flags for profiling it (`SST_SYNTH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p"`); none by default.
  const execArgv = (process.env.SST_SYNTH_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  return fork(WORKER, [], { cwd, env, stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv });
}

/**
 * Starts the synth process now if `argv` is `sst dev …` (not its help) and the app in
 * this directory has no synth cache.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @param {string} [cwd]
 */
export function startSynthProcessEarly(argv, env, cwd = process.cwd()) {
  if (argv[0] !== "dev" || argv.includes("--help") || argv.includes("-h")) return;
  if (fs.existsSync(path.join(cwd, ".sst", "synth-cache.json"))) return;
  const child = forkSynthWorker(env, cwd);
  child.unref();
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[EARLY] = { cwd, child };
}

/**
 * The synth process started early for `cwd`, taken once (undefined when there is none,
 * or it was started elsewhere or ended); any other is ended.
 * @param {string} [cwd] undefined: end it, whatever it was for
 * @returns {import("node:child_process").ChildProcess | undefined}
 */
export function takeEarlySynthProcess(cwd) {
  const g = /** @type {Record<symbol, { cwd: string, child: import("node:child_process").ChildProcess } | undefined>} */ (/** @type {unknown} */ (globalThis));
  const early = g[EARLY];
  g[EARLY] = undefined;
  if (!early) return undefined;
  if (early.cwd === cwd && early.child.exitCode === null && early.child.signalCode === null && early.child.connected) {
    early.child.ref();
    return early.child;
  }
  early.child.kill();
  return undefined;
}
