import type { Command } from "./command.js";

const remove: Command = {
  name: "remove",
  usage: "remove [filter]",
  description: "Remove your app (from the local cloud)",
  positionals: { min: 0, max: 1 },
  options: {
    from: { type: "string", description: "Where to remove it from", valueName: "<target>", choices: ["local", "aws"] },
  },
  async run(ctx) {
    const { CliError } = await import("./command.js");
    if (ctx.values.from === "aws") throw new CliError("Removing from AWS is not available yet: sst remove targets the local cloud.");
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
export default remove;
