/**
 * XML for the query and REST-XML protocols: a small serializer shaped the way AWS
 * answers (elements only, no attributes) and a parser for request bodies.
 */
import { XMLParser } from "fast-xml-parser";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Serialize `value` as the element `name`. Objects become child elements, arrays
 * repeat the element (pass `{ member: [...] }` for AWS's member lists), Dates become
 * ISO-8601, null/undefined are left out.
 */
export function toXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map((v) => toXml(name, v)).join("");
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === "object") {
    let inner = "";
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) inner += toXml(k, v);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  removeNSPrefix: true,
});

/**
 * Parse an XML document into plain objects of strings (repeated elements become arrays).
 * With `validate`, a malformed document throws instead of parsing as far as it can.
 */
export function parseXml(text: string, validate = false): any {
  return parser.parse(text, validate);
}
