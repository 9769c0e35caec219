import type { Command } from "./command.js";

const secretsGet: Command = {
  name: "secrets get",
  usage: "secrets get <name>",
  description: "Get the value of a secret",
  positionals: { min: 1, max: 1 },
  options: { fallback: { type: "boolean", description: "Get the fallback value" } },
  async run(ctx) {
    const { loadProjectFor, secretScope } = await import("./project.js");
    const { openLocalTarget } = await import("../deploy/local-target.js");
    const { localStateDir } = await import("../deploy/state-paths.js");
    const { getSecret } = await import("../deploy/secrets.js");
    const [key] = ctx.positionals;
    const project = await loadProjectFor(ctx);
    const target = await openLocalTarget({ stateDir: localStateDir(project), region: project.config.region });
    let value: string | undefined;
    try {
      value = await getSecret(target.ssm, secretScope(project), key, ctx.values.fallback === true);
    } finally {
      await target.close();
    }
    if (value === undefined) {
      ctx.ui.error(`${key} is not set`);
      return 1;
    }
    ctx.ui.line(value);
  },
};
export default secretsGet;
