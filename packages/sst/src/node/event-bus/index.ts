/** `EventBus.<id>.eventBusName` for the EventBuss bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's EventBuss. */
export interface EventBusResources {}

export const EventBus: EventBusResources = /* @__PURE__ */ createProxy<EventBusResources>("EventBus");
