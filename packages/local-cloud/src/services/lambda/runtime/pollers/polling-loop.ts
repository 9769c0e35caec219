/**
 * The life of an event source poller: a loop that polls, idles until woken or a second
 * passes when there was nothing to do, and backs off (1 s doubling to 30 s) after an
 * error, logging it — a queue or table that vanished never ends the loop. Subclasses
 * say what one poll is.
 */
import type { StoredMapping } from "../../model.js";
import { Waiter, type Poller, type PollerDeps } from "./poller-deps.js";

export const IDLE_WAIT_MS = 1000;
export const MAX_BACKOFF_MS = 30_000;

export abstract class PollingLoop implements Poller {
  protected running = false;
  protected readonly waiter = new Waiter();
  private loop?: Promise<void>;
  private backoffMs = 0;

  constructor(
    protected mapping: StoredMapping,
    protected readonly deps: PollerDeps,
  ) {}

  /** One poll; true when it handled something (so the next poll comes at once). */
  protected abstract pollOnce(): Promise<boolean>;

  /** How long to idle after a poll that handled nothing (a wake cuts it short). */
  protected idleWaitMs(): number {
    return IDLE_WAIT_MS;
  }

  /** Called after a failed poll, before the back-off wait (e.g. to forget a cached URL). */
  protected onPollError(): void {}

  update(mapping: StoredMapping): void {
    this.mapping = mapping;
    this.wake();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.waiter.wake();
    await this.loop;
  }

  wake(): void {
    this.waiter.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const handled = await this.pollOnce();
        this.backoffMs = 0;
        if (!handled && this.running) await this.waiter.wait(this.idleWaitMs());
      } catch (err: any) {
        this.onPollError();
        this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs ? this.backoffMs * 2 : 1000);
        this.deps.log(
          `event source mapping ${this.mapping.UUID} (${this.mapping.EventSourceArn}): ${err?.message ?? err}; retrying in ${this.backoffMs} ms`,
        );
        if (this.running) await this.waiter.wait(this.backoffMs);
      }
    }
  }
}
