/** `sst/node/event-bus`: bound buses, typed event builders and their handler. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's EventBuses (declared here so the augmentation merges). */
export interface EventBusResources {}

export const EventBus: EventBusResources = /* @__PURE__ */ createProxy<EventBusResources>("EventBus");

export { createEventBuilder, ZodValidator, type inferEvent, type PutEventsCommandOutput } from "./builder.js";
export { EventHandler, type EventPayload } from "./handler.js";
export type * from "./parser.js";
