import type { Command, CommandContext } from "./command.js";
import type { Project } from "./project.js";
import type { AwsEnvironment } from "../deploy/aws/environment.js";

const remove: Command = {
  name: "remove",
  usage: "remove [filter]",
  description: "Remove your app from its stage: the local cloud or AWS",
  positionals: { min: 0, max: 1 },
  options: {
    from: { type: "string", description: "Same as --local / --aws", valueName: "<target>", choices: ["local", "aws"] },
    to: { type: "string", description: "Same as --from (the target `sst deploy --to` deployed to)", valueName: "<target>", choices: ["local", "aws"] },
  },
  examples: ["sst remove", "sst remove API", "sst remove --stage prod --aws"],
  async run(ctx) {
    const { UsageError } = await import("./command.js");
    const { loadProjectFor } = await import("./project.js");
    const { resolveStageTarget } = await import("./target.js");
    if (ctx.values.from && ctx.values.to && ctx.values.from !== ctx.values.to)
      throw new UsageError(`--from ${ctx.values.from} and --to ${ctx.values.to} name different targets`, "remove");
    const from = (ctx.values.from ?? ctx.values.to) as "local" | "aws" | undefined;
    const project = await loadProjectFor(ctx);
    const target = await resolveStageTarget(ctx, project, {
      flag: from ? { kind: from, name: `--${ctx.values.from ? "from" : "to"} ${from}` } : undefined,
      changesStage: true,
    });
    return target.kind === "aws" ? removeAws(ctx, project, target.env) : removeLocal(ctx, project, target.stateDir);
  },
};

/** Synthesizes in remove mode into a scratch directory (only the stack names are needed), runs `fn`, cleans up. */
async function withRemoveSynth<T>(project: Project, fn: (synth: import("../deploy/project-like.js").SynthResult) => Promise<T>): Promise<T> {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { synthProject } = await import("./project.js");
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-remove-"));
  try {
    return await fn(await synthProject(project, { mode: "remove", outdir }));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

async function removeLocal(ctx: CommandContext, project: Project, stateDir: string): Promise<void> {
  const { assertNoDevServer } = await import("./local-guard.js");
  const { outputsFile } = await import("../deploy/state-paths.js");
  const { startCloud } = await import("../deploy/local-cloud.js");
  const { removeFromLocal, selectStacks } = await import("../deploy/local.js");
  const { writeOutputs } = await import("../deploy/outputs.js");

  await assertNoDevServer(stateDir, project.stage, "removing the app");
  ctx.ui.info(`Removing "${project.config.name}" stage "${project.stage}"`);
  await withRemoveSynth(project, async (synth) => {
    const stacks = selectStacks(synth, ctx.positionals[0]);
    const { cloud } = await startCloud({ dir: stateDir, port: 0, region: project.config.region });
    try {
      await removeFromLocal(cloud, synth, stacks);
    } finally {
      await cloud.stop();
    }
    writeOutputs(outputsFile(project), {}, { removed: stacks });
    ctx.ui.success(`Removed ${stacks.length} stack${stacks.length === 1 ? "" : "s"}`);
    for (const s of stacks) ctx.ui.line(`   ${s}`);
  });
}

/** The AWS target: the stack names come from a synth for the caller's account; the toolkit deletes them; the stage's Live Lambda queues go too. */
async function removeAws(ctx: CommandContext, project: Project, env: AwsEnvironment): Promise<void> {
  const { outputsFile } = await import("../deploy/state-paths.js");
  const { writeOutputs } = await import("../deploy/outputs.js");
  const { exportForSynth } = await import("../deploy/aws/environment.js");
  const { loadToolkit } = await import("../deploy/aws/toolkit-loader.js");
  const { removeFromAws } = await import("../deploy/aws/remove.js");
  const { removeBridgeQueues } = await import("../dev/bridge/queues.js");

  loadToolkit().catch(() => {}); // start loading; removeFromAws awaits it
  ctx.ui.info(`Removing "${project.config.name}" stage "${project.stage}"`);
  exportForSynth(env);
  await withRemoveSynth(project, async (synth) => {
    // A failure throws a CliError naming the stack, the logical id and the reason.
    const result = await removeFromAws(synth, env, { ui: ctx.ui, filter: ctx.positionals[0] });
    if (!ctx.positionals[0]) {
      const queues = await removeBridgeQueues(env, project.config.name, project.stage);
      if (queues) ctx.ui.debug(`Removed ${queues} Live Lambda queue${queues === 1 ? "" : "s"} of the stage`);
    }
    writeOutputs(outputsFile(project), {}, { removed: [...result.removed, ...result.absent] });
    ctx.ui.success(`Removed ${result.removed.length} stack${result.removed.length === 1 ? "" : "s"}`);
    for (const s of result.absent) ctx.ui.line(`   ${s} ${ctx.ui.color.gray("(was not deployed)")}`);
  });
}

export default remove;
