/**
 * Build the SST App for a project, run the stacks, finalise bindings, synthesize the
 * cloud assembly and write `.sst/types/index.ts`.
 */
import path from "node:path";
import type * as cdk from "aws-cdk-lib";
import * as cxapi from "aws-cdk-lib/cx-api";
import { App, type AppMode, type DeployTarget } from "../constructs/App.js";
import { writeTypes } from "./typegen.js";
import type { Project, SynthResult, SynthStack } from "./types.js";

export interface SynthOptions {
  mode: AppMode;
  /** Where the assembly goes (sites use it for their URL's scheme). */
  target?: DeployTarget;
  outdir?: string;
  /** Target account (default CDK_DEFAULT_ACCOUNT or the local cloud's 000000000000). */
  account?: string;
  /** Extra CDK context. */
  context?: Record<string, unknown>;
  /** Synthesizer for every stack (default: CDK's DefaultStackSynthesizer). */
  synthesizer?: () => cdk.IStackSynthesizer;
}

export function createApp(project: Project, opts: SynthOptions): App {
  return new App({
    name: project.config.name,
    stage: project.stage,
    region: project.config.region,
    account: opts.account,
    mode: opts.mode,
    target: opts.target,
    root: project.root,
    ssmPrefix: project.config.ssmPrefix,
    outdir: opts.outdir ?? project.paths.dist,
    artifactsDir: project.paths.artifacts,
    context: opts.context,
    synthesizer: opts.synthesizer,
  });
}

export async function synth(project: Project, opts: SynthOptions): Promise<SynthResult> {
  const app = createApp(project, opts);
  await project.sstConfig.stacks(app);
  // Async stack functions added without `await`.
  await Promise.all(app.pending);
  app.finish();
  const assembly = app.synth();
  writeTypes(app, project.paths.types);
  return { assemblyDir: assembly.directory, app, stacks: stacksOf(assembly), functions: { ...app.functionDefinitions } };
}

export function stacksOf(assembly: cxapi.CloudAssembly): SynthStack[] {
  const stackIds = new Set(assembly.stacks.map((s) => s.id));
  return assembly.stacks.map((s) => ({
    id: s.id,
    stackName: s.stackName,
    templateFile: path.join(assembly.directory, s.templateFile),
    dependencies: s.dependencies.map((d) => d.id).filter((id) => stackIds.has(id)),
  }));
}
