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

register();
const { main } = await import("../src/cli/main.ts");
const code = await main(process.argv.slice(2));
// Exit explicitly: a finished command must not linger on leftover handles
// (esbuild's service, keep-alive sockets).
process.exit(code);
