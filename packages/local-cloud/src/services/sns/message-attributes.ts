/**
 * Message attributes as Publish takes them ({ DataType, StringValue | BinaryValue }),
 * checked the way SNS checks them, and rendered for each kind of subscriber.
 */
import { AwsError } from "../../server/aws-error.js";
import { invalidParameter } from "./errors.js";

export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array | string;
}
export type MessageAttributes = Record<string, MessageAttribute>;

export function validateMessageAttributes(input: unknown): MessageAttributes {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object") throw invalidParameter("MessageAttributes must be a map");
  const out: MessageAttributes = {};
  const entries = Object.entries(input as Record<string, any>);
  if (entries.length > 10) throw invalidParameter("MessageAttributes: a message can have at most 10 attributes");
  for (const [name, a] of entries) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || name.startsWith("AWS.") || name.startsWith("Amazon.")) {
      throw invalidParameter(`Message attribute name '${name}' is not valid`);
    }
    const type = a?.DataType;
    if (typeof type !== "string" || !/^(String|Number|Binary)(\..+)?$/.test(type)) {
      throw paramInvalid(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (type.startsWith("Binary")) {
      if (a.BinaryValue === undefined) throw paramInvalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      out[name] = { DataType: type, BinaryValue: a.BinaryValue };
      continue;
    }
    if (typeof a.StringValue !== "string") throw paramInvalid(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    if (type.startsWith("Number") && !Number.isFinite(Number(a.StringValue))) {
      throw paramInvalid(`Could not cast message attribute '${name}' value to number.`);
    }
    if (type === "String.Array") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(a.StringValue);
      } catch {
        parsed = undefined;
      }
      if (!Array.isArray(parsed)) throw paramInvalid(`The message attribute '${name}' with type 'String.Array' has an invalid value: not a JSON array`);
    }
    out[name] = { DataType: type, StringValue: a.StringValue };
  }
  return out;
}

const paramInvalid = (message: string) => new AwsError("ParameterValueInvalid", message, 400);

const base64 = (v: Uint8Array | string | undefined) => (v === undefined ? "" : typeof v === "string" ? v : Buffer.from(v).toString("base64"));

/** `{ name: { Type, Value } }`, the shape in JSON envelopes and Lambda events. */
export function envelopeAttributes(attrs: MessageAttributes): Record<string, { Type: string; Value: string }> {
  const out: Record<string, { Type: string; Value: string }> = {};
  for (const [name, a] of Object.entries(attrs)) {
    out[name] = { Type: a.DataType, Value: a.DataType.startsWith("Binary") ? base64(a.BinaryValue) : a.StringValue ?? "" };
  }
  return out;
}

/** SQS attribute shapes for raw delivery (SQS has no String.Array: it travels as String). */
export function sqsAttributes(attrs: MessageAttributes): Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> {
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> = {};
  for (const [name, a] of Object.entries(attrs)) {
    if (a.DataType.startsWith("Binary")) {
      out[name] = { DataType: "Binary", BinaryValue: typeof a.BinaryValue === "string" ? Buffer.from(a.BinaryValue, "base64") : Buffer.from(a.BinaryValue ?? []) };
    } else {
      out[name] = { DataType: a.DataType === "String.Array" ? "String" : a.DataType, StringValue: a.StringValue };
    }
  }
  return out;
}
