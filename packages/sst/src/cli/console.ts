import type { Command } from "./command.js";

/**
 * `sst console`: in SST v2 it opens the web Console for the stage. Here `sst dev` serves
 * the Console on its own port behind a per-run token, so this prints the URL (token
 * included) of the running `sst dev` of the stage, from `.sst/local/<stage>/server.json`,
 * or says none runs.
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
    const { TOKEN_PARAM } = await import("@sst-local/console");
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
    const url = server.consoleUrl;
    // The token authenticates this check too (as a bearer token: no cookie here).
    const answers =
      url !== undefined &&
      (await probe(url, TOKEN_PARAM)
        .then((r) => r.ok)
        .catch(() => false));
    if (!answers) {
      ctx.ui.error(`\`sst dev\` is running (pid ${server.pid}, ${server.endpoint}) but its Console does not answer${url ? ` at ${new URL(url).origin}` : ""}. Restart \`sst dev\`.`);
      return 1;
    }
    ctx.ui.info(`SST Console for "${project.config.name}" stage "${project.stage}":`);
    ctx.ui.line(url!);
  },
};

function probe(url: string, tokenParam: string): Promise<Response> {
  const u = new URL(url);
  const token = u.searchParams.get(tokenParam) ?? "";
  return fetch(`${u.origin}/api/overview`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3000) });
}

export default consoleCommand;
