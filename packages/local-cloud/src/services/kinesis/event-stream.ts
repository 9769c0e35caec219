/**
 * The binary event stream framing (application/vnd.amazon.eventstream) SubscribeToShard
 * answers in: each message is a prelude (total length, headers length, their CRC32),
 * string headers (`:message-type`, `:event-type`, `:content-type`), the payload, and a
 * CRC32 of all that came before.
 */
import { crc32 } from "node:zlib";

const STRING_HEADER = 7;

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = Buffer.from(name, "utf8");
    const valueBytes = Buffer.from(value, "utf8");
    const head = Buffer.alloc(1 + nameBytes.length + 1 + 2);
    head.writeUInt8(nameBytes.length, 0);
    nameBytes.copy(head, 1);
    head.writeUInt8(STRING_HEADER, 1 + nameBytes.length);
    head.writeUInt16BE(valueBytes.length, 2 + nameBytes.length);
    parts.push(head, valueBytes);
  }
  return Buffer.concat(parts);
}

export function encodeEventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const headerBytes = encodeHeaders(headers);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  payload.copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** An event of the stream: JSON payload, named by its type. */
export function jsonEvent(eventType: string, body: unknown): Buffer {
  return encodeEventMessage({ ":message-type": "event", ":event-type": eventType, ":content-type": "application/json" }, Buffer.from(JSON.stringify(body)));
}
