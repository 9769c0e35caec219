/**
 * Turns on a cluster's one Postgres session (PGlite is a single connection), shared by
 * every Data API call and every wire connection (cluster-session.ts): a transaction holds
 * it to its end, a statement outside a transaction while it runs. Waiters are served in
 * arrival order.
 */
export class SessionLock {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  /** How many callers wait for the session. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with the release function once the session is ours; rejects after `timeoutMs`. */
  acquire(timeoutMs: number, onTimeout: () => Error): Promise<() => void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(onTimeout());
      }, timeoutMs);
      timer.unref?.();
      this.waiters.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.held = false;
    };
  }
}
