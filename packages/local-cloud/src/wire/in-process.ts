/**
 * In-process callers pass what the AWS SDK takes (bytes as Uint8Array); over the wire
 * those bytes arrive base64-encoded inside a JSON or query document. This gives
 * implementations one form: blobs inside documents become base64 text, as the codecs
 * deliver them; a payload blob (the whole body: a Lambda payload, an S3 object) stays
 * bytes. Only the paths that can hold a blob are copied.
 */
import { memberTraits, type StructureShape } from "./model.js";
import { shapeTreeTest, type Shapes } from "./shapes.js";

const mayHoldBlob = shapeTreeTest((shape) => shape.type === "blob");

/** A structure's members that may hold a blob: [member, its shape, whether it is the payload]. */
type BlobMember = readonly [member: string, shape: string, isPayload: boolean];
const blobMembersByShapes = new WeakMap<Shapes, Map<string, readonly BlobMember[]>>();

function blobMembers(shapes: Shapes, name: string, shape: StructureShape): readonly BlobMember[] {
  let byName = blobMembersByShapes.get(shapes);
  if (!byName) blobMembersByShapes.set(shapes, (byName = new Map()));
  let list = byName.get(name);
  if (!list) {
    list = Object.entries(shape.members)
      .map(([member, def]): BlobMember => [member, memberTraits(def).shape, shape.payload === member])
      .filter(([, memberShape]) => mayHoldBlob(shapes, memberShape));
    byName.set(name, list);
  }
  return list;
}

function convert(shapes: Shapes, name: string, value: unknown, isPayload: boolean): unknown {
  if (value === null || value === undefined || !mayHoldBlob(shapes, name)) return value;
  const shape = shapes.get(name);
  switch (shape.type) {
    case "blob":
      if (isPayload || !(value instanceof Uint8Array)) return value;
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    case "list":
      return Array.isArray(value) ? value.map((v) => convert(shapes, memberTraits(shape.member).shape, v, false)) : value;
    case "map": {
      if (typeof value !== "object" || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = convert(shapes, memberTraits(shape.value).shape, v, false);
      return out;
    }
    case "structure": {
      if (typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) return value;
      // Copied only when a member changes (a Lambda payload, an S3 body stay as they are).
      let out: Record<string, unknown> | undefined;
      for (const [member, memberShape, isPayload] of blobMembers(shapes, name, shape)) {
        const v = (value as Record<string, unknown>)[member];
        if (v === undefined) continue;
        const converted = convert(shapes, memberShape, v, isPayload);
        if (converted !== v) (out ??= { ...(value as Record<string, unknown>) })[member] = converted;
      }
      return out ?? value;
    }
    default:
      return value;
  }
}

/** The input with its document blobs as base64 text (the input itself when it holds none). */
export function inProcessBlobs(shapes: Shapes, inputShape: string, input: Record<string, any>): Record<string, any> {
  return convert(shapes, inputShape, input, false) as Record<string, any>;
}
