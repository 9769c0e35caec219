/**
 * REST-JSON bodies name members by their `locationName` (API Gateway's `"protocolType"`
 * for the SDK's `ProtocolType`), at every depth, and write timestamps in the format
 * their shape names (API Gateway's are ISO 8601). These convert between the wire form
 * and the model's; a shape whose tree has neither is passed through.
 */
import { memberTraits, type Member } from "./model.js";
import type { Shapes } from "./shapes.js";

import { timestampText } from "./xml-writer.js";

const renames = new WeakMap<Shapes, Map<string, boolean>>();

/** Whether anything under the shape is renamed on the wire or is an ISO 8601 timestamp. */
function renamesAnything(shapes: Shapes, name: string, seen = new Set<string>()): boolean {
  let memo = renames.get(shapes);
  if (!memo) renames.set(shapes, (memo = new Map()));
  const known = memo.get(name);
  if (known !== undefined) return known;
  if (seen.has(name)) return false;
  seen.add(name);
  const shape = shapes.get(name);
  let result = false;
  if (shape.type === "timestamp") result = shape.timestampFormat === "iso8601";
  else if (shape.type === "structure") {
    result = Object.entries(shape.members).some(([n, m]) => {
      const t = memberTraits(m);
      return (t.locationName !== undefined && t.locationName !== n && !t.location) || t.timestampFormat === "iso8601" || renamesAnything(shapes, t.shape, seen);
    });
  } else if (shape.type === "list") result = renamesAnything(shapes, memberTraits(shape.member).shape, seen);
  else if (shape.type === "map") result = renamesAnything(shapes, memberTraits(shape.value).shape, seen);
  memo.set(name, result);
  return result;
}

function convert(shapes: Shapes, member: Member, value: unknown, toWire: boolean): unknown {
  const traits = memberTraits(member);
  const shape = shapes.get(traits.shape);
  if (shape.type === "timestamp") {
    const format = traits.timestampFormat ?? shape.timestampFormat;
    return toWire && format === "iso8601" && (value instanceof Date || typeof value === "number") ? timestampText(value, format) : value;
  }
  if (value === null || typeof value !== "object" || !renamesAnything(shapes, traits.shape)) return value;
  if (shape.type === "list" && Array.isArray(value)) return value.map((v) => convert(shapes, shape.member, v, toWire));
  if (shape.type === "map" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = convert(shapes, shape.value, v, toWire);
    return out;
  }
  if (shape.type !== "structure" || Array.isArray(value)) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(shape.members)) {
    const t = memberTraits(m);
    const wire = t.location ? name : (t.locationName ?? name);
    const v = toWire ? obj[name] : obj[wire];
    if (v !== undefined) out[toWire ? wire : name] = convert(shapes, m, v, toWire);
  }
  return out;
}

/** A body member's value read from the wire (wire names → member names). */
export function fromWireNames(shapes: Shapes, member: Member, value: unknown): unknown {
  return convert(shapes, member, value, false);
}

/** A member's value as the wire names it. */
export function toWireNames(shapes: Shapes, member: Member, value: unknown): unknown {
  return convert(shapes, member, value, true);
}
