/** `Table.<id>.tableName` for the Tables bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Tables. */
export interface TableResources {}

export const Table: TableResources = /* @__PURE__ */ createProxy<TableResources>("Table");
