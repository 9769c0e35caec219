/**
 * Token buckets for API Gateway's throttles: BurstLimit tokens, refilled at RateLimit a
 * second (a limit left out is no limit of that kind). Kept in memory, by whatever id the
 * caller throttles on (a usage plan's key and method, a stage's method).
 */
export interface Throttle {
  BurstLimit?: number;
  RateLimit?: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes a token from `id`'s bucket; false when it is empty. */
  take(id: string, throttle: Throttle, now: number): boolean {
    const rate = throttle.RateLimit;
    const burst = throttle.BurstLimit ?? rate;
    if (rate === undefined && burst === undefined) return true;
    const capacity = Math.max(burst ?? 0, 0);
    let bucket = this.buckets.get(id);
    if (!bucket) this.buckets.set(id, (bucket = { tokens: capacity, at: now }));
    else {
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * (rate ?? Infinity));
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
