import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { commandHelp, parseCommandArgs } from "./args.js";
import { UsageError, type Command } from "./command.js";

const noop = async () => {};
const set: Command = {
  name: "secrets set",
  usage: "secrets set <name> <value>",
  description: "Set",
  positionals: { min: 2, max: 2 },
  options: { fallback: { type: "boolean", description: "Fallback" } },
  run: noop,
};
const list: Command = {
  name: "secrets list",
  usage: "secrets list",
  description: "List",
  options: { format: { type: "string", description: "Format", choices: ["table", "json", "env"] } },
  run: noop,
};
const bind: Command = { name: "bind", usage: "bind <command...>", description: "Bind", passthrough: true, run: noop };

describe("parseCommandArgs", () => {
  it("parses positionals, command options and global flags in any order", () => {
    const p = parseCommandArgs(set, ["--stage", "prod", "KEY", "--fallback", "value", "--verbose", "--region=eu-west-1"]);
    assert.deepEqual(p.positionals, ["KEY", "value"]);
    assert.equal(p.values.fallback, true);
    assert.deepEqual(p.global, { stage: "prod", region: "eu-west-1", profile: undefined, role: undefined, target: undefined, verbose: true });
    assert.equal(p.help, false);
  });

  it("takes the AWS globals (--profile, --role) and the target (--local or --aws, not both)", () => {
    const p = parseCommandArgs(set, ["K", "V", "--aws", "--profile", "prod", "--role", "arn:aws:iam::123456789012:role/deploy"]);
    assert.equal(p.global.target, "aws");
    assert.equal(p.global.profile, "prod");
    assert.equal(p.global.role, "arn:aws:iam::123456789012:role/deploy");
    assert.equal(parseCommandArgs(set, ["K", "V", "--local"]).global.target, "local");
    assert.throws(() => parseCommandArgs(set, ["K", "V", "--local", "--aws"]), /--local and --aws name different targets/);
  });

  it("rejects unknown flags, naming the command", () => {
    assert.throws(() => parseCommandArgs(set, ["A", "B", "--nope"]), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, 'Unknown option --nope for "sst secrets set"');
      return true;
    });
  });

  it("enforces positional counts", () => {
    assert.throws(() => parseCommandArgs(set, ["A"]), /Not enough arguments: usage is "sst secrets set <name> <value>"/);
    assert.throws(() => parseCommandArgs(set, ["A", "B", "C"]), /Unexpected argument "C"/);
  });

  it("validates choices", () => {
    assert.equal(parseCommandArgs(list, ["--format", "json"]).values.format, "json");
    assert.throws(() => parseCommandArgs(list, ["--format", "xml"]), /Invalid value "xml" for --format. Choose from: table, json, env/);
  });

  it("--help skips validation", () => {
    assert.equal(parseCommandArgs(set, ["--help"]).help, true);
    assert.equal(parseCommandArgs(set, ["-h"]).help, true);
  });

  it("passes the rest through verbatim for bind, with or without --", () => {
    const a = parseCommandArgs(bind, ["--stage", "ci", "vitest", "run", "--reporter", "dot"]);
    assert.deepEqual(a.rest, ["vitest", "run", "--reporter", "dot"]);
    assert.equal(a.global.stage, "ci");
    const b = parseCommandArgs(bind, ["--", "node", "--version"]);
    assert.deepEqual(b.rest, ["node", "--version"]);
    const c = parseCommandArgs(bind, ["vitest run"]);
    assert.deepEqual(c.rest, ["vitest run"]);
    assert.throws(() => parseCommandArgs(bind, ["--stage", "x"]), /Missing the command to run/);
  });

  it("prints help with options, global options and examples", () => {
    const help = commandHelp({ ...set, examples: ["sst secrets set A b"] });
    assert.match(help, /^sst secrets set <name> <value>/);
    assert.match(help, /--fallback\s+Fallback/);
    assert.match(help, /--stage <stage>/);
    assert.match(help, /Examples:\n  sst secrets set A b/);
  });
});
