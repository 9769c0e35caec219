/** `Api.<id>.url` for the Apis bound to this function, plus SST v2's ApiHandler hooks. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Apis. */
export interface ApiResources {}

export const Api: ApiResources = /* @__PURE__ */ createProxy<ApiResources>("Api");

export * from "./handler.js";
