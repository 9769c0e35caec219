/**
 * The project of an `sst dev` start: from the synth cache when nothing changed, else
 * loaded — by the synth process (synth-process.ts), which goes on to synthesize it. Kept
 * apart from the session (dev-session.ts) so the CLI can start that process before it
 * loads the session's modules (the deploy, the builder, the local cloud's client code):
 * the synth process's start is on the critical path of a cold start, the session's
 * modules are not.
 */
import { loadProjectFor, synthProject, type Project } from "../cli/project.js";
import type { SynthResult } from "../deploy/project-like.js";
import { EnvReads, prepareSynthCacheKey, readSynthCache, snapshotInputs, writeSynthCache, type InputSnapshot } from "../project/synth-cache.js";
import { synthInProcess, type SynthInProgress } from "./synth-process.js";

/** How a dev start loads and synthesizes the app; tests swap in fakes. */
export interface DevProjectDeps {
  loadProject: typeof loadProjectFor;
  synth: typeof synthProject;
  /**
   * Load and synthesize in a process of its own (synth-process.ts) instead of with
   * `loadProject` and `synth`: the real session does; tests that fake those do not.
   */
  synthElsewhere?: typeof synthInProcess;
  /** The synth cache (src/project/synth-cache.ts): a start on an unchanged app skips loading the config and synth. */
  synthCache: {
    read: typeof readSynthCache;
    snapshot: typeof snapshotInputs;
    write: typeof writeSynthCache;
    /** Work the first write needs, done while the synth runs elsewhere. */
    prepare?: typeof prepareSynthCacheKey;
  };
}

export const realProjectDeps: DevProjectDeps = {
  loadProject: loadProjectFor,
  synth: synthProject,
  synthElsewhere: synthInProcess,
  synthCache: { read: readSynthCache, snapshot: snapshotInputs, write: writeSynthCache, prepare: prepareSynthCacheKey },
};

/** `real` with the caller's fakes, used as given: no synth process with a fake loader or synth. */
export function withFakes<D extends DevProjectDeps>(real: D, fakes: Partial<D> | undefined): D {
  const deps: D = { ...real, ...fakes };
  if (fakes?.loadProject || fakes?.synth) deps.synthElsewhere = fakes.synthElsewhere;
  return deps;
}

/** A dev start's project: from the synth cache when nothing changed (with its synth), else freshly loaded. */
export interface DevProject {
  project: Project;
  cached?: { project: Project; synth: SynthResult };
  /** Hashes of the config inputs, for writing the cache after the synth (fresh loads only). */
  snapshot?: InputSnapshot;
  /** The environment variables the load read; the synth's reads join them (see synth-cache.ts). */
  envReads: EnvReads;
  /**
   * The synth process that loaded the project (synth-process.ts), synthesizing it while
   * the caller goes on. `project` then holds the config's data only: whatever needs its
   * code (an AWS dev session) loads it again in process (`inProcess`).
   */
  elsewhere?: SynthInProgress;
}

export interface DevProjectOptions {
  cwd: string;
  stage?: string;
  region?: string;
  verbose?: boolean;
  deps?: Partial<DevProjectDeps>;
}

/**
 * Loads the project for `sst dev`, from the synth cache when it holds (without importing
 * the config or aws-cdk-lib). The synth process, when there is one, is started before
 * this returns its promise.
 */
export async function loadDevProject(opts: DevProjectOptions, inProcess = false, ignoreCache = false): Promise<DevProject> {
  const deps = withFakes(realProjectDeps, opts.deps);
  const cached = ignoreCache ? undefined : deps.synthCache.read({ cwd: opts.cwd, stage: opts.stage, region: opts.region, mode: "dev" });
  const envReads = new EnvReads();
  if (cached) return { project: cached.project as Project, cached: cached as DevProject["cached"], envReads };
  if (deps.synthElsewhere && !inProcess) {
    // The dev process never loads the config's aws-cdk-lib (~80 MB it would keep all
    // session), and starts the local cloud on the other core while the synth runs.
    const elsewhere = deps.synthElsewhere({ cwd: opts.cwd, stage: opts.stage, region: opts.region, verbose: !!opts.verbose });
    const { project, snapshot, envValues } = await elsewhere.loaded;
    Object.assign(envReads.values, envValues);
    return { project, snapshot, envReads, elsewhere };
  }
  const project = await envReads.during(() => deps.loadProject({ cwd: opts.cwd, global: { stage: opts.stage, region: opts.region, verbose: !!opts.verbose } }));
  return { project, snapshot: deps.synthCache.snapshot(project), envReads };
}
