/**
 * Message attributes on send (validation, size) and on receive (which ones the
 * request asked for, their digest).
 */
import { invalidParameterValue } from "./errors.js";
import { md5OfAttributes, type MessageAttributeValue } from "./md5.js";

export type StoredAttributes = Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;

function toBytes(v: unknown): Buffer | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return Buffer.from(v, "base64");
  if (v instanceof Uint8Array) return Buffer.from(v);
  return undefined;
}

/**
 * Validates `MessageAttributes` (or `MessageSystemAttributes`, kind "system") and
 * returns them ready to store and digest, with their size in bytes.
 */
export function validateMessageAttributes(
  input: unknown,
  kind: "user" | "system" = "user",
): { stored: StoredAttributes; values: Record<string, MessageAttributeValue>; size: number } {
  const stored: StoredAttributes = {};
  const values: Record<string, MessageAttributeValue> = {};
  let size = 0;
  if (input === undefined || input === null) return { stored, values, size };
  if (typeof input !== "object") throw invalidParameterValue(`The message ${kind} attributes are invalid.`);
  const entries = Object.entries(input as Record<string, any>);
  if (kind === "user" && entries.length > 10) throw invalidParameterValue(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  for (const [name, attr] of entries) {
    if (kind === "system" && name !== "AWSTraceHeader") {
      throw invalidParameterValue(`Message system attribute name '${name}' is invalid.`);
    }
    if (kind === "user") {
      if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
        throw invalidParameterValue(`Message (user) attribute name '${name}' is invalid. Can only include alphanumeric characters, hyphens, underscores, or periods. Cannot start or end with a period or have two consecutive periods. Limited to 256 characters.`);
      }
      if (/^(aws\.|amazon\.)/i.test(name)) {
        throw invalidParameterValue(`You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use by Amazon SQS.`);
      }
    }
    const dataType = attr?.DataType;
    if (typeof dataType !== "string" || dataType === "") {
      throw invalidParameterValue(`The message ${kind === "user" ? "(user)" : "system"} attribute '${name}' must contain a non-empty message attribute type.`);
    }
    const base = dataType.split(".")[0];
    if (base !== "String" && base !== "Number" && base !== "Binary") {
      throw invalidParameterValue(`The type of message ${kind === "user" ? "(user)" : "system"} attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
    }
    if (base === "Binary") {
      const bytes = toBytes(attr.BinaryValue);
      if (!bytes || bytes.length === 0) {
        throw invalidParameterValue(`The message ${kind === "user" ? "(user)" : "system"} attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      stored[name] = { DataType: dataType, BinaryValue: bytes.toString("base64") };
      values[name] = { DataType: dataType, BinaryValue: bytes };
      size += bytes.length;
    } else {
      const s = attr.StringValue;
      if (typeof s !== "string" || s === "") {
        throw invalidParameterValue(`The message ${kind === "user" ? "(user)" : "system"} attribute '${name}' must contain a non-empty value of type '${base}'.`);
      }
      if (base === "Number" && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim())) {
        throw invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      stored[name] = { DataType: dataType, StringValue: s };
      values[name] = { DataType: dataType, StringValue: s };
      size += Buffer.byteLength(s);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(dataType);
  }
  return { stored, values, size };
}

/** The attributes a ReceiveMessage asked for: "All", ".*", "prefix.*" or exact names. */
export function selectAttributes(stored: StoredAttributes, requested: string[] | undefined): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  if (!requested || requested.length === 0) return out;
  const all = requested.some((r) => r === "All" || r === ".*");
  for (const [name, attr] of Object.entries(stored)) {
    const wanted =
      all || requested.some((r) => (r.endsWith(".*") ? name.startsWith(r.slice(0, -1)) : r === name));
    if (!wanted) continue;
    out[name] = attr.BinaryValue !== undefined
      ? { DataType: attr.DataType, BinaryValue: Buffer.from(attr.BinaryValue, "base64") }
      : { DataType: attr.DataType, StringValue: attr.StringValue };
  }
  return out;
}

export function digestOrUndefined(values: Record<string, MessageAttributeValue>): string | undefined {
  return Object.keys(values).length > 0 ? md5OfAttributes(values) : undefined;
}
