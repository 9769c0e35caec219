/** `import type { SSTConfig } from "sst"` */
export type { SSTConfig, ConfigOptions } from "./project/types.js";
