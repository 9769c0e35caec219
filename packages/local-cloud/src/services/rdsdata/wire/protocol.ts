/**
 * The few pieces of the Postgres frontend/backend protocol (v3) the wire server handles
 * itself rather than handing to PGlite: framing the client's byte stream into messages,
 * the startup packet, authentication and error messages, and finding the transaction
 * status in a backend answer's ReadyForQuery.
 */

export const PROTOCOL_V3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

/** One message: `type` is its first byte as a character ("" for the startup-phase packets that have none). */
export interface Message {
  type: string;
  /** The whole message as sent (type byte and length included). */
  bytes: Buffer;
  /** The payload after the length. */
  body: Buffer;
}

/**
 * Splits a client's byte stream into messages. Before authentication the client sends
 * untyped packets (startup, SSL/GSS/cancel requests); after it, typed ones.
 */
export class MessageReader {
  private pending: Buffer = Buffer.alloc(0);
  typed = false;

  push(chunk: Buffer): Message[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Message[] = [];
    for (;;) {
      const headerLength = this.typed ? 5 : 4;
      if (this.pending.length < headerLength) break;
      const length = this.pending.readInt32BE(this.typed ? 1 : 0);
      if (length < 4) throw new ProtocolViolation(`invalid message length ${length}`);
      const total = (this.typed ? 1 : 0) + length;
      if (this.pending.length < total) break;
      const bytes = this.pending.subarray(0, total);
      out.push({ type: this.typed ? String.fromCharCode(bytes[0]!) : "", bytes, body: bytes.subarray(headerLength) });
      this.pending = this.pending.subarray(total);
    }
    return out;
  }
}

export class ProtocolViolation extends Error {}

/** A backend message of `type` with `body`. */
export function frame(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, "latin1");
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}

export function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, "utf8"), Buffer.from([0])]);
}

/** Reads the NUL-terminated strings of a body from `offset`. */
export function readCStrings(body: Buffer, offset = 0): string[] {
  const out: string[] = [];
  while (offset < body.length) {
    const end = body.indexOf(0, offset);
    if (end < 0) break;
    out.push(body.toString("utf8", offset, end));
    offset = end + 1;
  }
  return out;
}

/** The startup packet's parameters (user, database, options, application_name …). */
export function startupParameters(body: Buffer): Map<string, string> {
  const words = readCStrings(body, 4);
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < words.length; i += 2) if (words[i]) params.set(words[i]!, words[i + 1]!);
  return params;
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** AuthenticationOk, AuthenticationSASL … (`R` with a code and its data). */
export function authentication(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  return frame("R", Buffer.concat([int32(code), data]));
}

export function parameterStatus(name: string, value: string): Buffer {
  return frame("S", Buffer.concat([cstring(name), cstring(value)]));
}

export function readyForQuery(status: "I" | "T" | "E"): Buffer {
  return frame("Z", Buffer.from(status, "latin1"));
}

/** An ErrorResponse with Postgres' fields: severity (S and V), SQLSTATE (C), message (M). */
export function errorResponse(severity: "ERROR" | "FATAL", code: string, message: string): Buffer {
  return frame("E", Buffer.concat([
    Buffer.from("S"), cstring(severity), Buffer.from("V"), cstring(severity), Buffer.from("C"), cstring(code), Buffer.from("M"), cstring(message), Buffer.from([0]),
  ]));
}

/**
 * The transaction status of the last ReadyForQuery in a backend answer ("I" idle, "T" in a
 * transaction, "E" in a failed one), or undefined when the answer has none (the client
 * has not sent Sync yet, or a COPY is under way).
 */
export function lastReadyStatus(answer: Uint8Array): "I" | "T" | "E" | undefined {
  let status: "I" | "T" | "E" | undefined;
  let i = 0;
  while (i + 5 <= answer.length) {
    const length = (answer[i + 1]! << 24) | (answer[i + 2]! << 16) | (answer[i + 3]! << 8) | answer[i + 4]!;
    if (answer[i] === 0x5a /* Z */ && i + 5 < answer.length) status = String.fromCharCode(answer[i + 5]!) as "I" | "T" | "E";
    i += 1 + length;
  }
  return status;
}
