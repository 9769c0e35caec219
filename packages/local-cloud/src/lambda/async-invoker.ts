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
  /** Called once every attempt failed (dead-letter queue, logging). */
  onExhausted?(lastError: unknown): Promise<void> | void;
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
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (attempt > 0 && !(await this.sleep(this.retryDelaysMs[attempt - 1]))) return;
      try {
        if (await job.attempt(attempt + 1)) return;
        lastError = new Error("function error");
      } catch (err) {
        // The function is gone or can't run: retrying won't help.
        lastError = err;
        break;
      }
    }
    try {
      await job.onExhausted?.(lastError);
    } catch {
      // A failing dead-letter target must not break the queue.
    }
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
