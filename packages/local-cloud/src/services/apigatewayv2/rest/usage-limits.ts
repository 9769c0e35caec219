/**
 * What a REST API method with `ApiKeyRequired` asks of a request: an enabled API key
 * (from the `x-api-key` header, or the Lambda authorizer's `usageIdentifierKey` when the
 * API's key source is AUTHORIZER) that a usage plan admits for this API and stage; then
 * the plan's throttle (a token bucket per key: BurstLimit tokens, refilled at RateLimit
 * a second; a method's own entry in the plan's ApiStages Throttle wins) and its quota
 * (Limit requests per UTC DAY, WEEK from Monday, or MONTH; Offset requests are counted
 * against the first period). Answers as AWS does: 403 "Forbidden", 429 "Too Many
 * Requests" when throttled, 429 "Limit Exceeded" past the quota.
 *
 * Counters live in memory: a restarted local cloud starts every key's period afresh.
 */
import { ACCOUNT_SCOPE, type ApiGatewayStore } from "../store.js";
import { TokenBuckets, type Throttle } from "./token-buckets.js";

type Doc = Record<string, any>;

export type UsageVerdict = "ok" | "forbidden" | "throttled" | "quota-exceeded";

/** A plan as one API stage sees it. */
interface StagePlan {
  plan: Doc;
  /** "/path/METHOD" → that method's throttle. */
  methodThrottles: Record<string, Throttle>;
}

export class UsageLimits {
  private generation = -1;
  /** Enabled keys by value. */
  private keysByValue = new Map<string, Doc>();
  /** "apiId/stage" → key id → the plans that admit that key there. */
  private admitted = new Map<string, Map<string, StagePlan[]>>();
  private readonly buckets = new TokenBuckets();
  private readonly quotas = new Map<string, { period: number; used: number }>();

  constructor(private readonly store: ApiGatewayStore) {}

  check(apiId: string, stage: string, keyValue: string | undefined, resourcePath: string, httpMethod: string, now = Date.now()): UsageVerdict {
    this.refresh();
    const key = keyValue ? this.keysByValue.get(keyValue) : undefined;
    if (!key) return "forbidden";
    const plans = this.admitted.get(`${apiId}/${stage}`)?.get(key.Id);
    if (!plans?.length) return "forbidden";
    for (const { plan, methodThrottles } of plans) {
      const throttle = methodThrottles[`${resourcePath}/${httpMethod}`] ?? plan.Throttle;
      if (throttle && !this.buckets.take(`${plan.Id}:${key.Id}:${resourcePath}/${httpMethod}`, throttle, now)) return "throttled";
    }
    for (const { plan } of plans) {
      if (plan.Quota && !this.count(`${plan.Id}:${key.Id}`, plan.Quota, now)) return "quota-exceeded";
    }
    return "ok";
  }

  private refresh(): void {
    if (this.generation === this.store.generation) return;
    this.generation = this.store.generation;
    const keys = this.store.list<Doc>(ACCOUNT_SCOPE, "apikey").filter((k) => k.Enabled);
    this.keysByValue = new Map(keys.map((k) => [k.Value, k]));
    const plans = new Map(this.store.list<Doc>(ACCOUNT_SCOPE, "usageplan").map((p) => [p.Id, p]));
    this.admitted = new Map();
    for (const pk of this.store.list<Doc>(ACCOUNT_SCOPE, "usageplankey")) {
      const plan = plans.get(pk.UsagePlanId);
      if (!plan) continue;
      for (const s of plan.ApiStages ?? []) {
        const where = `${s.ApiId}/${s.Stage}`;
        let byKey = this.admitted.get(where);
        if (!byKey) this.admitted.set(where, (byKey = new Map()));
        const list = byKey.get(pk.KeyId) ?? [];
        list.push({ plan, methodThrottles: s.Throttle ?? {} });
        byKey.set(pk.KeyId, list);
      }
    }
  }

  /** Counts one request against the quota's current period; false when it is used up. */
  private count(id: string, quota: { Limit: number; Offset?: number; Period: string }, now: number): boolean {
    const period = periodStart(quota.Period, now);
    let q = this.quotas.get(id);
    if (!q) this.quotas.set(id, (q = { period, used: quota.Offset ?? 0 }));
    else if (q.period !== period) (q.period = period), (q.used = 0);
    if (q.used >= quota.Limit) return false;
    q.used += 1;
    return true;
  }
}

/** The start (ms) of the UTC day, week (from Monday) or month `now` falls in. */
export function periodStart(period: string, now: number): number {
  const d = new Date(now);
  if (period === "MONTH") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === "WEEK") return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  return day;
}
