/**
 * How many execution environments (processes) may live at once on this machine, across
 * every function. Lambda scales each function out to its concurrency; one machine can
 * not, so beyond this number a new environment first ends the least recently used idle
 * one of another function, and when none is idle the invocation waits for one to end.
 * (Waiting is the local stand-in for capacity AWS would have: it is never answered as a
 * throttle; see concurrency.ts for the limits that are.)
 */
import { availableParallelism } from "node:os";

/** Something the budget can ask to end one idle environment to make room. */
export interface IdleEvictor {
  /** Ends the least recently used idle environment anywhere; false when none is idle. */
  evictIdle(): boolean;
}

/** Environments per function on this machine: more than the cores only adds contention. */
export function defaultFunctionConcurrency(): number {
  return Math.max(2, availableParallelism());
}

/**
 * Environments on this machine in all: each holds a Node process (40–80 MB). An app's
 * functions all stay warm up to this (the seed app has ten; ending and restarting
 * environments to stay under a lower bound made a mixed load crawl from cold start to
 * cold start); idle ones are retired after a few minutes anyway.
 */
export function defaultEnvironmentBudget(): number {
  return Math.max(16, availableParallelism() * 8);
}

/** One waiting invocation; it may wait in several queues, and is woken once. */
export interface Waiter {
  woken: boolean;
  wake(): void;
}

/** Wakes the first waiter of `queue` not woken yet. */
export function wakeFirst(queue: Waiter[]): void {
  for (;;) {
    const w = queue.shift();
    if (!w) return;
    if (w.woken) continue;
    w.woken = true;
    w.wake();
    return;
  }
}

/** The waiting list is swept of waiters woken elsewhere once it has grown to this (and then to twice what remains). */
const MIN_SWEEP_AT = 64;

export class EnvironmentBudget {
  private used = 0;
  private waiters: Waiter[] = [];
  private sweepAt = MIN_SWEEP_AT;
  evictor?: IdleEvictor;

  constructor(readonly max = defaultEnvironmentBudget()) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot for a new environment, ending an idle one elsewhere if that is what it takes. */
  tryTake(): boolean {
    if (this.used >= this.max && !this.evictor?.evictIdle()) return false;
    this.used++;
    return true;
  }

  /** An environment ended: its slot is free. */
  release(): void {
    this.used--;
    this.wakeOne();
  }

  /**
   * Wakes `waiter` once a slot may be free (a waiter woken for nothing just waits again).
   * A waiter also waits in its pool's queue and is mostly woken there, while slots are
   * freed rarely: without the sweep, every invocation that ever waited would stay here.
   */
  wait(waiter: Waiter): void {
    this.waiters.push(waiter);
    if (this.waiters.length < this.sweepAt) return;
    this.waiters = this.waiters.filter((w) => !w.woken);
    this.sweepAt = Math.max(MIN_SWEEP_AT, 2 * this.waiters.length);
  }

  /** Waiters not woken yet. */
  get waiting(): number {
    let n = 0;
    for (const w of this.waiters) if (!w.woken) n++;
    return n;
  }

  /** Entries the waiting list holds, woken ones included (bounded: see `wait`). */
  get held(): number {
    return this.waiters.length;
  }

  private wakeOne(): void {
    wakeFirst(this.waiters);
  }
}
