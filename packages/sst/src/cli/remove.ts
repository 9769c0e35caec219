import type { Command, CommandContext } from "./command.js";

const remove: Command = {
  name: "remove",
  usage: "remove [filter]",
  description: "Remove your app (from the local cloud)",
  positionals: { min: 0, max: 1 },
  options: {
    from: { type: "string", description: "Where to remove it from", valueName: "<target>", choices: ["local", "aws"] },
    to: { type: "string", description: "Same as --from (the target `sst deploy --to` deployed to)", valueName: "<target>", choices: ["local", "aws"] },
    profile: { type: "string", description: "AWS profile for --from aws (default: the config's profile, AWS_PROFILE)", valueName: "<name>" },
  },
  examples: ["sst remove", "sst remove API", "sst remove --from aws --stage prod"],
  async run(ctx) {
    const { UsageError } = await import("./command.js");
    if (ctx.values.from && ctx.values.to && ctx.values.from !== ctx.values.to)
      throw new UsageError(`--from ${ctx.values.from} and --to ${ctx.values.to} name different targets`, "remove");
    if ((ctx.values.from ?? ctx.values.to) === "aws") return removeAws(ctx);
    const { loadProjectFor, synthProject } = await import("./project.js");
    const { assertNoDevServer } = await import("./local-guard.js");
    const { localStateDir, outputsFile } = await import("../deploy/state-paths.js");
    const { startCloud } = await import("../deploy/local-cloud.js");
    const { removeFromLocal, selectStacks } = await import("../deploy/local.js");
    const { writeOutputs } = await import("../deploy/outputs.js");
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");

    const project = await loadProjectFor(ctx);
    const stateDir = localStateDir(project);
    await assertNoDevServer(stateDir, project.stage, "removing the app");
    ctx.ui.info(`Removing "${project.config.name}" stage "${project.stage}" from the local cloud`);
    // Only the stack names are needed: synthesize into a scratch directory.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-remove-"));
    try {
      const synth = await synthProject(project, { mode: "remove", outdir });
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
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  },
};

/** `sst remove --from aws`: the stack names come from a synth for the caller's account; the toolkit deletes them. */
async function removeAws(ctx: CommandContext): Promise<void> {
  const { loadProjectFor, synthProject } = await import("./project.js");
  const { outputsFile } = await import("../deploy/state-paths.js");
  const { writeOutputs } = await import("../deploy/outputs.js");
  const { resolveAwsEnvironment, exportForSynth } = await import("../deploy/aws/environment.js");
  const { loadToolkit } = await import("../deploy/aws/toolkit-loader.js");
  const { removeFromAws } = await import("../deploy/aws/remove.js");
  const fs = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");

  const project = await loadProjectFor(ctx);
  loadToolkit().catch(() => {}); // start loading; removeFromAws awaits it
  const env = await resolveAwsEnvironment({ region: project.config.region, profile: (ctx.values.profile as string | undefined) ?? (project.config as { profile?: string }).profile });
  ctx.ui.info(`Removing "${project.config.name}" stage "${project.stage}" from AWS account ${env.account} in ${env.region}`);
  exportForSynth(env);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-remove-"));
  try {
    const synth = await synthProject(project, { mode: "remove", outdir });
    // A failure throws a CliError naming the stack, the logical id and the reason.
    const result = await removeFromAws(synth, { ui: ctx.ui, filter: ctx.positionals[0] });
    writeOutputs(outputsFile(project), {}, { removed: [...result.removed, ...result.absent] });
    ctx.ui.success(`Removed ${result.removed.length} stack${result.removed.length === 1 ? "" : "s"}`);
    for (const s of result.absent) ctx.ui.line(`   ${s} ${ctx.ui.color.gray("(was not deployed)")}`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export default remove;
