import type { Command } from "./command.js";

/**
 * `sst bootstrap`, as SST v2 had it: prepares an AWS account and region for deploys
 * (the CDK bootstrap stack the assemblies' assets and roles live in). The local cloud
 * needs none, so AWS is the only target.
 */
const bootstrap: Command = {
  name: "bootstrap",
  usage: "bootstrap",
  description: "Prepare an AWS account and region for `sst deploy --to aws`",
  positionals: { min: 0, max: 0 },
  options: {
    to: { type: "string", description: "Target to bootstrap (only aws needs it)", valueName: "<target>", choices: ["aws"] },
    profile: { type: "string", description: "AWS profile (default: the config's profile, AWS_PROFILE)", valueName: "<name>" },
  },
  examples: ["sst bootstrap", "sst bootstrap --profile prod --region eu-west-1"],
  async run(ctx) {
    const { resolveAwsEnvironment } = await import("../deploy/aws/environment.js");
    const { loadToolkit } = await import("../deploy/aws/toolkit-loader.js");
    const { bootstrapAws } = await import("../deploy/aws/bootstrap.js");
    loadToolkit().catch(() => {}); // start loading; bootstrapAws awaits it
    // The region and profile come from the app's config when run inside one.
    let config: { region?: string; profile?: string } = {};
    try {
      const { loadProjectFor } = await import("./project.js");
      config = (await loadProjectFor(ctx)).config;
    } catch (err) {
      if (!/Could not find a config file/.test(String((err as Error)?.message))) throw err;
    }
    const region = ctx.global.region ?? config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
    const env = await resolveAwsEnvironment({ region, profile: (ctx.values.profile as string | undefined) ?? config.profile });
    ctx.ui.info(`Bootstrapping AWS account ${env.account} in ${env.region}${env.endpoint ? ` (endpoint ${env.endpoint})` : ""}`);
    const result = await bootstrapAws(env, { ui: ctx.ui });
    ctx.ui.success(`Bootstrapped ${result.environment}${result.status === "no-op" ? " (already up to date)" : ""} in ${(result.durationMs / 1000).toFixed(1)}s`);
  },
};
export default bootstrap;
