/** The project contract the CLI and the dev loop are written against. */
import type { App, AppCdkOptions } from "../constructs/App.js";
import type { LocalNotice } from "../constructs/util/local-notice.js";
import type { FunctionDefinitionRecord } from "../build/types.js";

export interface ConfigOptions {
  name: string;
  region?: string;
  stage?: string;
  /** AWS profile for the AWS target (ignored when AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set, as in SST v2). */
  profile?: string;
  /** ARN of an IAM role the CLI assumes for AWS calls (SST v2's `role`; used by the AWS target). */
  role?: string;
  /** Where commands act when no --local/--aws flag or SST_TARGET says (docs/cli.md, "Choosing the target"). */
  target?: "local" | "aws";
  ssmPrefix?: string;
  /** SST v2's `bootstrap`: the SSTBootstrap stack's name and tags, and whether to use CDK's bucket. */
  bootstrap?: { stackName?: string; tags?: Record<string, string>; useCdkBucket?: boolean };
  /** SST v2's `cdk`: where the CDK bootstrap lives (toolkit stack, qualifier, asset bucket, roles). */
  cdk?: AppCdkOptions;
  advanced?: { disableParameterizedStackNameCheck?: boolean; disableAppModeCheck?: boolean };
}

export interface SSTConfig {
  config(input: { stage?: string; region?: string; profile?: string; role?: string }): ConfigOptions | Promise<ConfigOptions>;
  stacks(app: App): void | Promise<void>;
}

export interface ProjectPaths {
  root: string;
  /** .sst */
  out: string;
  /** .sst/dist */
  dist: string;
  /** .sst/artifacts */
  artifacts: string;
  /** .sst/types */
  types: string;
}

export interface Project {
  root: string;
  config: ConfigOptions & { region: string; ssmPrefix: string };
  stage: string;
  paths: ProjectPaths;
  sstConfig: SSTConfig;
  /** Source files of sst.config.ts and the stacks it imports (for the dev watcher). */
  configInputs: string[];
}

export interface SynthStack {
  id: string;
  stackName: string;
  templateFile: string;
  dependencies: string[];
}

export interface SynthResult {
  assemblyDir: string;
  app: App;
  stacks: SynthStack[];
  functions: Record<string, FunctionDefinitionRecord>;
  /** What the app asks for that the local cloud does not do; `sst dev` prints each once. */
  notices?: LocalNotice[];
}
