/**
 * Converting between S3's XML documents and the AWS SDK's shapes. S3 XML differs from
 * the SDK shape in three regular ways, described per document by a ShapeMap:
 * flattened lists (repeated <CORSRule> ↔ CORSRules: [...]), wrapped lists
 * (<TagSet><Tag/>…</TagSet> ↔ TagSet: [...]) and renamed fields (<CloudFunction> ↔
 * LambdaFunctionArn). Scalars are strings in XML; `numbers`/`booleans` name the
 * fields the SDK types otherwise.
 */
import { parseXml } from "../../../server/xml.js";
import { escapeXml } from "../../../server/xml.js";
import { malformedXml } from "../errors.js";

export interface ShapeMap {
  /** XML element name → SDK list field, for flattened lists. */
  lists?: Record<string, string>;
  /** SDK list field → XML item element, for lists wrapped in an element of the same name. */
  wrapped?: Record<string, string>;
  /** XML element name → SDK field name. */
  fields?: Record<string, string>;
  numbers?: string[];
  booleans?: string[];
}

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Parse a request body; the root element's content, or MalformedXML. */
export function parseXmlBody(body: Buffer | string, root: string): any {
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (!text.trim()) throw malformedXml();
  let doc: any;
  try {
    doc = parseXml(text, true);
  } catch {
    throw malformedXml();
  }
  if (!doc || typeof doc !== "object" || !(root in doc)) throw malformedXml();
  const content = doc[root];
  return content && typeof content === "object" ? content : {};
}

export function asList(v: unknown): any[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** Text of a leaf element: "" for an empty element, undefined when absent. */
export function textOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "object" && "#text" in (v as object)) return String((v as any)["#text"]);
  if (typeof v === "object" && Object.keys(v as object).length === 0) return "";
  return String(v);
}

function coerce(name: string, value: string, map: ShapeMap): unknown {
  if (map.numbers?.includes(name)) return Number(value);
  if (map.booleans?.includes(name)) return value.trim() === "true";
  return value;
}

/** XML element content (as parsed) → SDK shape. */
export function fromXml(node: any, map: ShapeMap): any {
  if (node === undefined || node === null || typeof node !== "object") return {};
  const out: Record<string, unknown> = {};
  for (const [xmlName, value] of Object.entries(node)) {
    if (xmlName === "#text") continue;
    const listField = map.lists?.[xmlName];
    if (listField) {
      out[listField] = asList(value).map((v) => (v !== null && typeof v === "object" && !("#text" in v) ? fromXml(v, map) : coerce(listField, textOf(v) ?? "", map)));
      continue;
    }
    const field = map.fields?.[xmlName] ?? xmlName;
    const itemName = map.wrapped?.[field];
    if (itemName) {
      const inner = value && typeof value === "object" ? (value as any)[itemName] : undefined;
      out[field] = asList(inner).map((v) => (v !== null && typeof v === "object" && !("#text" in v) ? fromXml(v, map) : textOf(v)));
      continue;
    }
    const single = Array.isArray(value) ? value[0] : value;
    if (single !== null && typeof single === "object" && !("#text" in single) && Object.keys(single).length > 0) {
      out[field] = fromXml(single, map);
    } else {
      out[field] = coerce(field, textOf(single) ?? "", map);
    }
  }
  return out;
}

function invert(rec: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(rec ?? {}).map(([a, b]) => [b, a]));
}

function scalar(v: unknown): string {
  return v instanceof Date ? v.toISOString() : String(v);
}

/** SDK shape → XML element content. */
export function toXmlContent(value: any, map: ShapeMap): string {
  const listElements = invert(map.lists);
  const fieldElements = invert(map.fields);
  let out = "";
  for (const [field, v] of Object.entries(value ?? {})) {
    if (v === undefined || v === null) continue;
    const listElement = listElements[field];
    const render = (name: string, item: unknown) =>
      item !== null && typeof item === "object" && !(item instanceof Date)
        ? `<${name}>${toXmlContent(item, map)}</${name}>`
        : `<${name}>${escapeXml(scalar(item))}</${name}>`;
    if (listElement && Array.isArray(v)) {
      for (const item of v) out += render(listElement, item);
      continue;
    }
    const name = fieldElements[field] ?? field;
    const itemName = map.wrapped?.[field];
    if (itemName && Array.isArray(v)) {
      out += `<${name}>${v.map((item) => render(itemName, item)).join("")}</${name}>`;
      continue;
    }
    out += render(name, v);
  }
  return out;
}

export function xmlDocument(root: string, content: string, xmlns = true): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns ? ` xmlns="${S3_XMLNS}"` : ""}>${content}</${root}>`;
}
