/**
 * Compares two CloudFormation templates resource by resource: logical ids, types and
 * properties (plus DependsOn, DeletionPolicy, UpdateReplacePolicy), and outputs.
 * Values that depend on the build environment rather than the app (asset hashes, the
 * SST version, a deploy timestamp) are normalised first, so a difference means the
 * templates would deploy differently.
 */

export interface TemplateDifference {
  /** "Resources/ApiCD79AAA0" or "Outputs/SSTMetadata". */
  where: string;
  /** "missing" (only in the reference), "extra" (only in ours), "type", or a JSON path inside the resource. */
  kind: "missing" | "extra" | "type" | "property";
  /** For "property": the path inside the resource, e.g. "Properties.Environment.Variables.FOO". */
  path?: string;
  reference?: unknown;
  ours?: unknown;
}

export interface Template {
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
  Outputs?: Record<string, unknown>;
  [k: string]: unknown;
}

const COMPARED_ATTRIBUTES = ["Properties", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Condition"];

/** Environment-dependent strings, replaced by a stable marker in both templates. */
const NORMALISERS: [RegExp, string][] = [
  // Asset object keys: <sha256>.zip / .map / .json
  [/\b[0-9a-f]{64}\.(zip|map|json)\b/g, "<asset>.$1"],
  // SST's version inside SSTMetadata
  [/"version":"[^"]*"/g, `"version":"<version>"`],
];

/** Property paths whose value is a deploy-time token in both (normalised to a marker). */
const VOLATILE_PROPERTIES: { type: string; path: string }[] = [
  // SST v2 writes Date.now() so the prefetcher runs on every deploy.
  { type: "Custom::SecretPrefetcher", path: "Properties.version" },
  // A Script's version is Date.now() unless given, so onUpdate runs every deploy.
  { type: "Custom::SSTScript", path: "Properties.Version" },
  // A Service's invalidation is new on every deploy (a time-based version).
  { type: "Custom::CloudFrontInvalidator", path: "Properties.version" },
];

export function normaliseTemplate(t: Template): Template {
  const copy = normaliseValue(JSON.parse(JSON.stringify(t))) as Template;
  for (const r of Object.values(copy.Resources ?? {})) {
    for (const v of VOLATILE_PROPERTIES) {
      if (r.Type !== v.type) continue;
      const [, key] = v.path.split(".");
      if (r.Properties && key in r.Properties) r.Properties[key] = "<volatile>";
    }
  }
  return copy;
}

function normaliseValue(v: unknown): unknown {
  if (typeof v === "string") return NORMALISERS.reduce((s, [re, to]) => s.replace(re, to), v);
  if (Array.isArray(v)) return v.map(normaliseValue);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseValue(x)]));
  return v;
}

export function diffTemplates(referenceIn: Template, oursIn: Template): TemplateDifference[] {
  const reference = normaliseTemplate(referenceIn);
  const ours = normaliseTemplate(oursIn);
  const out: TemplateDifference[] = [];
  const refResources = reference.Resources ?? {};
  const ourResources = ours.Resources ?? {};
  for (const [id, r] of Object.entries(refResources)) {
    const o = ourResources[id];
    const where = `Resources/${id}`;
    if (!o) {
      out.push({ where, kind: "missing", reference: r.Type });
      continue;
    }
    if (o.Type !== r.Type) {
      out.push({ where, kind: "type", reference: r.Type, ours: o.Type });
      continue;
    }
    for (const attr of COMPARED_ATTRIBUTES) diffValue(where, attr, r[attr], o[attr], out);
  }
  for (const [id, o] of Object.entries(ourResources)) {
    if (!refResources[id]) out.push({ where: `Resources/${id}`, kind: "extra", ours: o.Type });
  }
  const refOutputs = reference.Outputs ?? {};
  const ourOutputs = ours.Outputs ?? {};
  for (const key of new Set([...Object.keys(refOutputs), ...Object.keys(ourOutputs)])) {
    const where = `Outputs/${key}`;
    if (!(key in ourOutputs)) out.push({ where, kind: "missing" });
    else if (!(key in refOutputs)) out.push({ where, kind: "extra" });
    else diffValue(where, "", refOutputs[key], ourOutputs[key], out);
  }
  return out;
}

function diffValue(where: string, path: string, a: unknown, b: unknown, out: TemplateDifference[]): void {
  if (deepEqual(a, b)) return;
  const bothObjects = a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b);
  if (bothObjects) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) diffValue(where, path ? `${path}.${k}` : k, (a as any)[k], (b as any)[k], out);
    return;
  }
  out.push({ where, kind: "property", path, reference: a, ours: b });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}

/** Counts for a report: resources in the reference, matched exactly, and differing. */
export function summarise(reference: Template, diffs: TemplateDifference[]): { resources: number; identical: number } {
  const ids = Object.keys(reference.Resources ?? {});
  const touched = new Set(diffs.filter((d) => d.where.startsWith("Resources/")).map((d) => d.where.slice("Resources/".length)));
  return { resources: ids.length, identical: ids.filter((id) => !touched.has(id)).length };
}

export function formatDifference(d: TemplateDifference): string {
  const show = (v: unknown) => (v === undefined ? "(absent)" : JSON.stringify(v));
  switch (d.kind) {
    case "missing": return `${d.where}: only in SST v2's template${d.reference ? ` (${d.reference})` : ""}`;
    case "extra": return `${d.where}: only in ours${d.ours ? ` (${d.ours})` : ""}`;
    case "type": return `${d.where}: type ${show(d.reference)} in SST v2, ${show(d.ours)} in ours`;
    default: return `${d.where} ${d.path}: SST v2 ${show(d.reference)}, ours ${show(d.ours)}`;
  }
}
