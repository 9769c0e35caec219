/**
 * Reads an XML document (as fast-xml-parser parses it: elements to objects, text to
 * strings, repeated elements to arrays) into a value of a shape — the inverse of
 * xml-writer.ts: members by `locationName`, lists wrapped in `<member>` (or their
 * element's name) unless flattened, maps as `<entry><key/><value/>`, scalars converted
 * to their type.
 */
import { memberTraits, type Member } from "./model.js";
import type { Shapes } from "./shapes.js";

function asList(v: unknown): unknown[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** The text of a leaf element ("" for an empty one). */
function textOf(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object" && "#text" in (v as object)) return String((v as Record<string, unknown>)["#text"]);
  if (typeof v === "object" && Object.keys(v as object).length === 0) return "";
  return String(v);
}

/** A structure's value from its element's content. */
export function readStructure(shapes: Shapes, shapeName: string, node: unknown): Record<string, unknown> {
  const shape = shapes.get(shapeName);
  const out: Record<string, unknown> = {};
  if (shape.type !== "structure" || !node || typeof node !== "object") return out;
  const element = node as Record<string, unknown>;
  for (const [name, member] of Object.entries(shape.members)) {
    const traits = memberTraits(member);
    if (traits.location || traits.xmlAttribute) continue;
    const memberShape = shapes.get(traits.shape);
    const flattened = (memberShape.type === "list" || memberShape.type === "map") && (memberShape.flattened || traits.flattened);
    // A flattened list repeats its element under the list element's name, or the member's.
    const wire = flattened && memberShape.type === "list" ? (memberTraits(memberShape.member).locationName ?? traits.locationName ?? name) : (traits.locationName ?? name);
    if (!(wire in element)) continue;
    out[name] = flattened ? readFlattened(shapes, member, element[wire]) : readValue(shapes, member, element[wire]);
  }
  return out;
}

function readFlattened(shapes: Shapes, member: Member, node: unknown): unknown {
  const shape = shapes.get(memberTraits(member).shape);
  if (shape.type === "list") return asList(node).map((v) => readValue(shapes, shape.member, v));
  if (shape.type === "map") return readEntries(shapes, shape, asList(node));
  return undefined;
}

function readEntries(shapes: Shapes, shape: Extract<ReturnType<Shapes["get"]>, { type: "map" }>, entries: unknown[]): Record<string, unknown> {
  const keyName = memberTraits(shape.key).locationName ?? "key";
  const valueName = memberTraits(shape.value).locationName ?? "value";
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    if (!e || typeof e !== "object") continue;
    const entry = e as Record<string, unknown>;
    out[textOf(entry[keyName])] = readValue(shapes, shape.value, entry[valueName]);
  }
  return out;
}

/** A member's value from its element's content. */
export function readValue(shapes: Shapes, member: Member, node: unknown): unknown {
  const traits = memberTraits(member);
  const shape = shapes.get(traits.shape);
  switch (shape.type) {
    case "structure":
      return readStructure(shapes, traits.shape, node);
    case "list": {
      if (shape.flattened || traits.flattened) return readFlattened(shapes, member, node);
      const itemName = memberTraits(shape.member).locationName ?? "member";
      const inner = node && typeof node === "object" ? (node as Record<string, unknown>)[itemName] : undefined;
      return asList(inner).map((v) => readValue(shapes, shape.member, v));
    }
    case "map":
      if (shape.flattened || traits.flattened) return readEntries(shapes, shape, asList(node));
      return readEntries(shapes, shape, asList(node && typeof node === "object" ? (node as Record<string, unknown>).entry : undefined));
    case "integer":
    case "long":
    case "double":
    case "float": {
      const text = textOf(node).trim();
      const n = Number(text);
      return text !== "" && Number.isFinite(n) ? n : text;
    }
    case "boolean": {
      const text = textOf(node).trim();
      return text === "true" ? true : text === "false" ? false : text;
    }
    default:
      return textOf(node);
  }
}
