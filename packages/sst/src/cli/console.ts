import type { Command } from "./command.js";

/**
 * `sst console`: in SST v2 it opens the web Console for the stage. Here the Console is
 * served by `sst dev` on its local cloud port, so this prints the URL of the running
 * `sst dev` of the stage (from `.sst/local/<stage>/server.json`), or says none runs.
 */
const consoleCommand: Command = {
  name: "console",
  usage: "console",
  description: "Print the URL of the SST Console of the running `sst dev`",
  positionals: { min: 0, max: 0 },
  examples: ["sst console", "sst console --stage staging"],
  async run(ctx) {
    const { loadProjectFor } = await import("./project.js");
    const { localStateDir } = await import("../deploy/state-paths.js");
    const { findLiveServer } = await import("../deploy/server-file.js");
    const { consoleUrl } = await import("@sst-local/console");
    const { resolveStageTarget } = await import("./target.js");
    const project = await loadProjectFor(ctx);
    const target = await resolveStageTarget(ctx, project);
    if (target.kind === "aws") {
      // The Console reads the local cloud; a stage on AWS is looked at in the AWS console.
      const { awsConsoleStacksUrl } = await import("../deploy/aws/console-url.js");
      ctx.ui.info(`The SST Console serves stages on the local cloud. "${project.config.name}" stage "${project.stage}" is on AWS; its stacks:`);
      ctx.ui.line(awsConsoleStacksUrl(target.env.region, `${project.stage}-${project.config.name}-`));
      return;
    }
    const server = await findLiveServer(localStateDir(project));
    if (!server) {
      ctx.ui.error(`No \`sst dev\` is running for app "${project.config.name}" stage "${project.stage}". Start it with \`sst dev\`; the Console is served while it runs.`);
      return 1;
    }
    const url = consoleUrl(server.endpoint);
    // An `sst dev` from before the Console existed answers on the port but not at this path.
    const answers = await fetch(`${url}api/overview`, { signal: AbortSignal.timeout(3000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (!answers) {
      ctx.ui.error(`\`sst dev\` is running (pid ${server.pid}, ${server.endpoint}) but its Console does not answer at ${url}. Restart \`sst dev\`.`);
      return 1;
    }
    ctx.ui.info(`SST Console for "${project.config.name}" stage "${project.stage}":`);
    ctx.ui.line(url);
  },
};
export default consoleCommand;
