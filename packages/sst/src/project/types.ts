/** The project contract the CLI and the dev loop are written against. */
import type { App } from "../constructs/App.js";
import type { FunctionDefinitionRecord } from "../build/types.js";

export interface ConfigOptions {
  name: string;
  region?: string;
  stage?: string;
  /** AWS profile for the AWS target (ignored when AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are set, as in SST v2). */
  profile?: string;
  /** ARN of an IAM role the CLI assumes for AWS calls. */
  role?: string;
  /** Where commands act when no --local/--aws flag or SST_TARGET says (docs/cli.md, "Choosing the target"). */
  target?: "local" | "aws";
  ssmPrefix?: string;
  /** SST v2's bootstrap stack settings (`sst bootstrap`). */
  bootstrap?: { stackName?: string; tags?: Record<string, string> };
  /** CDK bootstrap settings (`sst bootstrap`). */
  cdk?: { toolkitStackName?: string; qualifier?: string };
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
}
