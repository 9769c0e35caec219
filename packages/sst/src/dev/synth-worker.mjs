// The entry of sst dev's synth process (see synth-process.ts): TypeScript through tsx,
// as the sst CLI itself runs, then the worker.
import { register } from "tsx/esm/api";

register();
await import("./synth-worker-main.ts");
