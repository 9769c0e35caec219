import type { Command } from "./command.js";

const secretsRemove: Command = {
  name: "secrets remove",
  usage: "secrets remove <name>",
  description: "Remove a secret",
  positionals: { min: 1, max: 1 },
  options: { fallback: { type: "boolean", description: "Remove the fallback value" } },
  async run(ctx) {
    const { withStageParameters } = await import("./stage-parameters.js");
    const { removeSecret } = await import("../deploy/secrets.js");
    const [key] = ctx.positionals;
    const removed = await withStageParameters(ctx, (p) => removeSecret(p.ssm, p.scope, key, ctx.values.fallback === true));
    if (!removed) {
      ctx.ui.error(`${key} is not set`);
      return 1;
    }
    ctx.ui.success(`Removed "${key}"${ctx.values.fallback ? " (fallback)" : ""}`);
  },
};
export default secretsRemove;
