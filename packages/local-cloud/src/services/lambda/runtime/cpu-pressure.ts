/**
 * Whether the cores are busy: what tells the pool whether a function's long
 * invocations wait on something else (a timer, a slow downstream: more environments
 * let more of them wait at once) or on the cores — the local cloud's own work (its
 * DynamoDB, S3, … answering them while it also serves the load) or anything else the
 * machine runs. Then more environments only add processes competing for the same cores
 * (and memory), and on a starved machine every invocation takes long, so their
 * duration alone cannot tell.
 *
 * Two signals, either one enough, both about this process rather than the machine:
 *
 * - its event loop ran code most of the last quarter second (utilization): the local
 *   cloud itself is what keeps the cores busy;
 * - its timers fired late, on average, by more than a few milliseconds (event-loop
 *   delay): the process wanted to run and the cores were taken. On a machine starved by
 *   other processes the loop looks idle — it spends the time waiting for a core, which
 *   utilization counts as idle — so utilization alone let two functions grow to 13
 *   environments (914 MB) at load average 40–50 on 2 cores.
 *
 * The machine's load average is deliberately not a signal: it counts every other
 * process (a test suite, a build) whether or not they keep this one from running, and a
 * function whose invocations wait on a timer must still get an environment per
 * concurrent invocation, as on Lambda — six 3-second waits run side by side whatever
 * else the machine does. A process that mostly sleeps is woken promptly even on a loaded
 * machine (the scheduler favours sleepers), so its timers stay on time; one that keeps
 * asking for CPU and does not get it sees them late.
 */
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from "node:perf_hooks";

/** Utilization above which the local cloud counts as busy. */
export const BUSY_UTILIZATION = 0.5;
/** Mean timer lateness (ms) above which the process counts as starved of CPU. */
export const BUSY_DELAY_MS = 8;
/** The signals are measured over windows of at least this long. */
const WINDOW_MS = 250;
/** How often the delay monitor's timer fires (ms); its samples are this plus the lateness. */
const DELAY_RESOLUTION_MS = 20;

export interface LoopLoad {
  /** Share of the window the event loop ran code (0–1). */
  utilization: number;
  /** Mean lateness of a timer over the window (ms). */
  delayMs: number;
}

/** The rule, apart from the measuring. */
export function isBusy(load: LoopLoad): boolean {
  return load.utilization > BUSY_UTILIZATION || load.delayMs > BUSY_DELAY_MS;
}

let windowStart: EventLoopUtilization = performance.eventLoopUtilization();
let last: LoopLoad = { utilization: 0, delayMs: 0 };
/** Started on first use: a process that never asks runs no extra timer. */
let delay: IntervalHistogram | undefined;

/** The event loop's load over the last completed window. */
export function loopLoad(): LoopLoad {
  if (!delay) {
    delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
    delay.enable();
  }
  const now = performance.eventLoopUtilization();
  const window = performance.eventLoopUtilization(now, windowStart);
  if (window.idle + window.active >= WINDOW_MS) {
    // The histogram holds each interval between the monitor's timer firings (ns).
    const delayMs = delay.count > 0 ? Math.max(0, delay.mean / 1e6 - DELAY_RESOLUTION_MS) : 0;
    last = { utilization: window.utilization, delayMs };
    delay.reset();
    windowStart = now;
  }
  return last;
}

/** The share of time the event loop ran code over the last completed window (0–1). */
export function eventLoopUtilization(): number {
  return loopLoad().utilization;
}

export function coresBusy(): boolean {
  return isBusy(loopLoad());
}
