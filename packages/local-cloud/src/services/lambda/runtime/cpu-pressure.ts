/**
 * Whether the cores are busy: what tells the pool whether a function's long
 * invocations wait on something else (a timer, a slow downstream: more environments
 * let more of them wait at once) or on the cores — the local cloud's own work (its
 * DynamoDB, S3, … answering them while it also serves the load) or anything else the
 * machine runs. Then more environments only add processes competing for the same cores
 * (and memory), and on a starved machine every invocation takes long, so their
 * duration alone cannot tell.
 *
 * Two signals: the local cloud's event loop ran code most of the last quarter second;
 * or the machine's 1-minute load average has reached its core count (the event loop
 * alone misses a machine starved by others: time spent runnable but not running counts
 * as its idle time).
 */
import { availableParallelism, loadavg } from "node:os";
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

/** The machine has as many runnable processes as cores, or more, on average over the last minute. */
export function machineLoaded(): boolean {
  return loadavg()[0]! >= availableParallelism();
}

export function coresBusy(): boolean {
  return eventLoopUtilization() > BUSY_UTILIZATION || machineLoaded();
}
