/**
 * The digests SQS returns with a message. The SDK recomputes them and rejects a
 * response that disagrees, so they must be bit-exact:
 * - MD5OfMessageBody: hex MD5 of the UTF-8 body;
 * - MD5OfMessageAttributes / MD5OfMessageSystemAttributes: attributes sorted by name,
 *   each encoded as length-prefixed name, length-prefixed data type, one transport
 *   byte (1 = string/number, 2 = binary) and the length-prefixed value; lengths are
 *   4-byte big-endian.
 */
import { createHash } from "node:crypto";

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export function md5Hex(data: string | Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([len, bytes]);
}

export function md5OfAttributes(attributes: Record<string, MessageAttributeValue>): string {
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const attr = attributes[name]!;
    parts.push(lengthPrefixed(Buffer.from(name, "utf8")));
    parts.push(lengthPrefixed(Buffer.from(attr.DataType, "utf8")));
    if (attr.DataType.startsWith("Binary")) {
      parts.push(Buffer.from([2]));
      parts.push(lengthPrefixed(Buffer.from(attr.BinaryValue ?? new Uint8Array())));
    } else {
      parts.push(Buffer.from([1]));
      parts.push(lengthPrefixed(Buffer.from(attr.StringValue ?? "", "utf8")));
    }
  }
  return md5Hex(Buffer.concat(parts));
}
