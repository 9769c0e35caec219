/**
 * SNS's awsQuery binding: form parameters in (`Attributes.entry.N.key`,
 * `MessageAttributes.entry.N.Name`, `Tags.member.N.Key` …), XML out with `member`
 * lists and `entry` maps, as the AWS SDK's query deserializer reads them.
 */
import { queryParam } from "../../server/protocols/query.js";
import { toXml } from "../../server/xml.js";

/** The operation input in SDK shape. */
export function queryToInput(params: Record<string, string>): Record<string, unknown> {
  // MessageAttributes maps name their entries Name/Value; the shared unflattener reads key/value.
  const normalized: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const key = k
      .replace(/(MessageAttributes\.entry\.\d+\.)Name$/, "$1key")
      .replace(/(MessageAttributes\.entry\.\d+\.)Value(\.|$)/, "$1value$2");
    normalized[key] = v;
  }
  const input: Record<string, unknown> = {};
  for (const top of new Set(Object.keys(normalized).map((k) => k.split(".")[0]!))) input[top] = queryParam(normalized, top);
  return input;
}

/** Maps the SDK reads as `entry` key/value pairs rather than structures. */
const MAP_FIELDS = new Set(["Attributes"]);

function valueXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `<${name}>${value.map((v) => valueXml("member", v)).join("")}</${name}>`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (MAP_FIELDS.has(name)) {
      return `<${name}>${entries.map(([k, v]) => `<entry>${toXml("key", k)}${toXml("value", v)}</entry>`).join("")}</${name}>`;
    }
    return `<${name}>${entries.map(([k, v]) => valueXml(k, v)).join("")}</${name}>`;
  }
  return toXml(name, value);
}

/** The inner XML of `<ActionResult>`. */
export function outputToXml(output: Record<string, unknown> | undefined): string {
  return Object.entries(output ?? {}).map(([k, v]) => valueXml(k, v)).join("");
}
