/**
 * `sst` entry: find the command, parse its arguments, run it, and turn errors into
 * messages and exit codes (usage mistakes and expected failures exit 1 without a
 * stack trace; anything else prints its stack with --verbose).
 */
import { GLOBAL_OPTIONS, commandHelp, parseCommandArgs, rootHelp } from "./args.js";
import { CliError, UsageError } from "./command.js";
import { ALIASES, GROUPS, loadAll, loadCommand } from "./registry.js";
import { createUi, type Ui } from "./ui.js";
import { userCodeLocation } from "./error-location.js";

/** Splits argv into leading global options, the command name (one or two words), and the rest. */
function locateCommand(argv: string[]): { name?: string; before: string[]; after: string[] } {
  let i = 0;
  const before: string[] = [];
  while (i < argv.length && argv[i].startsWith("-") && argv[i] !== "--") {
    const token = argv[i];
    before.push(token);
    const name = token.replace(/^--?/, "").split("=")[0];
    if (!token.includes("=") && GLOBAL_OPTIONS[name]?.type === "string" && i + 1 < argv.length) before.push(argv[++i]);
    i++;
  }
  const first = argv[i];
  if (first === undefined || first === "--") return { before, after: argv.slice(i + 1) };
  if (GROUPS.includes(first)) {
    const sub = argv[i + 1];
    if (sub && !sub.startsWith("-")) return { name: `${first} ${sub}`, before, after: argv.slice(i + 2) };
    return { name: first, before, after: argv.slice(i + 1) };
  }
  return { name: first, before, after: argv.slice(i + 1) };
}

export async function main(argv: string[], ui: Ui = createUi({ verbose: argv.includes("--verbose") })): Promise<number> {
  const { name, before, after } = locateCommand(argv);
  if (!name) {
    if (before.includes("--version") || before.includes("-v")) return (await (await loadCommand("version"))!.run(ctxFor(ui, {}))) ?? 0;
    ui.line(rootHelp(await loadAll()));
    return 0;
  }
  if (GROUPS.includes(name)) {
    const subs = await loadAll(`${name} `);
    ui.line(rootHelp(subs).replace("Usage: sst <command>", `Usage: sst ${name} <command>`));
    const asked = after.includes("--help") || after.includes("-h") || before.includes("--help") || before.includes("-h");
    if (!asked) {
      ui.error(after.length ? `Unknown command "sst ${name} ${after[0]}"` : `Missing a subcommand for "sst ${name}"`);
      return 1;
    }
    return 0;
  }
  const alias = ALIASES[name];
  // Said on stderr: a renamed command still runs, and its output stays the command's own.
  if (alias) ui.note(ui.color.yellow(`Warning: ${alias.warning}`));
  const command = await loadCommand(alias?.to ?? name);
  if (!command) {
    const group = GROUPS.find((g) => name.startsWith(`${g} `));
    if (group) {
      ui.error(`Unknown command "sst ${name}". Run "sst ${group} --help" to see its commands.`);
      return 1;
    }
    ui.error(`Unknown command "${name}". Run "sst --help" to see the commands.`);
    return 1;
  }
  let parsed;
  try {
    parsed = parseCommandArgs(command, [...before, ...after]);
  } catch (err) {
    if (err instanceof UsageError) {
      ui.error(err.message);
      ui.line(`Run "sst ${command.name} --help" for usage.`);
      return 1;
    }
    throw err;
  }
  if (parsed.help) {
    ui.line(commandHelp(command));
    return 0;
  }
  const verboseUi = parsed.global.verbose ? createUi({ verbose: true }) : ui;
  try {
    const code = await command.run({ ...parsed, cwd: process.cwd(), ui: verboseUi, commandName: command.name });
    return code ?? 0;
  } catch (err) {
    reportError(verboseUi, err, parsed.global.verbose);
    return 1;
  }
}

function ctxFor(ui: Ui, values: Record<string, string | boolean | undefined>) {
  return { values, positionals: [], rest: [], global: { verbose: false }, cwd: process.cwd(), ui, commandName: "version" };
}

export function reportError(ui: Ui, err: unknown, verbose: boolean): void {
  if (err instanceof CliError || err instanceof UsageError) {
    ui.error(err.message);
    return;
  }
  const e = err as Error;
  const message = e?.message ?? String(err);
  const where = userCodeLocation(err);
  ui.error(where && !message.includes(where) ? `${where}: ${message}` : message);
  if (verbose && e?.stack) ui.debug(e.stack);
}
