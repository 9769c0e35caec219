#!/usr/bin/env -S node --max-semi-space-size=4
// The sst CLI. Its TypeScript sources run bundled by esbuild on first use (below), or
// through tsx; everything heavy is imported lazily by the command that needs it.
//
// The young generation is capped at 4 MB a semi-space (V8's default lets it grow to
// 16): under load `sst dev`'s local cloud allocates fast and V8 would grow it to its
// maximum, 32 MB of resident memory that holds only garbage, plus 16 in tsx's loader
// thread; a request's objects die long before 8 MB of others are allocated, so the
// smaller one costs a few more scavenges, each as cheap. V8 reads this when the process
// starts, hence the line above (`node sst.mjs` run by hand goes without it).

// The AWS SDK warns about the Node version on first use; in a CLI that talks only to
// the local cloud it is noise in every command's output.
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  const text = typeof warning === "string" ? warning : warning?.name;
  if (type === "NodeVersionSupportWarning" || String(text).startsWith("NodeVersionSupportWarning")) return;
  return emitWarning.call(process, warning, ...rest);
};

// The CLI's own modules run from a bundle of them (src/cli-bundle/): one module graph
// of a few files instead of hundreds of .ts files resolved and loaded one by one through
// tsx at every start. Without a bundle (SST_CLI_BUNDLE=0, or it could not be built) the
// sources run through tsx, with Node's source maps left as they were: tsx turns them on,
// and Node would then decode the inline map of each of the CLI's modules (100–400 ms of
// a start) only so that a stack through the CLI shows .ts lines. Errors in the user's
// code keep theirs (project/load.ts turns maps on before importing the config).
const { programUrl, bundleDirEnv } = await import("../src/cli-bundle/bootstrap.mjs");
const mainUrl = await programUrl("main");
// `sst dev` on an app without a synth cache: its synth process starts now, beside the
// CLI's own modules loading (src/dev/synth-process-early.mjs).
if (process.argv[2] === "dev") (await import("../src/dev/synth-process-early.mjs")).startSynthProcessEarly(process.argv.slice(2), { ...process.env, ...bundleDirEnv() });
const { main } = await import(mainUrl);
const code = await main(process.argv.slice(2));
// Exit explicitly: a finished command must not linger on leftover handles
// (esbuild's service, keep-alive sockets).
process.exit(code);
