/**
 * Authorizer verdicts kept for their TTL, as API Gateway and AppSync cache what their
 * Lambda authorizers answered. Bounded: a cache, not a store.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { until: number; result: T }>();

  get(key: string, now = Date.now()): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until > now) return e.result;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, result: T, ttlSeconds: number, now = Date.now()): void {
    if (this.entries.size > 10_000) this.entries.clear(); // bounded: a cache, not a store
    this.entries.set(key, { until: now + ttlSeconds * 1000, result });
  }
}

