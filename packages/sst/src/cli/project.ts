/**
 * Loading the app for a command: the project loader (src/project) is imported lazily
 * because evaluating sst.config.ts pulls in aws-cdk-lib.
 */
import type { CommandContext } from "./command.js";
import type { ProjectLike, SynthResult } from "../deploy/project-like.js";

export type Project = ProjectLike & Record<string, any>;

async function projectModule(): Promise<any> {
  return import("../project/index.js");
}

/** Throws the loader's error (which names file:line:col for config and stack errors). */
export async function loadProjectFor(ctx: Pick<CommandContext, "cwd" | "global">): Promise<Project> {
  const { loadProject } = await projectModule();
  return loadProject({ cwd: ctx.cwd, stage: ctx.global.stage, region: ctx.global.region, profile: ctx.global.profile, role: ctx.global.role });
}

export async function synthProject(project: Project, opts: { mode: "dev" | "deploy" | "remove"; target?: "local" | "aws"; outdir?: string; context?: Record<string, unknown> }): Promise<SynthResult> {
  const { synth } = await projectModule();
  return synth(project, opts);
}

/** The scope secrets and bind work in. */
export function secretScope(project: Project) {
  return { app: project.config.name, stage: project.stage, ssmPrefix: project.config.ssmPrefix };
}
