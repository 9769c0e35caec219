/**
 * The target of a command that acts on a stage — its local cloud or AWS — chosen by
 * the rule in ../deploy/target-rule.ts from the command line, SST_TARGET, the config
 * and the credentials at hand, and announced on stderr before anything happens:
 *
 *   ➜  Target: local cloud .sst/local/dev (no AWS credentials found)
 *   ➜  Target: AWS account 123456789012, us-east-1, profile dev (AWS credentials found)
 */
import fs from "node:fs";
import path from "node:path";
import { CliError, UsageError, type CommandContext } from "./command.js";
import type { Project } from "./project.js";
import { chooseTarget, ciValue, type TargetKind } from "../deploy/target-rule.js";
import { localStateDir } from "../deploy/state-paths.js";
import { describeCredentialSource, findCredentialSource, sharedFilesHaveDefaultProfile, type CredentialSource } from "../deploy/aws/credential-sources.js";
import { describeAwsEnvironment, type AwsEnvironment } from "../deploy/aws/environment.js";

export type StageTarget =
  | { kind: "local"; stateDir: string; reason: string }
  | { kind: "aws"; env: AwsEnvironment; reason: string };

export interface TargetOptions {
  /** A command's own spelling of the target (`deploy --to aws`), besides --local/--aws. */
  flag?: { kind: TargetKind; name: string };
  /** deploy/remove: refuse to fall back to the local cloud in CI. */
  changesStage?: boolean;
  /** Print the target line (default true). */
  announce?: boolean;
}

/** The flag that chose the target, from --local/--aws and the command's own option; conflicting ones are a usage error. */
export function targetFlag(ctx: Pick<CommandContext, "global">, own?: { kind: TargetKind; name: string }, command?: string): { kind: TargetKind; name: string } | undefined {
  const global = ctx.global.target ? { kind: ctx.global.target, name: `--${ctx.global.target}` } : undefined;
  if (global && own && global.kind !== own.kind) throw new UsageError(`${global.name} and ${own.name} name different targets: pass one of them`, command);
  return own ?? global;
}

/** Where the SDK would find credentials for this command, or undefined. */
export function credentialSourceFor(ctx: Pick<CommandContext, "global">, configProfile: string | undefined): CredentialSource | undefined {
  return findCredentialSource({
    flagProfile: ctx.global.profile,
    configProfile,
    env: process.env,
    hasDefaultProfile: () => sharedFilesHaveDefaultProfile(process.env),
  });
}

/** The AWS environment for AWS-only commands (bootstrap) and the AWS target. */
export async function awsEnvironmentFor(ctx: Pick<CommandContext, "global">, config: { region: string; profile?: string; role?: string }): Promise<AwsEnvironment> {
  const { resolveAwsEnvironment } = await import("../deploy/aws/environment.js");
  const source = credentialSourceFor(ctx, config.profile) ?? { kind: "default-chain" as const };
  return resolveAwsEnvironment({ region: config.region, source, role: ctx.global.role ?? config.role });
}

export async function resolveStageTarget(ctx: CommandContext, project: Project, opts: TargetOptions = {}): Promise<StageTarget> {
  const command = `sst ${ctx.commandName}`;
  const flag = targetFlag(ctx, opts.flag, ctx.commandName);
  const stateDir = localStateDir(project);
  const shownState = path.relative(ctx.cwd, stateDir) || stateDir;
  const source = credentialSourceFor(ctx, project.config.profile);
  const choice = chooseTarget({
    command,
    stage: project.stage,
    flag,
    envTarget: process.env.SST_TARGET,
    configTarget: (project.config as { target?: unknown }).target,
    credentials: source ? describeCredentialSource(source) : undefined,
    localStateDir: shownState,
    localStateExists: fs.existsSync(stateDir),
    ci: ciValue(process.env),
    changesStage: opts.changesStage ?? false,
  });
  const announce = opts.announce ?? true;
  if (choice.kind === "local") {
    const awsOnly = ctx.global.profile ? "--profile" : ctx.global.role ? "--role" : undefined;
    if (awsOnly) throw new CliError(`${awsOnly} picks AWS credentials, but the target is the local cloud (${choice.reason}). Pass --aws to act on AWS, or drop ${awsOnly}.`);
    if (announce) ctx.ui.note(`Target: local cloud ${shownState} (${choice.reason})`);
    return { kind: "local", stateDir, reason: choice.reason };
  }
  const env = await awsEnvironmentFor(ctx, project.config);
  if (announce) ctx.ui.note(`Target: ${describeAwsEnvironment(env)} (${choice.reason})`);
  return { kind: "aws", env, reason: choice.reason };
}
