import type { Command } from "./command.js";

const secretsRemove: Command = {
  name: "secrets remove",
  usage: "secrets remove <name>",
  description: "Remove a secret",
  positionals: { min: 1, max: 1 },
  options: { fallback: { type: "boolean", description: "Remove the fallback value" } },
  async run(ctx) {
    const { loadProjectFor, secretScope } = await import("./project.js");
    const { openLocalTarget } = await import("../deploy/local-target.js");
    const { localStateDir } = await import("../deploy/state-paths.js");
    const { removeSecret } = await import("../deploy/secrets.js");
    const [key] = ctx.positionals;
    const project = await loadProjectFor(ctx);
    const target = await openLocalTarget({ stateDir: localStateDir(project), region: project.config.region });
    let removed: boolean;
    try {
      removed = await removeSecret(target.ssm, secretScope(project), key, ctx.values.fallback === true);
    } finally {
      await target.close();
    }
    if (!removed) {
      ctx.ui.error(`${key} is not set`);
      return 1;
    }
    ctx.ui.success(`Removed "${key}"${ctx.values.fallback ? " (fallback)" : ""}`);
  },
};
export default secretsRemove;
