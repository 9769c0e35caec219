#!/usr/bin/env node
// The sst CLI. TypeScript sources run through tsx's ESM loader (no build step);
// everything heavy is imported lazily by the command that needs it.
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
