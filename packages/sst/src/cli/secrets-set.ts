import type { Command } from "./command.js";

const secretsSet: Command = {
  name: "secrets set",
  usage: "secrets set <name> <value>",
  description: "Set the value of a secret",
  positionals: { min: 2, max: 2 },
  options: { fallback: { type: "boolean", description: "Set the fallback value" } },
  examples: ["sst secrets set STRIPE_KEY sk_test_abc123", "sst secrets set STRIPE_KEY sk_test_abc123 --fallback"],
  async run(ctx) {
    const { loadProjectFor, secretScope } = await import("./project.js");
    const { openLocalTarget } = await import("../deploy/local-target.js");
    const { localStateDir } = await import("../deploy/state-paths.js");
    const { setSecret } = await import("../deploy/secrets.js");
    const [key, value] = ctx.positionals;
    const project = await loadProjectFor(ctx);
    const target = await openLocalTarget({ stateDir: localStateDir(project), region: project.config.region });
    try {
      await setSecret(target.ssm, secretScope(project), key, value, ctx.values.fallback === true);
    } finally {
      await target.close();
    }
    ctx.ui.success(`Set "${key}"${ctx.values.fallback ? " (fallback)" : ""}`);
    ctx.ui.info(
      target.remote
        ? `Functions using ${key} will pick up the new value on their next cold start (sst dev restarts them now)`
        : `Functions using ${key} will pick up the new value on their next cold start`,
    );
  },
};
export default secretsSet;
