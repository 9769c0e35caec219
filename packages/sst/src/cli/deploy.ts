import fs from "node:fs";
import path from "node:path";
import type { Command, CommandContext } from "./command.js";
import type { Project } from "./project.js";
import type { AwsEnvironment } from "../deploy/aws/environment.js";

const deploy: Command = {
  name: "deploy",
  usage: "deploy [filter]",
  description: "Deploy your app to its stage: the local cloud or AWS (see \"Choosing the target\" in docs/cli.md)",
  positionals: { min: 0, max: 1 },
  options: {
    to: { type: "string", description: "Same as --local / --aws", valueName: "<target>", choices: ["local", "aws"] },
    port: { type: "string", description: "Local cloud port the deployed URLs (APIs, sites) carry (default: the stage's previous port, else 4570); serve them with sst local --dir .sst/local/<stage> --port <port>", valueName: "<port>" },
  },
  examples: ["sst deploy --stage prod", "sst deploy API", "sst deploy --local", "sst deploy --aws --profile prod --stage prod"],
  async run(ctx) {
    const { loadProjectFor } = await import("./project.js");
    const { resolveStageTarget } = await import("./target.js");
    const project = await loadProjectFor(ctx);
    const to = ctx.values.to as "local" | "aws" | undefined;
    const target = await resolveStageTarget(ctx, project, { flag: to ? { kind: to, name: `--to ${to}` } : undefined, changesStage: true });
    if (target.kind === "aws") return deployAws(ctx, project, target.env);
    return deployLocal(ctx, project, target.stateDir);
  },
};

async function deployLocal(ctx: CommandContext, project: Project, stateDir: string): Promise<void> {
  const { synthProject } = await import("./project.js");
  const { assertNoDevServer } = await import("./local-guard.js");
  const { outputsFile } = await import("../deploy/state-paths.js");
  const { startCloud } = await import("../deploy/local-cloud.js");
  const { deployToLocal, selectStacks, describeDeployEvent } = await import("../deploy/local.js");
  const { writeOutputs, formatOutputs } = await import("../deploy/outputs.js");

  const started = performance.now();
  await assertNoDevServer(stateDir, project.stage, "deploying");
  ctx.ui.info(`Deploying "${project.config.name}" stage "${project.stage}"`);
  const synth = await synthProject(project, { mode: "deploy", target: "local", outdir: project.paths.dist });
  const stacks = selectStacks(synth, ctx.positionals[0]);
  const { parsePort } = await import("./signals.js");
  const { DEFAULT_PORT } = await import("../deploy/local-cloud.js").then((m) => m.importLocalCloud());
  // URLs baked into what is deployed (a site's API URL) carry the port, so keep it stable.
  const port = parsePort(ctx.values.port, "deploy") ?? previousPort(path.join(stateDir, "cloudformation", "endpoint")) ?? DEFAULT_PORT;
  const { cloud, portTakenBy } = await startCloud({ dir: stateDir, port, region: project.config.region });
  if (portTakenBy) ctx.ui.info(`Port ${portTakenBy} is in use; deploying with port ${cloud.port}`);
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
}

/** The port of the endpoint the stage's local cloud last ran on. */
function previousPort(markerFile: string): number | undefined {
  try {
    const port = Number(new URL(fs.readFileSync(markerFile, "utf8").trim()).port);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The AWS target: bootstrap what is missing (as SST v2 does, so a CI job needs no extra
 * step), synth in deploy mode (functions bundled) for the caller's account, then the
 * CDK toolkit library deploys the assembly. The toolkit's import starts first so its
 * load overlaps the synth.
 */
async function deployAws(ctx: CommandContext, project: Project, env: AwsEnvironment): Promise<void> {
  const { synthProject } = await import("./project.js");
  const { outputsFile } = await import("../deploy/state-paths.js");
  const { writeOutputs, formatOutputs } = await import("../deploy/outputs.js");
  const { exportForSynth } = await import("../deploy/aws/environment.js");
  const { loadToolkit } = await import("../deploy/aws/toolkit-loader.js");
  const { deployToAws } = await import("../deploy/aws/deploy.js");
  const { ensureBootstrapped, bootstrapSettings } = await import("../deploy/aws/bootstrap.js");

  const started = performance.now();
  const toolkit = loadToolkit();
  toolkit.catch(() => {}); // awaited (and reported) by deployToAws
  const { selectStacks } = await import("../deploy/local.js");
  const settings = bootstrapSettings(project.config);
  ctx.ui.info(`Deploying "${project.config.name}" stage "${project.stage}"`);
  exportForSynth(env);
  const synth = await synthProject(project, { mode: "deploy", target: "aws", outdir: project.paths.dist });
  selectStacks(synth, ctx.positionals[0]); // a filter that matches nothing fails before anything changes
  await ensureBootstrapped(env, { ui: ctx.ui, settings });
  ctx.ui.debug(`Loaded and synthesized in ${((performance.now() - started) / 1000).toFixed(1)}s; toolkit loaded in ${((await toolkit.then((t) => t.loadMs, () => 0)) / 1000).toFixed(2)}s`);
  const deployStarted = performance.now();
  // A failure throws a CliError naming the stack, the logical id, the reason and the rollback.
  const result = await deployToAws(synth, env, { ui: ctx.ui, filter: ctx.positionals[0], toolkitStackName: settings.toolkitStackName });
  ctx.ui.debug(`Toolkit deploy phase: ${((performance.now() - deployStarted) / 1000).toFixed(2)}s`);
  writeOutputs(outputsFile(project), result.outputs, { merge: Boolean(ctx.positionals[0]) });
  const n = Object.keys(result.outputs).length;
  ctx.ui.success(`Deployed ${n} stack${n === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  for (const l of formatOutputs(result.outputs)) ctx.ui.line(l);
}

export default deploy;
