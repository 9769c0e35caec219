/**
 * The edge cache of a distribution: responses kept for the TTL the behaviour's cache
 * policy allows (the origin's s-maxage or max-age clamped to MinTTL/MaxTTL, DefaultTTL
 * when it says nothing), dropped by invalidations. Bounded by total body bytes, the
 * oldest entries go first.
 */
export interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  storedAt: number;
  expiresAt: number;
}

export interface Ttls {
  MinTTL: number;
  DefaultTTL: number;
  MaxTTL: number;
}

const MAX_BYTES = 64 * 1024 * 1024;
const CACHEABLE = new Set([200, 203, 300, 301, 410]);

/** Seconds a response may be kept, or 0. */
export function ttlFor(status: number, cacheControl: string | undefined, ttls: Ttls): number {
  if (!CACHEABLE.has(status)) return 0;
  const cc = (cacheControl ?? "").toLowerCase();
  const directive = (name: string) => {
    const m = new RegExp(`(?:^|[,\\s])${name}\\s*=\\s*"?(\\d+)`).exec(cc);
    return m ? Number(m[1]) : undefined;
  };
  const origin = directive("s-maxage") ?? directive("max-age");
  if (origin === undefined && /(?:^|[,\s])(no-store|no-cache|private)(?:$|[,\s=])/.test(cc)) return ttls.MinTTL;
  const ttl = origin ?? ttls.DefaultTTL;
  return Math.min(Math.max(ttl, ttls.MinTTL), ttls.MaxTTL);
}

export class EdgeCache {
  private readonly entries = new Map<string, CachedResponse & { distributionId: string; path: string }>();
  private bytes = 0;

  get(distributionId: string, key: string, now = Date.now()): CachedResponse | undefined {
    const e = this.entries.get(`${distributionId}\n${key}`);
    if (!e) return undefined;
    if (e.expiresAt <= now) {
      this.remove(`${distributionId}\n${key}`);
      return undefined;
    }
    return e;
  }

  put(distributionId: string, key: string, path: string, r: CachedResponse): void {
    const k = `${distributionId}\n${key}`;
    this.remove(k);
    if (r.body.length > MAX_BYTES / 4) return;
    this.entries.set(k, { ...r, distributionId, path });
    this.bytes += r.body.length;
    for (const [oldest] of this.entries) {
      if (this.bytes <= MAX_BYTES) break;
      this.remove(oldest);
    }
  }

  /** Drop entries whose path matches one of the invalidation paths (`*` only at the end, as CloudFront allows). */
  invalidate(distributionId: string, paths: string[]): void {
    const tests = paths.map((p) => (p.endsWith("*") ? (x: string) => x.startsWith(p.slice(0, -1)) : (x: string) => x === p));
    for (const [k, e] of this.entries) {
      if (e.distributionId === distributionId && tests.some((t) => t(e.path))) this.remove(k);
    }
  }

  private remove(k: string): void {
    const e = this.entries.get(k);
    if (!e) return;
    this.bytes -= e.body.length;
    this.entries.delete(k);
  }
}
