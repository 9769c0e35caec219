/**
 * Argument parsing with node:util parseArgs: global flags, each command's own
 * options, positional bounds, and pass-through for commands that run another program.
 */
import { parseArgs } from "node:util";
import { UsageError, type Command, type GlobalArgs, type OptionSpec } from "./command.js";

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  stage: { type: "string", description: "The stage to use (defaults to your personal stage)", valueName: "<stage>" },
  region: { type: "string", description: "The region to use", valueName: "<region>" },
  profile: { type: "string", description: "The AWS profile to use (AWS target)", valueName: "<name>" },
  role: { type: "string", description: "ARN of an IAM role to assume for AWS calls (AWS target)", valueName: "<arn>" },
  local: { type: "boolean", description: "Act on the stage's local cloud" },
  aws: { type: "boolean", description: "Act on the stage in AWS" },
  verbose: { type: "boolean", description: "Print verbose logs" },
  help: { type: "boolean", short: "h", description: "Show help" },
};

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  rest: string[];
  global: GlobalArgs;
  help: boolean;
}

function parseArgsConfig(options: Record<string, OptionSpec>) {
  const out: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) out[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  return out;
}

/** Make parseArgs' messages read like ours ("Unknown option '--x'" → with the command named). */
function usageErrorFrom(err: unknown, command: string): UsageError {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return new UsageError(`Unknown option ${unknown[1]} for "sst ${command}"`, command);
  return new UsageError(message.replace(/\. To specify a positional argument.*$/s, ""), command);
}

/** Index of the first token that is a positional (or "--"), skipping values of string options. */
function firstPositionalIndex(argv: string[], options: Record<string, OptionSpec>): number {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") return i;
    if (!token.startsWith("-") || token === "-") return i;
    if (token.includes("=")) continue;
    const name = token.startsWith("--")
      ? token.slice(2)
      : Object.entries(options).find(([, o]) => o.short === token.slice(1))?.[0];
    if (name && options[name]?.type === "string") i++;
  }
  return argv.length;
}

/** Parse the arguments that follow the command name. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedCommandArgs {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let optionArgs = argv;
  let rest: string[] = [];
  if (command.passthrough) {
    const at = firstPositionalIndex(argv, options);
    optionArgs = argv.slice(0, at);
    rest = argv[at] === "--" ? argv.slice(at + 1) : argv.slice(at);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: optionArgs, options: parseArgsConfig(options), allowPositionals: true, strict: true });
  } catch (err) {
    throw usageErrorFrom(err, command.name);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const help = values.help === true;
  if (!help) {
    for (const [name, o] of Object.entries(options)) {
      const v = values[name];
      if (o.choices && typeof v === "string" && !o.choices.includes(v))
        throw new UsageError(`Invalid value "${v}" for --${name}. Choose from: ${o.choices.join(", ")}`, command.name);
    }
    const bounds = command.positionals ?? { min: 0, max: 0 };
    const count = parsed.positionals.length;
    if (count < bounds.min) throw new UsageError(`Not enough arguments: usage is "sst ${command.usage}"`, command.name);
    if (count > bounds.max)
      throw new UsageError(`Unexpected argument "${parsed.positionals[bounds.max]}" for "sst ${command.name}"`, command.name);
    if (command.passthrough && rest.length === 0)
      throw new UsageError(`Missing the command to run: usage is "sst ${command.usage}"`, command.name);
    if (values.local === true && values.aws === true)
      throw new UsageError("--local and --aws name different targets: pass one of them", command.name);
  }
  return {
    values,
    positionals: parsed.positionals,
    rest,
    help,
    global: {
      stage: typeof values.stage === "string" ? values.stage : undefined,
      region: typeof values.region === "string" ? values.region : undefined,
      profile: typeof values.profile === "string" ? values.profile : undefined,
      role: typeof values.role === "string" ? values.role : undefined,
      target: values.local === true ? "local" : values.aws === true ? "aws" : undefined,
      verbose: values.verbose === true,
    },
  };
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.valueName ?? "<value>"}` : ""}`;
    const choices = o.choices ? ` [${o.choices.join("|")}]` : "";
    return [flag, o.description + choices] as const;
  });
  const width = Math.max(0, ...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

export function commandHelp(command: Command): string {
  const lines = [`sst ${command.usage}`, "", command.description, ""];
  if (command.options && Object.keys(command.options).length) lines.push("Options:", ...optionLines(command.options), "");
  lines.push("Global options:", ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length) lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

export function rootHelp(commands: { name: string; usage: string; description: string }[]): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    "Usage: sst <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  sst ${c.usage.padEnd(width)}  ${c.description}`),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    'Run "sst <command> --help" for the options of a command.',
  ].join("\n");
}
