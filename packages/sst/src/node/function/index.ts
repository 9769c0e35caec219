/** `Function.<id>.functionName` for the Functions bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Functions. */
export interface FunctionResources {}

export const Function: FunctionResources = /* @__PURE__ */ createProxy<FunctionResources>("Function");
