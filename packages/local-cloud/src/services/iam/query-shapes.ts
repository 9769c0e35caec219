/**
 * Converting between awsQuery wire parameters/XML and the SDK-shaped objects the
 * operations take and return. Shared by the query-protocol services in this area
 * (IAM, STS, legacy SQS).
 */
import { queryParam } from "../../server/protocols/query.js";
import { toXml } from "../../server/xml.js";

/**
 * Unflattens every top-level parameter: "RoleName" stays a string,
 * "Tags.member.1.Key" becomes Tags: [{ Key }].
 */
export function queryInput(params: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    const top = key.split(".")[0]!;
    if (top in input) continue;
    input[top] = top === key && !Object.keys(params).some((k) => k.startsWith(top + ".")) ? params[key] : queryParam(params, top);
  }
  return input;
}

/** Lists become `<member>` lists, as awsQuery serializes them. */
function memberize(value: unknown): unknown {
  if (Array.isArray(value)) return { member: value.map(memberize) };
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = memberize(v);
    return out;
  }
  return value;
}

/** The inner XML of `<ActionResult>` for an SDK-shaped output object. */
export function resultXml(output: Record<string, unknown>): string {
  return Object.entries(output)
    .map(([k, v]) => toXml(k, memberize(v)))
    .join("");
}
