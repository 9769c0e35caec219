/** `KinesisStream.<id>.streamName` for the KinesisStreams bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types`. */
export interface KinesisStreamResources {}

export const KinesisStream: KinesisStreamResources = /* @__PURE__ */ createProxy<KinesisStreamResources>("KinesisStream");
