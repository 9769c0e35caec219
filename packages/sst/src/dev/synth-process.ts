/**
 * Loading the app and synthesizing it in a process of its own (synth-worker-main.ts),
 * for `sst dev`: the dev process then never loads the config's aws-cdk-lib (~80 MB it
 * would keep all session), and starts the local cloud on the other core while the
 * synth runs. The project arrives first (it names the state directory and the region
 * the cloud needs), the synth result when done. Errors come back with their name,
 * message and stack, so they print exactly as an in-process failure would (file:line
 * of the user's code).
 */
import { forkSynthWorker, takeEarlySynthProcess } from "./synth-process-early.mjs";
import { bundleDirEnv } from "../cli-bundle/bootstrap.mjs";
import { CliError } from "../cli/command.js";
import type { Project } from "../cli/project.js";
import type { SynthResult } from "../deploy/project-like.js";
import type { InputSnapshot } from "../project/synth-cache.js";

export interface SynthWorkerRequest {
  cwd: string;
  stage?: string;
  region?: string;
  verbose: boolean;
}

/** The environment variables a load or synth read (see EnvReads in synth-cache.ts). */
export type EnvValues = Record<string, string | null>;

/** What the synth process is sent, once: what to load, and the environment to load it in (the sender's, now). */
export interface SynthWorkerStart {
  kind: "start";
  request: SynthWorkerRequest;
  env: Record<string, string | undefined>;
}

export type SynthWorkerMessage =
  | { kind: "loaded"; project: Project; snapshot: InputSnapshot; envValues: EnvValues }
  | { kind: "synthesized"; synth: SynthResult; envValues: EnvValues }
  /** The result holds code (esbuild plugins in a function's options): synthesize in process instead. */
  | { kind: "unserializable" }
  | { kind: "error"; error: { name: string; message: string; stack?: string } };

export interface SynthInProgress {
  /** The project (the config's data, not its code) and the snapshot of its inputs, taken before the synth read them. */
  loaded: Promise<{ project: Project; snapshot: InputSnapshot; envValues: EnvValues }>;
  /** The synth, or undefined when its result can't leave the process (the caller synthesizes itself). */
  synthesized: Promise<{ synth: SynthResult; envValues: EnvValues } | undefined>;
  /** Ends the process (its result is not wanted after all). */
  cancel(): void;
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
  // The one the `sst` entry started for this directory (synth-process-early.mjs), else a
  // new one, on the CLI's bundle as this process runs it (not checked for freshness again).
  const child = takeEarlySynthProcess(request.cwd) ?? forkSynthWorker({ ...process.env, ...bundleDirEnv() }, request.cwd);
  // Its environment is this process's now, whenever it started.
  child.send({ kind: "start", request, env: { ...process.env } } satisfies SynthWorkerStart);
  let resolveLoaded!: (v: { project: Project; snapshot: InputSnapshot; envValues: EnvValues }) => void;
  let resolveSynth!: (v: { synth: SynthResult; envValues: EnvValues } | undefined) => void;
  let fail!: (err: Error) => void;
  const loaded = new Promise<{ project: Project; snapshot: InputSnapshot; envValues: EnvValues }>((res, rej) => {
    resolveLoaded = res;
    fail = (err) => {
      rej(err);
      rejectSynth(err);
    };
  });
  let rejectSynth!: (err: Error) => void;
  const synthesized = new Promise<{ synth: SynthResult; envValues: EnvValues } | undefined>((res, rej) => {
    resolveSynth = res;
    rejectSynth = rej;
  });
  // Whoever waits only for the first one must not leave the other's rejection unhandled.
  loaded.catch(() => {});
  synthesized.catch(() => {});
  let done = false;
  child.on("message", (m: SynthWorkerMessage) => {
    if (m.kind === "loaded") resolveLoaded({ project: m.project, snapshot: m.snapshot, envValues: m.envValues });
    else if (m.kind === "synthesized" || m.kind === "unserializable") {
      done = true;
      resolveSynth(m.kind === "synthesized" ? { synth: m.synth, envValues: m.envValues } : undefined);
    } else {
      done = true;
      fail(rebuild(m.error));
    }
  });
  child.on("exit", (code, signal) => {
    if (!done) fail(new Error(`the synth process ended before synthesizing (${signal ?? `exit code ${code}`})`));
  });
  return {
    loaded,
    synthesized,
    cancel: () => {
      done = true;
      resolveSynth(undefined);
      if (child.exitCode === null) child.kill();
    },
  };
}
