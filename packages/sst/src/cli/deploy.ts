import fs from "node:fs";
import type { Command, CommandContext } from "./command.js";

const deploy: Command = {
  name: "deploy",
  usage: "deploy [filter]",
  description: "Deploy your app (to the local cloud)",
  positionals: { min: 0, max: 1 },
  options: {
    to: { type: "string", description: "Where to deploy", valueName: "<target>", choices: ["local", "aws"] },
    profile: { type: "string", description: "AWS profile for --to aws (default: the config's profile, AWS_PROFILE)", valueName: "<name>" },
    port: { type: "string", description: "Local cloud port the deployed URLs (APIs, sites) carry (default: the stage's previous port, else 4570); serve them with sst local --dir .sst/local/<stage> --port <port>", valueName: "<port>" },
  },
  examples: ["sst deploy", "sst deploy --stage prod", "sst deploy API", "sst deploy --to aws --stage prod"],
  async run(ctx) {
    if (ctx.values.to === "aws") return deployAws(ctx);
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
  },
};

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
 * `sst deploy --to aws`: the account from STS, synth in deploy mode (functions bundled)
 * for that account, then the CDK toolkit library deploys the assembly. The toolkit's
 * import starts first so its load overlaps the synth.
 */
async function deployAws(ctx: CommandContext): Promise<void> {
  const { loadProjectFor, synthProject } = await import("./project.js");
  const { outputsFile } = await import("../deploy/state-paths.js");
  const { writeOutputs, formatOutputs } = await import("../deploy/outputs.js");
  const { resolveAwsEnvironment, exportForSynth } = await import("../deploy/aws/environment.js");
  const { loadToolkit } = await import("../deploy/aws/toolkit-loader.js");
  const { deployToAws } = await import("../deploy/aws/deploy.js");

  const started = performance.now();
  const project = await loadProjectFor(ctx);
  const toolkit = loadToolkit();
  toolkit.catch(() => {}); // awaited (and reported) by deployToAws
  const env = await resolveAwsEnvironment({ region: project.config.region, profile: (ctx.values.profile as string | undefined) ?? (project.config as { profile?: string }).profile });
  ctx.ui.info(`Deploying "${project.config.name}" stage "${project.stage}" to AWS account ${env.account} in ${env.region}${env.endpoint ? ` (endpoint ${env.endpoint})` : ""}`);
  exportForSynth(env);
  const synth = await synthProject(project, { mode: "deploy", target: "aws", outdir: project.paths.dist });
  const synthSeconds = (performance.now() - started) / 1000;
  ctx.ui.debug(`Loaded and synthesized in ${synthSeconds.toFixed(1)}s; toolkit loaded in ${((await toolkit.then((t) => t.loadMs, () => 0)) / 1000).toFixed(2)}s`);
  const deployStarted = performance.now();
  // A failure throws a CliError naming the stack, the logical id and the reason.
  const result = await deployToAws(synth, { ui: ctx.ui, filter: ctx.positionals[0] });
  ctx.ui.debug(`Toolkit deploy phase: ${((performance.now() - deployStarted) / 1000).toFixed(2)}s`);
  writeOutputs(outputsFile(project), result.outputs, { merge: Boolean(ctx.positionals[0]) });
  const n = Object.keys(result.outputs).length;
  ctx.ui.success(`Deployed ${n} stack${n === 1 ? "" : "s"} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
  for (const l of formatOutputs(result.outputs)) ctx.ui.line(l);
}

export default deploy;
