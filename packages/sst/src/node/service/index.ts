/** `Service.<id>.url` for the Services bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types`. */
export interface ServiceResources {}

export const Service: ServiceResources = /* @__PURE__ */ createProxy<ServiceResources>("Service");
