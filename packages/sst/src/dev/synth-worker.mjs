// The entry of sst dev's synth process (see synth-process.ts): TypeScript through tsx,
// as the sst CLI itself runs, then the worker.
import { register } from "tsx/esm/api";

// As in bin/sst.mjs: no decoding of the CLI's own inline maps (the config's bundle gets
// its map back, project/load.ts turns maps on before importing it).
const sourceMapsWanted = process.sourceMapsEnabled;
register();
if (!sourceMapsWanted) process.setSourceMapsEnabled(false);
await import("./synth-worker-main.ts");
