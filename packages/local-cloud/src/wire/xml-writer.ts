/**
 * Writes a value as XML by its shape, the way the query and REST-XML protocols do:
 * members as child elements named by their `locationName` (else the member name),
 * lists wrapped in `<member>` elements unless flattened, maps as `<entry><key/><value/>`
 * unless flattened, timestamps in ISO 8601, blobs in base64. Members the shape does not
 * have are not written (AWS would not send them).
 */
import { escapeXml } from "../server/xml.js";
import { memberTraits, type Member } from "./model.js";
import type { Shapes } from "./shapes.js";

export function timestampText(value: unknown, format: string | undefined): string {
  const date = value instanceof Date ? value : typeof value === "number" ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  if (format === "rfc822") return date.toUTCString();
  if (format === "unixTimestamp") return String(date.getTime() / 1000);
  return date.toISOString();
}

function scalarText(shapes: Shapes, shapeName: string, value: unknown, format?: string): string {
  const shape = shapes.get(shapeName);
  if (shape.type === "timestamp") return timestampText(value, format ?? shape.timestampFormat);
  if (shape.type === "blob") return value instanceof Uint8Array ? Buffer.from(value).toString("base64") : String(value);
  return escapeXml(String(value));
}

/** The inner XML of a structure value (its members' elements). */
export function structureXml(shapes: Shapes, shapeName: string, value: Record<string, unknown>): string {
  const shape = shapes.get(shapeName);
  if (shape.type !== "structure") return "";
  let xml = "";
  for (const [name, member] of Object.entries(shape.members)) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    const traits = memberTraits(member);
    if (traits.location || traits.xmlAttribute) continue; // headers, status code, attributes: not in the body
    xml += memberXml(shapes, member, traits.locationName ?? name, v);
  }
  return xml;
}

/** `<name>…</name>` for one member (several elements for a flattened list or map). */
export function memberXml(shapes: Shapes, member: Member, name: string, value: unknown): string {
  const traits = memberTraits(member);
  const shape = shapes.get(traits.shape);
  switch (shape.type) {
    case "structure":
      return `<${name}>${structureXml(shapes, traits.shape, value as Record<string, unknown>)}</${name}>`;
    case "list": {
      if (!Array.isArray(value)) return "";
      const element = memberTraits(shape.member);
      if (shape.flattened || traits.flattened) {
        const each = element.locationName ?? name;
        return value.map((v) => memberXml(shapes, shape.member, each, v)).join("");
      }
      const each = element.locationName ?? "member";
      return `<${name}>${value.map((v) => memberXml(shapes, shape.member, each, v)).join("")}</${name}>`;
    }
    case "map": {
      if (!value || typeof value !== "object") return "";
      const keyName = memberTraits(shape.key).locationName ?? "key";
      const valueName = memberTraits(shape.value).locationName ?? "value";
      const entries = Object.entries(value as Record<string, unknown>).map(
        ([k, v]) => memberXml(shapes, shape.key, keyName, k) + memberXml(shapes, shape.value, valueName, v),
      );
      if (shape.flattened || traits.flattened) return entries.map((e) => `<${name}>${e}</${name}>`).join("");
      return `<${name}>${entries.map((e) => `<entry>${e}</entry>`).join("")}</${name}>`;
    }
    default:
      return `<${name}>${scalarText(shapes, traits.shape, value, traits.timestampFormat)}</${name}>`;
  }
}
