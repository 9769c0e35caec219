/**
 * REST-JSON bodies name members by their `locationName` (API Gateway's `"protocolType"`
 * for the SDK's `ProtocolType`), at every depth, and write timestamps in the format
 * their shape names (API Gateway's are ISO 8601). These convert between the wire form
 * and the model's; a shape whose tree has neither is passed through.
 */
import { memberTraits, type Member } from "./model.js";
import { shapeTreeTest, type Shapes } from "./shapes.js";

import { timestampText } from "./xml-writer.js";

/** Whether anything under the shape is renamed on the wire or is an ISO 8601 timestamp. */
const renamesAnything = shapeTreeTest(
  (shape) => shape.type === "timestamp" && shape.timestampFormat === "iso8601",
  (name, traits) => (traits.locationName !== undefined && traits.locationName !== name && !traits.location) || traits.timestampFormat === "iso8601",
);

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
