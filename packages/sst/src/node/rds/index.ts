/** `RDS.<id>` (clusterArn, secretArn, defaultDatabaseName) for the RDS clusters bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types`. */
export interface RDSResources {}

export const RDS: RDSResources = /* @__PURE__ */ createProxy<RDSResources>("RDS");
