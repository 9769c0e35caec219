/**
 * The part of a loaded project (src/project) that deploy targets and the CLI rely on.
 * Kept minimal so these modules do not depend on the project loader's internals.
 */
export interface ProjectLike {
  root: string;
  stage: string;
  config: {
    name: string;
    region: string;
    ssmPrefix: string;
    profile?: string;
    role?: string;
    target?: unknown;
    cdk?: { toolkitStackName?: string; qualifier?: string };
    bootstrap?: { stackName?: string; tags?: Record<string, string> };
  };
  paths: { root: string; out: string; dist?: string; artifacts?: string; types?: string };
  configInputs?: string[];
}

export interface SynthStack {
  id: string;
  stackName: string;
  templateFile?: string;
  dependencies: string[];
}

export interface SynthFunction {
  id: string;
  handler: string;
  runtime: string;
  nodejs?: unknown;
  copyFiles?: unknown;
}

/** What an app asks for that the local cloud does not do (see constructs/util/local-notice.ts). */
export interface SynthNotice {
  construct: string;
  path: string;
  prop: string;
  local: string;
}

export interface SynthResult {
  assemblyDir: string;
  stacks: SynthStack[];
  functions: Record<string, SynthFunction>;
  /** `sst dev` prints each once. */
  notices?: SynthNotice[];
}
