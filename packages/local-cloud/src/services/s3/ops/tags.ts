/** Tag sets (bucket and object) and the x-amz-tagging header's query-string form. */
import { AwsError } from "../../../server/aws-error.js";
import type { Tag } from "../store.js";

export function validateTagSet(tagSet: unknown, max = 50): Tag[] {
  if (!Array.isArray(tagSet)) {
    throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  }
  if (tagSet.length > max) throw new AwsError("BadRequest", `Object tags cannot be greater than ${max}`, 400);
  const seen = new Set<string>();
  return tagSet.map((t: any) => {
    const Key = String(t?.Key ?? "");
    const Value = String(t?.Value ?? "");
    if (!Key || Key.length > 128) throw new AwsError("InvalidTag", "The TagKey you have provided is invalid", 400, { TagKey: Key });
    if (Value.length > 256) throw new AwsError("InvalidTag", "The TagValue you have provided is invalid", 400, { TagKey: Key, TagValue: Value });
    if (seen.has(Key)) throw new AwsError("InvalidTag", "Cannot provide multiple Tags with the same key", 400, { TagKey: Key });
    seen.add(Key);
    return { Key, Value };
  });
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL-encoded) → tags. */
export function parseTaggingHeader(value: string | undefined): Tag[] {
  if (!value) return [];
  const tags = [...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value }));
  return validateTagSet(tags, 10);
}
