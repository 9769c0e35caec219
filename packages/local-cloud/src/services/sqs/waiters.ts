/**
 * Long-poll wake-ups: a ReceiveMessage with WaitTimeSeconds parks here and is woken
 * when a message lands in its queue, when its deadline passes, or when the service
 * closes. Nothing blocks the event loop; every timer is cleared on wake.
 */
export class Waiters {
  private readonly byQueue = new Map<string, Set<() => void>>();
  private closed = false;

  /** Resolves after `ms`, or earlier when `notify(queue)` or `close()` is called. */
  wait(queue: string, ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.byQueue.get(queue);
      if (!set) this.byQueue.set(queue, (set = new Set()));
      const wake = () => {
        clearTimeout(timer);
        set!.delete(wake);
        if (set!.size === 0 && this.byQueue.get(queue) === set) this.byQueue.delete(queue);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }

  notify(queue: string): void {
    const set = this.byQueue.get(queue);
    if (set) for (const wake of [...set]) wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const set of [...this.byQueue.values()]) for (const wake of [...set]) wake();
  }
}
