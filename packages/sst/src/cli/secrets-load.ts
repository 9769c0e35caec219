import type { Command } from "./command.js";

const secretsLoad: Command = {
  name: "secrets load",
  usage: "secrets load <filename>",
  description: "Loads secrets from an .env file",
  positionals: { min: 1, max: 1 },
  options: { fallback: { type: "boolean", description: "Set them as fallback values" } },
  async run(ctx) {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { withStageParameters } = await import("./stage-parameters.js");
    const { setSecret, parseDotenv, validateSecretName } = await import("../deploy/secrets.js");
    const { CliError } = await import("./command.js");
    const file = path.resolve(ctx.cwd, ctx.positionals[0]);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      throw new CliError(`Cannot read "${ctx.positionals[0]}"`);
    }
    let entries: Record<string, string>;
    try {
      entries = parseDotenv(text);
      Object.keys(entries).forEach(validateSecretName);
    } catch (err) {
      throw new CliError(`${ctx.positionals[0]}: ${(err as Error).message}`);
    }
    const keys = Object.keys(entries);
    await withStageParameters(ctx, async (p) => {
      for (const key of keys) await setSecret(p.ssm, p.scope, key, entries[key], ctx.values.fallback === true);
    });
    ctx.ui.success(`Loaded ${keys.length} secret${keys.length === 1 ? "" : "s"} from "${ctx.positionals[0]}"${keys.length ? `: ${keys.join(", ")}` : ""}`);
    if (keys.length) ctx.ui.info("Functions using them will pick up the new values on their next cold start");
  },
};
export default secretsLoad;
