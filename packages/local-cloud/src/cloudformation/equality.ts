/**
 * Comparing resolved properties: key order never matters (CloudFormation compares
 * values), and numbers and their string forms are the same value ("5" vs 5), since
 * templates and SDKs write them either way.
 */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return v;
}

export function stableEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Top-level property names whose values differ (added and removed ones included). */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => !stableEqual(a?.[k], b?.[k])).sort();
}
