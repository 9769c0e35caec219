import type { Command } from "./command.js";

const secretsSet: Command = {
  name: "secrets set",
  usage: "secrets set <name> <value>",
  description: "Set the value of a secret",
  positionals: { min: 2, max: 2 },
  options: { fallback: { type: "boolean", description: "Set the fallback value" } },
  examples: ["sst secrets set STRIPE_KEY sk_test_abc123", "sst secrets set STRIPE_KEY sk_test_abc123 --fallback", "sst secrets set STRIPE_KEY sk_live_abc123 --stage prod --aws"],
  async run(ctx) {
    const { withStageParameters } = await import("./stage-parameters.js");
    const { setSecret } = await import("../deploy/secrets.js");
    const [key, value] = ctx.positionals;
    const fallback = ctx.values.fallback === true;
    const servedByDev = await withStageParameters(ctx, async (p) => {
      await setSecret(p.ssm, p.scope, key, value, fallback);
      return p.servedByDev;
    });
    ctx.ui.success(`Set "${key}"${fallback ? " (fallback)" : ""}`);
    ctx.ui.info(
      servedByDev
        ? `Functions using ${key} will pick up the new value on their next cold start (sst dev restarts them now)`
        : `Functions using ${key} will pick up the new value on their next cold start`,
    );
  },
};
export default secretsSet;
