/** `Queue.<id>.queueUrl` for the Queues bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Queues. */
export interface QueueResources {}

export const Queue: QueueResources = /* @__PURE__ */ createProxy<QueueResources>("Queue");
