/**
 * API Gateway v2's REST-JSON wire shapes use camelCase member names (`apiId`,
 * `corsConfiguration`) where the SDK shapes use PascalCase (`ApiId`). Every member's
 * jsonName is its name with the first letter lower-cased, so the conversion is
 * mechanical — except inside maps, whose keys are user data (tags, stage variables,
 * request parameters) and must pass through untouched.
 */

/** SDK member names whose value is a map: keep its keys, convert its values. */
const MAP_MEMBERS = new Set([
  "Tags", "StageVariables", "RequestTemplates", "ResponseTemplates", "RequestModels",
  "ResponseModels", "RequestParameters", "RouteSettings",
]);
/** Map members whose values are maps of strings too: keep everything below them as is. */
const RAW_MEMBERS = new Set(["ResponseParameters"]);

const lowerFirst = (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s);
const upperFirst = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

function convert(value: unknown, rename: (k: string) => string, toWire: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v, rename, toWire));
  if (value instanceof Date) return toWire ? value.toISOString() : value;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const sdkName = toWire ? key : upperFirst(key);
    const name = rename(key);
    if (RAW_MEMBERS.has(sdkName)) out[name] = v;
    else if (MAP_MEMBERS.has(sdkName) && v && typeof v === "object" && !Array.isArray(v)) {
      const map: Record<string, unknown> = {};
      for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) map[mk] = convert(mv, rename, toWire);
      out[name] = map;
    } else out[name] = convert(v, rename, toWire);
  }
  return out;
}

/** SDK shape → wire JSON (Dates become ISO-8601 strings, as rest-json timestamps are). */
export function toWireShape(value: unknown): unknown {
  return convert(value, lowerFirst, true);
}

/** Wire JSON → SDK shape. */
export function fromWireShape(value: unknown): unknown {
  return convert(value, upperFirst, false);
}
