/**
 * Build the SST App for a project, run the stacks, finalise bindings, synthesize the
 * cloud assembly and write `.sst/types/index.ts`.
 */
import path from "node:path";
import type * as cdk from "aws-cdk-lib";
import * as cxapi from "aws-cdk-lib/cx-api";
import { App, type AppMode, type DeployTarget } from "../constructs/App.js";
import { writeTypes } from "./typegen.js";
import { readProjectContext, missingContext, localContextProvider, unresolvedLookupError, type ContextProvider } from "./context.js";
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
  /** Synthesizer for every stack (default: from config.cdk, else CDK's DefaultStackSynthesizer). */
  synthesizer?: () => cdk.IStackSynthesizer;
  /** The SST bootstrap bucket function sourcemaps are copied to (without it, no sourcemap uploader). */
  bootstrap?: { bucket: string };
  /** Which stacks have their functions built (`sst deploy <filter>`); default all. */
  isActiveStack?: (stackName: string) => boolean;
  /**
   * Answers CDK context lookups (hosted zones, availability zones …) the app's
   * context files do not hold. Default: the local cloud's answers; an AWS target
   * passes one that asks AWS.
   */
  contextProvider?: ContextProvider;
}

export function createApp(project: Project, opts: SynthOptions): App {
  return new App({
    name: project.config.name,
    stage: project.stage,
    region: project.config.region,
    account: opts.account ?? process.env.CDK_DEFAULT_ACCOUNT ?? "000000000000",
    mode: opts.mode,
    target: opts.target,
    root: project.root,
    ssmPrefix: project.config.ssmPrefix,
    outdir: opts.outdir ?? project.paths.dist,
    artifactsDir: project.paths.artifacts,
    context: opts.context,
    synthesizer: opts.synthesizer,
    cdk: project.config.cdk,
    bootstrap: opts.bootstrap,
    isActiveStack: opts.isActiveStack,
    disableParameterizedStackNameCheck: project.config.advanced?.disableParameterizedStackNameCheck,
    typesDir: project.paths.types,
  });
}

export async function synth(project: Project, opts: SynthOptions): Promise<SynthResult> {
  // Stack code resolves relative paths (Code.fromAsset("layers/x")) against the app's
  // root, as under SST v2, which runs the stacks from there.
  const cwd = process.cwd();
  process.chdir(project.root);
  try {
    return await synthInRoot(project, opts);
  } finally {
    process.chdir(cwd);
  }
}

/** Runs the stacks until CDK asks for no context it does not have (at most a few rounds). */
async function synthInRoot(project: Project, opts: SynthOptions): Promise<SynthResult> {
  const provider = opts.contextProvider ?? localContextProvider;
  const looked: Record<string, unknown> = {};
  for (let round = 0; ; round++) {
    const context = {
      [cxapi.PATH_METADATA_ENABLE_CONTEXT]: project.config.cdk?.pathMetadata ?? false,
      ...readProjectContext(project.root), ...looked, ...(opts.context ?? {}),
    };
    const app = createApp(project, { ...opts, context });
    await project.sstConfig.stacks(app);
    // Async stack functions added without `await`.
    await Promise.all(app.pending);
    const missing = missingContext(app);
    if (missing.length === 0) return finishAndSynth(project, app);
    const answers = round < 4 ? await provider(missing) : {};
    const unanswered = missing.filter((m) => !(m.key in answers));
    if (unanswered.length > 0) throw unresolvedLookupError(unanswered);
    Object.assign(looked, answers);
  }
}

async function finishAndSynth(project: Project, app: App): Promise<SynthResult> {
  await app.finish();
  const assembly = app.synth();
  writeTypes(app, project.paths.types);
  return {
    assemblyDir: assembly.directory,
    app,
    stacks: stacksOf(assembly),
    functions: { ...app.functionDefinitions },
    notices: app.localNotices,
  };
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
