/**
 * The shape every command file exports. A command file must stay cheap to import
 * (help is printed from it): heavy modules are imported inside `run`.
 */
import type { Ui } from "./ui.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  description: string;
  /** Shown in help, e.g. "<port>". */
  valueName?: string;
  /** Allowed values of a string option. */
  choices?: string[];
}

export interface GlobalArgs {
  stage?: string;
  region?: string;
  /** --profile: the AWS profile. */
  profile?: string;
  /** --role: an IAM role to assume for AWS calls. */
  role?: string;
  /** --local / --aws. */
  target?: "local" | "aws";
  verbose: boolean;
}

export interface CommandContext {
  /** Parsed options of the command (global ones included). */
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** For pass-through commands (bind): everything from the first positional on, verbatim. */
  rest: string[];
  global: GlobalArgs;
  cwd: string;
  ui: Ui;
  /** The command's full name ("secrets set"), for messages. */
  commandName: string;
}

export interface Command {
  /** Full name as typed, e.g. "secrets set". */
  name: string;
  /** Usage line without the "sst " prefix, e.g. "secrets set <name> <value>". */
  usage: string;
  description: string;
  options?: Record<string, OptionSpec>;
  /** Bounds on the number of positionals (after the command name). */
  positionals?: { min: number; max: number };
  /** Stop option parsing at the first positional or "--" and hand the rest over untouched. */
  passthrough?: boolean;
  examples?: string[];
  /** Resolves to the process exit code (undefined = 0), or never resolves for long-running commands until they stop. */
  run(ctx: CommandContext): Promise<number | void>;
}

/** A mistake in how the command was typed: printed with a pointer to --help, exit 1. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An expected failure (bad state, conflicting process): printed without a stack trace, exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}
