/**
 * `sst/project.js`, SST v2's module holding the current project: `setProject` /
 * `useProject`. Code written against SST v2's internals reaches into it — SST v2's own
 * construct tests set a project before `new App(...)`. An App created without a
 * `ssmPrefix` or `artifactsDir` takes them from the project set here; the CLI sets one
 * for every app it loads (project/load.ts), so `useProject()` answers inside stacks too.
 */
import type { ConfigOptions } from "./project/types.js";

/** The shape SST v2 gives a project (only `config` and `paths` are read here). */
export interface SSTProject {
  config: ConfigOptions & { stage: string; ssmPrefix: string };
  paths: { root: string; config?: string; out: string; artifacts: string };
  version?: string;
  cdkVersion?: string;
  constructsVersion?: string;
  metafile?: unknown;
  stacks?: unknown;
}

// On globalThis, so two copies of this module (a test runner's and the CLI's) agree.
const KEY = Symbol.for("sst.project");
type Holder = { [KEY]?: SSTProject };

export function setProject(project: SSTProject): void {
  (globalThis as Holder)[KEY] = project;
}

/** The current project; throws as SST v2 does when none was set. */
export function useProject(): SSTProject {
  const project = (globalThis as Holder)[KEY];
  if (!project) throw new Error("Project not initialized");
  return project;
}

/** The command line's globals SST v2's `initProject` takes. */
export interface ProjectGlobals {
  stage?: string;
  region?: string;
  profile?: string;
  role?: string;
  /** The folder of sst.config.ts (default: found from the working directory up). */
  root?: string;
}

/**
 * Loads sst.config.ts as the CLI does (its `.env` files too, and SST_STAGE) and makes it
 * the current project, as SST v2's `initProject` did: a stack test calls it before
 * `new App(...)` so the App and the stacks see the app's config.
 */
export async function initProject(globals: ProjectGlobals = {}): Promise<SSTProject> {
  // The aws-cdk-lib SST v2 ran on had no template validator; ours does, and it costs
  // seconds on every synth (more than a stack test's 5 s default timeout), as in `sst dev`.
  process.env.CDK_VALIDATION ??= "false";
  // Loaded on demand: the constructs import this module, and need none of the loader.
  const { loadProject, findConfig } = await import("./project/load.js");
  const loaded = await loadProject({ cwd: globals.root, stage: globals.stage, region: globals.region, profile: globals.profile, role: globals.role });
  const project: SSTProject = {
    config: { ...loaded.config, stage: loaded.stage },
    paths: { root: loaded.root, config: findConfig(loaded.root), out: loaded.paths.out, artifacts: loaded.paths.artifacts },
    stacks: loaded.sstConfig.stacks,
  };
  setProject(project);
  return project;
}

/** The current project, or undefined when none was set (an App made directly, in a test). */
export function currentProject(): SSTProject | undefined {
  return (globalThis as Holder)[KEY];
}
