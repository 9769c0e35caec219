import type { Command } from "./command.js";

const build: Command = {
  name: "build",
  usage: "build",
  description: "Build your app's cloud assembly into .sst/dist",
  options: {
    to: { type: "string", description: "Output directory (default .sst/dist)", valueName: "<dir>" },
  },
  async run(ctx) {
    const path = await import("node:path");
    const { loadProjectFor, synthProject } = await import("./project.js");
    const { resolveStageTarget } = await import("./target.js");
    const started = performance.now();
    const project = await loadProjectFor(ctx);
    // The assembly names its account: AWS's when the stage lives there.
    const target = await resolveStageTarget(ctx, project);
    if (target.kind === "aws") (await import("../deploy/aws/environment.js")).exportForSynth(target.env);
    const outdir = ctx.values.to ? path.resolve(ctx.cwd, ctx.values.to as string) : project.paths.dist;
    const synth = await synthProject(project, { mode: "deploy", outdir });
    const shown = path.relative(ctx.cwd, synth.assemblyDir) || synth.assemblyDir;
    ctx.ui.success(`Built ${synth.stacks.length} stack${synth.stacks.length === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(1)}s: ${shown}`);
    for (const s of synth.stacks) ctx.ui.line(`   ${s.stackName}`);
  },
};
export default build;
