/**
 * How busy the local cloud's own event loop has been lately: what tells the pool
 * whether a function's long invocations wait on something else (a timer, a slow
 * downstream: more environments let more of them wait at once) or on this very process
 * (the local cloud's DynamoDB, S3, … answering them while it also serves the load: more
 * environments only add processes competing for the same cores, and memory). On a
 * starved machine every invocation takes long, so their duration alone cannot tell.
 */
import { performance, type EventLoopUtilization } from "node:perf_hooks";

/** Utilization above which the local cloud counts as busy. */
export const BUSY_UTILIZATION = 0.5;
/** The utilization is measured over windows of at least this long. */
const WINDOW_MS = 250;

let windowStart: EventLoopUtilization = performance.eventLoopUtilization();
let lastUtilization = 0;

/** The share of time the event loop ran code over the last completed window (0–1). */
export function eventLoopUtilization(): number {
  const now = performance.eventLoopUtilization();
  const window = performance.eventLoopUtilization(now, windowStart);
  if (window.idle + window.active >= WINDOW_MS) {
    lastUtilization = window.utilization;
    windowStart = now;
  }
  return lastUtilization;
}

export function localCloudBusy(): boolean {
  return eventLoopUtilization() > BUSY_UTILIZATION;
}
