import type { Command } from "./command.js";
import type { SecretEntry } from "../deploy/secrets.js";

/** The box table SST v2 prints: one row per secret, fallbacks marked. */
export function secretsTable(secrets: Record<string, SecretEntry>): string {
  const keys = Object.keys(secrets).sort();
  const shown = (k: string) => (secrets[k].value !== undefined ? secrets[k].value! : `${secrets[k].fallback} (fallback)`);
  const kw = Math.max("Secrets".length, ...keys.map((k) => k.length));
  const vw = Math.max("Values".length, ...keys.map((k) => shown(k).length));
  const rule = (l: string, m: string, r: string) => `${l}${"─".repeat(kw + 2)}${m}${"─".repeat(vw + 2)}${r}`;
  return [
    rule("┌", "┬", "┐"),
    `│ ${"Secrets".padEnd(kw)} │ ${"Values".padEnd(vw)} │`,
    rule("├", "┼", "┤"),
    ...keys.map((k) => `│ ${k.padEnd(kw)} │ ${shown(k).padEnd(vw)} │`),
    rule("└", "┴", "┘"),
  ].join("\n");
}

const secretsList: Command = {
  name: "secrets list",
  usage: "secrets list [format]",
  description: "Fetch all the secrets",
  positionals: { min: 0, max: 1 },
  options: { format: { type: "string", description: "Output format", valueName: "<format>", choices: ["table", "json", "env"] } },
  async run(ctx) {
    const { withStageParameters } = await import("./stage-parameters.js");
    const { listSecrets } = await import("../deploy/secrets.js");
    const { UsageError } = await import("./command.js");
    // SST v2 took the format as a positional; --format is accepted too.
    const format = (ctx.values.format as string | undefined) ?? ctx.positionals[0] ?? "table";
    if (!["table", "json", "env"].includes(format))
      throw new UsageError(`Invalid format "${format}". Choose from: table, json, env`);
    const { secrets, stage } = await withStageParameters(ctx, async (p) => ({ secrets: await listSecrets(p.ssm, p.scope), stage: p.project.stage }));
    const keys = Object.keys(secrets).sort();
    if (format === "json") {
      ctx.ui.line(JSON.stringify(Object.fromEntries(keys.map((k) => [k, secrets[k].value ?? secrets[k].fallback])), null, 2));
    } else if (format === "env") {
      for (const k of keys) ctx.ui.line(`${k}=${secrets[k].value ?? secrets[k].fallback}`);
    } else if (keys.length === 0) {
      ctx.ui.line(`No secrets are set in the "${stage}" stage`);
    } else {
      ctx.ui.line(secretsTable(secrets));
    }
  },
};
export default secretsList;
