/**
 * The CloudFormation awsQuery wire format: form parameters → SDK-shaped input, SDK-shaped
 * output → result XML (lists as `<member>` elements, timestamps ISO-8601).
 */
import { escapeXml } from "../../server/xml.js";
import { queryParam } from "../../server/protocols/query.js";

/** Every top-level parameter unflattened ("Parameters.member.1.ParameterKey" → Parameters[0].ParameterKey). */
export function inputFromParams(params: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const roots = new Set(Object.keys(params).map((k) => k.split(".")[0]));
  for (const root of roots) input[root] = queryParam(params, root);
  return input;
}

/** Serialize an output object's fields as the inner XML of `<{Action}Result>`. */
export function resultXml(value: Record<string, unknown>): string {
  let out = "";
  for (const [k, v] of Object.entries(value ?? {})) out += element(k, v);
  return out;
}

function element(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((v) => element("member", v)).join("")}</${name}>`;
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") {
    let inner = "";
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) inner += element(k, v);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}
