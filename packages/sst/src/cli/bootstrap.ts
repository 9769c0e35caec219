import type { Command } from "./command.js";

/**
 * `sst bootstrap`, as SST v2 had it: prepares an AWS account and region for SST apps —
 * CDK's bootstrap stack and SST's (see deploy/aws/bootstrap.ts). `sst deploy` and
 * `sst dev` do it on their own when needed; this runs it on purpose (and updates both).
 * The local cloud needs none, so AWS is the only target.
 */
const bootstrap: Command = {
  name: "bootstrap",
  usage: "bootstrap",
  description: "Prepare an AWS account and region for SST apps (CDK's and SST's bootstrap stacks)",
  positionals: { min: 0, max: 0 },
  options: {
    to: { type: "string", description: "Target to bootstrap (only aws needs it)", valueName: "<target>", choices: ["aws"] },
  },
  examples: ["sst bootstrap", "sst bootstrap --profile prod --region eu-west-1"],
  async run(ctx) {
    const { CliError } = await import("./command.js");
    const { awsEnvironmentFor, credentialSourceFor } = await import("./target.js");
    const { describeAwsEnvironment } = await import("../deploy/aws/environment.js");
    const { loadToolkit } = await import("../deploy/aws/toolkit-loader.js");
    const { ensureBootstrapped, bootstrapSettings } = await import("../deploy/aws/bootstrap.js");
    if (ctx.global.target === "local") throw new CliError("The local cloud needs no bootstrap: `sst bootstrap` prepares an AWS account.");
    loadToolkit().catch(() => {}); // start loading; the bootstrap awaits it
    // Run inside an app, its config's region, profile, role and bootstrap settings apply.
    let config: { region?: string; profile?: string; role?: string; cdk?: any; bootstrap?: any } = {};
    try {
      const { loadProjectFor } = await import("./project.js");
      config = (await loadProjectFor(ctx)).config;
    } catch (err) {
      if (!/Could not find a config file/.test(String((err as Error)?.message))) throw err;
    }
    if (!ctx.global.target && !credentialSourceFor(ctx, config.profile))
      throw new CliError(
        "`sst bootstrap` prepares an AWS account, and no AWS credentials were found. Set AWS_PROFILE (or pass --profile) or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or pass --aws to use the SDK's default chain (an instance role).",
      );
    const region = ctx.global.region ?? config.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1");
    const env = await awsEnvironmentFor(ctx, { ...config, region });
    ctx.ui.note(`Target: ${describeAwsEnvironment(env)}`);
    const result = await ensureBootstrapped(env, { ui: ctx.ui, settings: bootstrapSettings(config), force: true });
    const was = (s: string) => (s === "ready" ? "up to date" : s === "missing" ? "created" : "updated");
    const current = result.before.cdk === "ready" && result.before.sst === "ready";
    ctx.ui.success(
      `Bootstrapped aws://${env.account}/${env.region}${current ? " (already up to date)" : ""} in ${(result.durationMs / 1000).toFixed(1)}s`,
    );
    ctx.ui.line(`   CDK bootstrap stack: ${was(result.before.cdk)}`);
    ctx.ui.line(`   SST bootstrap stack: ${was(result.before.sst)} (bucket ${result.after.bucket})`);
  },
};
export default bootstrap;
