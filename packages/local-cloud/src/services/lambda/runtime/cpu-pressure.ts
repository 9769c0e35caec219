/**
 * Whether the cores are busy: what tells the pool whether a function's long
 * invocations wait on something else (a timer, a slow downstream: more environments
 * let more of them wait at once) or on the cores — the local cloud's own work (its
 * DynamoDB, S3, … answering them while it also serves the load) or anything else the
 * machine runs. Then more environments only add processes competing for the same cores
 * (and memory), and on a starved machine every invocation takes long, so their
 * duration alone cannot tell.
 *
 * The signal is the local cloud's event loop: busy when it ran code most of the last
 * quarter second. The machine's load average is deliberately not one: it counts every
 * other process (a test suite, a build), and a function whose invocations wait on a
 * timer must still get an environment per concurrent invocation, as on Lambda — six
 * 3-second waits run side by side whatever else the machine does. (A machine starved by
 * others lets the event loop look idle, so functions may then grow more environments
 * than the cores can use; that costs memory, never correctness.)
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

export function coresBusy(): boolean {
  return eventLoopUtilization() > BUSY_UTILIZATION;
}
