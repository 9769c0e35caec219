/**
 * Bound values arrive as env vars `SST_{Type}_{prop}_{id}`. This parses them into
 * type → id → prop → value. Secrets carry the marker `__FETCH_FROM_SSM__`.
 */
export const FETCH_FROM_SSM = "__FETCH_FROM_SSM__";

export interface BoundVariable { type: string; id: string; prop: string; value: string; envName: string; }

/** Non-binding SST_* variables. */
const RESERVED = new Set(["SST_APP", "SST_STAGE", "SST_SSM_PREFIX", "SST_FUNCTION_ID", "SST_REGION"]);

export function parseBindingEnv(env: Record<string, string | undefined>): BoundVariable[] {
  const out: BoundVariable[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("SST_") || RESERVED.has(name) || value === undefined) continue;
    const parts = name.split("_");
    // SST, Type, prop, id… (the id may itself contain "_", from "-" or "_")
    if (parts.length < 4 || !parts[1] || !parts[2]) continue;
    out.push({ type: parts[1], prop: parts[2], id: parts.slice(3).join("_"), value, envName: name });
  }
  return out;
}

export type Variables = Record<string, Record<string, Record<string, string>>>;

export function groupVariables(vars: BoundVariable[]): Variables {
  const out: Variables = {};
  for (const v of vars) {
    ((out[v.type] ??= {})[v.id] ??= {})[v.prop] = v.value;
  }
  return out;
}
