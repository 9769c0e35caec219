/**
 * Runs a task one at a time: asking while it runs queues exactly one more run, however
 * often it is asked (a burst of saves redeploys the stacks twice, not once per save).
 * `sst dev` redeploys through it on both targets.
 */
export class SerialTask {
  private current?: Promise<void>;
  private again = false;
  private stopped = false;
  /** Settles when the run started by the last `schedule()` (or `run()`) settles. */
  last: Promise<void> = Promise.resolve();

  constructor(private readonly task: () => Promise<void>) {}

  /** Runs `work` as the task in progress (the first deploy); a schedule() meanwhile runs the task after it. */
  run(work: Promise<void>): Promise<void> {
    this.current = work.finally(() => {
      this.current = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.schedule();
      }
    });
    this.last = this.current;
    return this.current;
  }

  schedule(): void {
    if (this.stopped) return;
    if (this.current) {
      this.again = true;
      return;
    }
    this.run(this.task());
  }

  /** No more runs; resolves when the one in progress (if any) settles. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.catch(() => {});
  }
}
