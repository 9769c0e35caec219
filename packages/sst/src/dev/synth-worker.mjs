// The entry of sst dev's synth process (see synth-process.ts): the synth worker from the
// CLI's bundle, or its source through tsx, as the sst CLI itself runs (src/cli-bundle/).
const { programUrl } = await import("../cli-bundle/bootstrap.mjs");
await import(await programUrl("synth-worker"));
