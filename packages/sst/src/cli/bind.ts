import os from "node:os";
import { fileURLToPath } from "node:url";
import type { Command } from "./command.js";

const AWS_SDK_V2_PRELOAD = fileURLToPath(new URL("../build/aws-sdk-v2-preload.cjs", import.meta.url));

/** Exit code for a child that died of a signal, as shells report it. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 1);
}

/** SDK client settings for the stage's account: the developer's on AWS, the admin's locally. */
async function serverClientConfig(p: import("./stage-parameters.js").StageParameters) {
  if (p.target.kind === "aws") {
    const { clientConfig } = await import("../deploy/aws/environment.js");
    return clientConfig(p.target.env);
  }
  const { ADMIN_CREDENTIALS } = await import("../deploy/credentials.js");
  return { endpoint: p.localEndpoint, region: p.region, credentials: ADMIN_CREDENTIALS };
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
    const { withStageParameters } = await import("./stage-parameters.js");
    const { bindEnvironment, siteForDirectory, siteServerEnvironment } = await import("../deploy/bind-env.js");
    const { ADMIN_CREDENTIALS } = await import("../deploy/credentials.js");

    // The parameters stay open (an in-process cloud, when no sst dev runs) while the command runs.
    return withStageParameters(ctx, async (p) => {
      // Inside a site's folder (`cd packages/web && sst bind vite`), the site's environment
      // joins the app's SST_* values, as in SST v2; the site's variables win over SST_*.
      const site = await siteForDirectory(p.ssm, p.scope, p.project.paths?.root ?? p.project.root, ctx.cwd);
      if (site) ctx.ui.debug(`bind: adding the environment of ${site.type} "${site.id}" (${site.path})`);
      // An SSR site runs with its server function's environment and role (SST v2).
      const server = site?.server ? await siteServerEnvironment(await serverClientConfig(p), site.server) : undefined;
      if (server) ctx.ui.debug(`bind: running as the role of ${site!.type} "${site!.id}"'s server function`);
      const env: NodeJS.ProcessEnv = { ...process.env, ...(await bindEnvironment(p.ssm, p.scope)), ...server?.environment, ...site?.environment };
      // The child talks to where the stage lives, with the developer's credentials on AWS
      // (resolved, so a role or an SSO profile works in any child) and the admin's locally;
      // in an SSR site's folder, with its server function's role instead.
      delete env.AWS_SESSION_TOKEN;
      delete env.AWS_PROFILE;
      if (p.target.kind === "aws") {
        const { credentialEnvironment } = await import("../deploy/aws/environment.js");
        Object.assign(env, await credentialEnvironment(p.target.env));
      } else {
        const { localCloudEnvironment } = await import("../dev/local-services.js");
        Object.assign(env, localCloudEnvironment({ endpoint: p.localEndpoint!, region: p.region }, ADMIN_CREDENTIALS));
        // aws-sdk v2 ignores AWS_ENDPOINT_URL: a Node child that loads it unbundled (a Remix
        // dev server reading a table with it, SST v2's remix-app) gets it pointed here too.
        env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${JSON.stringify(AWS_SDK_V2_PRELOAD)}`].filter(Boolean).join(" ");
      }
      if (server) {
        env.AWS_ACCESS_KEY_ID = server.credentials.accessKeyId;
        env.AWS_SECRET_ACCESS_KEY = server.credentials.secretAccessKey;
        env.AWS_SESSION_TOKEN = server.credentials.sessionToken;
      }
      // sst commands the child runs act on the same target (locally the child's AWS_* variables
      // are the local cloud's, which the rule would otherwise take for an AWS account).
      env.SST_TARGET = p.target.kind;
      if (p.target.kind === "local") ctx.ui.debug(`bind: ${p.servedByDev ? "using the running sst dev at" : "started a local cloud at"} ${p.localEndpoint}`);
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
    });
  },
};
export default bind;
