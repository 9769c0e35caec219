import os from "node:os";
import type { Command } from "./command.js";

/** Exit code for a child that died of a signal, as shells report it. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 1);
}

const bind: Command = {
  name: "bind",
  usage: "bind <command...>",
  description: "Bind your app's resources to a command",
  positionals: { min: 0, max: 0 },
  passthrough: true,
  examples: ['sst bind "vitest run"', "sst bind -- node scripts/seed.mjs --count 10", "sst bind env"],
  async run(ctx) {
    const { spawn } = await import("node:child_process");
    const { loadProjectFor, secretScope } = await import("./project.js");
    const { openLocalTarget } = await import("../deploy/local-target.js");
    const { localStateDir } = await import("../deploy/state-paths.js");
    const { bindEnvironment, siteForDirectory, siteServerEnvironment } = await import("../deploy/bind-env.js");
    const { ADMIN_CREDENTIALS } = await import("../deploy/credentials.js");

    const project = await loadProjectFor(ctx);
    // An in-process cloud (when no sst dev runs) must stay up while the command runs.
    const target = await openLocalTarget({ stateDir: localStateDir(project), region: project.config.region });
    try {
      // Inside a site's folder (`cd packages/web && sst bind vite`), the site's environment
      // joins the app's SST_* values, as in SST v2; the site's variables win over SST_*.
      const site = await siteForDirectory(target.ssm, secretScope(project), project.paths?.root ?? project.root, ctx.cwd);
      if (site) ctx.ui.debug(`bind: adding the environment of ${site.type} "${site.id}" (${site.path})`);
      // An SSR site runs with its server function's environment and role (SST v2).
      const server = site?.server ? await siteServerEnvironment(target.endpoint, target.region, site.server) : undefined;
      if (server) ctx.ui.debug(`bind: running as the role of ${site!.type} "${site!.id}"'s server function`);
      const credentials = server?.credentials ?? ADMIN_CREDENTIALS;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...(await bindEnvironment(target.ssm, secretScope(project))),
        ...server?.environment,
        ...site?.environment,
        AWS_ENDPOINT_URL: target.endpoint,
        AWS_REGION: target.region,
        AWS_DEFAULT_REGION: target.region,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      };
      delete env.AWS_SESSION_TOKEN;
      if (server) env.AWS_SESSION_TOKEN = server.credentials.sessionToken;
      delete env.AWS_PROFILE;
      ctx.ui.debug(`bind: ${target.remote ? "using the running sst dev at" : "started a local cloud at"} ${target.endpoint}`);
      // One argument is a shell command line ("vitest run"); several are argv.
      const [file, ...args] = ctx.rest;
      const child =
        ctx.rest.length === 1
          ? spawn(file, { env, stdio: "inherit", shell: process.env.SHELL || true })
          : spawn(file, args, { env, stdio: "inherit" });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
      return await new Promise<number>((resolve) => {
        child.once("error", (err) => {
          ctx.ui.error(`Could not run "${ctx.rest.join(" ")}": ${err.message}`);
          resolve(127);
        });
        child.once("exit", (code, signal) => {
          process.off("SIGINT", forward);
          process.off("SIGTERM", forward);
          resolve(code ?? (signal ? signalExitCode(signal) : 1));
        });
      });
    } finally {
      await target.close();
    }
  },
};
export default bind;
