/**
 * Asynchronous ("Event") invocations: accepted at once (202), run in the background,
 * retried twice when the function errors, as Lambda does. AWS waits about one and then
 * two minutes between attempts; locally the delays are short (configurable) so a
 * retry is observable while developing.
 */
export interface AsyncJob {
  functionName: string;
  requestId: string;
  /** Runs one attempt; true when the function succeeded. Throws when it can't run at all. */
  attempt(attemptNumber: number): Promise<boolean>;
  /** Retries after the first attempt (the function's MaximumRetryAttempts). @default every delay configured (2) */
  maxRetries?: number;
  /** Called once every attempt failed (dead-letter queue, on-failure destination). */
  onExhausted?(lastError: unknown, attempts: number): Promise<void> | void;
  /** Called once an attempt succeeded (on-success destination). */
  onSucceeded?(attempts: number): Promise<void> | void;
}

export class AsyncInvoker {
  private readonly inFlight = new Set<Promise<void>>();
  /** Pending retry delays, so close() can end them at once. */
  private readonly timers = new Map<NodeJS.Timeout, (ok: boolean) => void>();
  private closed = false;

  constructor(private readonly retryDelaysMs: number[] = [1000, 2000]) {}

  enqueue(job: AsyncJob): void {
    if (this.closed) return;
    const run = this.run(job).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** Resolves when every queued invocation (with its retries) is done. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const [t, wake] of this.timers) {
      clearTimeout(t);
      wake(false);
    }
    this.timers.clear();
  }

  private async run(job: AsyncJob): Promise<void> {
    let lastError: unknown;
    const retries = Math.min(job.maxRetries ?? this.retryDelaysMs.length, this.retryDelaysMs.length);
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0 && !(await this.sleep(this.retryDelaysMs[attempt - 1]))) return;
      attempts = attempt + 1;
      try {
        if (await job.attempt(attempts)) {
          await settle(() => job.onSucceeded?.(attempts));
          return;
        }
        lastError = new Error("function error");
      } catch (err) {
        // The function is gone or can't run: retrying won't help.
        lastError = err;
        break;
      }
    }
    await settle(() => job.onExhausted?.(lastError, attempts));
  }

  /** False when closed while waiting. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closed) return resolve(false);
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve(!this.closed);
      }, ms);
      this.timers.set(t, resolve);
    });
  }
}

/** A failing dead-letter queue or destination must not break the queue. */
async function settle(fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
  } catch {
    // reported by the callback itself when it matters
  }
}
