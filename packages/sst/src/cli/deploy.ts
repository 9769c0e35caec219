import type { Command } from "./command.js";

const deploy: Command = {
  name: "deploy",
  usage: "deploy [filter]",
  description: "Deploy your app (to the local cloud)",
  positionals: { min: 0, max: 1 },
  options: {
    to: { type: "string", description: "Where to deploy", valueName: "<target>", choices: ["local", "aws"] },
  },
  examples: ["sst deploy", "sst deploy --stage prod", "sst deploy API"],
  async run(ctx) {
    const { CliError } = await import("./command.js");
    if (ctx.values.to === "aws")
      throw new CliError("Deploying to AWS is not available yet: sst deploy targets the local cloud (--to local).");
    const { loadProjectFor, synthProject } = await import("./project.js");
    const { assertNoDevServer } = await import("./local-guard.js");
    const { localStateDir, outputsFile } = await import("../deploy/state-paths.js");
    const { startCloud } = await import("../deploy/local-cloud.js");
    const { deployToLocal, selectStacks, describeDeployEvent } = await import("../deploy/local.js");
    const { writeOutputs, formatOutputs } = await import("../deploy/outputs.js");
    const path = await import("node:path");

    const started = performance.now();
    const project = await loadProjectFor(ctx);
    const stateDir = localStateDir(project);
    await assertNoDevServer(stateDir, project.stage, "deploying");
    ctx.ui.info(`Deploying "${project.config.name}" stage "${project.stage}" to the local cloud (${path.relative(ctx.cwd, stateDir) || stateDir})`);
    const synth = await synthProject(project, { mode: "deploy", outdir: project.paths.dist });
    const stacks = selectStacks(synth, ctx.positionals[0]);
    const { cloud } = await startCloud({ dir: stateDir, port: 0, region: project.config.region });
    let outputs;
    try {
      outputs = await deployToLocal(cloud, synth, {
        stacks: ctx.positionals[0] ? stacks : undefined,
        onEvent: (e) => ctx.ui.debug(`|  ${describeDeployEvent(e)}`),
      });
    } catch (err) {
      ctx.ui.error("Deploy failed");
      throw err;
    } finally {
      await cloud.stop();
    }
    writeOutputs(outputsFile(project), outputs, { merge: Boolean(ctx.positionals[0]) });
    ctx.ui.success(`Deployed ${Object.keys(outputs).length} stack${Object.keys(outputs).length === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    for (const l of formatOutputs(outputs)) ctx.ui.line(l);
  },
};
export default deploy;
