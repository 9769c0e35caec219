import type { Command } from "./command.js";

const secretsGet: Command = {
  name: "secrets get",
  usage: "secrets get <name>",
  description: "Get the value of a secret",
  positionals: { min: 1, max: 1 },
  options: { fallback: { type: "boolean", description: "Get the fallback value" } },
  async run(ctx) {
    const { withStageParameters } = await import("./stage-parameters.js");
    const { getSecret } = await import("../deploy/secrets.js");
    const [key] = ctx.positionals;
    const value = await withStageParameters(ctx, (p) => getSecret(p.ssm, p.scope, key, ctx.values.fallback === true));
    if (value === undefined) {
      ctx.ui.error(`${key} is not set`);
      return 1;
    }
    ctx.ui.line(value);
  },
};
export default secretsGet;
