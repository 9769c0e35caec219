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

/** The current project, or undefined when none was set (an App made directly, in a test). */
export function currentProject(): SSTProject | undefined {
  return (globalThis as Holder)[KEY];
}
