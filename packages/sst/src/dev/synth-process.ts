/**
 * Loading the app and synthesizing it in a process of its own (synth-worker-main.ts),
 * for `sst dev`: the dev process then never loads the config's aws-cdk-lib (~80 MB it
 * would keep all session), and starts the local cloud on the other core while the
 * synth runs. The project arrives first (it names the state directory and the region
 * the cloud needs), the synth result when done. Errors come back with their name,
 * message and stack, so they print exactly as an in-process failure would (file:line
 * of the user's code).
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CliError } from "../cli/command.js";
import type { Project } from "../cli/project.js";
import type { SynthResult } from "../deploy/project-like.js";
import type { InputSnapshot } from "../project/synth-cache.js";

const WORKER = fileURLToPath(new URL("./synth-worker.mjs", import.meta.url));

export interface SynthWorkerRequest {
  cwd: string;
  stage?: string;
  region?: string;
  verbose: boolean;
}

export type SynthWorkerMessage =
  | { kind: "loaded"; project: Project; snapshot: InputSnapshot }
  | { kind: "synthesized"; synth: SynthResult }
  /** The result holds code (esbuild plugins in a function's options): synthesize in process instead. */
  | { kind: "unserializable" }
  | { kind: "error"; error: { name: string; message: string; stack?: string } };

export interface SynthInProgress {
  /** The project and the snapshot of its inputs, taken before the synth read them. */
  loaded: Promise<{ project: Project; snapshot: InputSnapshot }>;
  /** The synth, or undefined when its result can't leave the process (the caller synthesizes itself). */
  synthesized: Promise<SynthResult | undefined>;
}

/** The worker's error, rebuilt: a CliError stays one; any other keeps its stack (it names the user's file and line). */
function rebuild(error: { name: string; message: string; stack?: string }): Error {
  if (error.name === "CliError") return new CliError(error.message);
  const e = new Error(error.message);
  e.name = error.name;
  if (error.stack) e.stack = error.stack;
  return e;
}

export function synthInProcess(request: SynthWorkerRequest): SynthInProgress {
  const child = fork(WORKER, [JSON.stringify(request)], { cwd: request.cwd, stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
  let resolveLoaded!: (v: { project: Project; snapshot: InputSnapshot }) => void;
  let resolveSynth!: (v: SynthResult | undefined) => void;
  let fail!: (err: Error) => void;
  const loaded = new Promise<{ project: Project; snapshot: InputSnapshot }>((res, rej) => {
    resolveLoaded = res;
    fail = (err) => {
      rej(err);
      rejectSynth(err);
    };
  });
  let rejectSynth!: (err: Error) => void;
  const synthesized = new Promise<SynthResult | undefined>((res, rej) => {
    resolveSynth = res;
    rejectSynth = rej;
  });
  // Whoever waits only for the first one must not leave the other's rejection unhandled.
  loaded.catch(() => {});
  synthesized.catch(() => {});
  let done = false;
  child.on("message", (m: SynthWorkerMessage) => {
    if (m.kind === "loaded") resolveLoaded({ project: m.project, snapshot: m.snapshot });
    else if (m.kind === "synthesized" || m.kind === "unserializable") {
      done = true;
      resolveSynth(m.kind === "synthesized" ? m.synth : undefined);
    } else {
      done = true;
      fail(rebuild(m.error));
    }
  });
  child.on("exit", (code, signal) => {
    if (!done) fail(new Error(`the synth process ended before synthesizing (${signal ?? `exit code ${code}`})`));
  });
  return { loaded, synthesized };
}
