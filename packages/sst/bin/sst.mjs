#!/usr/bin/env -S node --max-semi-space-size=4
// The sst CLI. TypeScript sources run through tsx's ESM loader (no build step);
// everything heavy is imported lazily by the command that needs it.
//
// The young generation is capped at 4 MB a semi-space (V8's default lets it grow to
// 16): under load `sst dev`'s local cloud allocates fast and V8 would grow it to its
// maximum, 32 MB of resident memory that holds only garbage, plus 16 in tsx's loader
// thread; a request's objects die long before 8 MB of others are allocated, so the
// smaller one costs a few more scavenges, each as cheap. V8 reads this when the process
// starts, hence the line above (`node sst.mjs` run by hand goes without it).
import { register } from "tsx/esm/api";

// The AWS SDK warns about the Node version on first use; in a CLI that talks only to
// the local cloud it is noise in every command's output.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  const text = typeof warning === "string" ? warning : warning?.name;
  if (type === "NodeVersionSupportWarning" || String(text).startsWith("NodeVersionSupportWarning")) return;
  return emitWarning.call(process, warning, ...rest);
};

// tsx turns on Node's source maps, and Node then decodes every module's inline map as it
// loads — the CLI's few hundred modules, 100–400 ms of a start's CPU — only so that a
// stack trace through the CLI's own code shows .ts lines. Errors in the user's code keep
// theirs: loading the config turns maps back on (project/load.ts), and functions run in
// environments of their own. `node --enable-source-maps` keeps them for the CLI as well.
const sourceMapsWanted = process.sourceMapsEnabled;
register();
if (!sourceMapsWanted) process.setSourceMapsEnabled(false);
// The CLI's own modules run from a bundle of them (src/cli-bundle/): one module graph
// of a few files instead of hundreds of .ts files resolved and loaded one by one through
// tsx at every start. tsx stays registered for what is not bundled (the constructs a
// config shares with the CLI, the config itself). SST_CLI_BUNDLE=0 runs the sources.
const { cliMainUrl } = await import("../src/cli-bundle/entry.ts");
const { main } = await import(await cliMainUrl());
const code = await main(process.argv.slice(2));
// Exit explicitly: a finished command must not linger on leftover handles
// (esbuild's service, keep-alive sockets).
process.exit(code);
