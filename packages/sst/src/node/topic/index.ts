/** `Topic.<id>.topicArn` for the Topics bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Topics. */
export interface TopicResources {}

export const Topic: TopicResources = /* @__PURE__ */ createProxy<TopicResources>("Topic");
