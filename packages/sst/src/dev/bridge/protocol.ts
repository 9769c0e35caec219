/**
 * The Live Lambda wire format over SQS, shared by the stub (bundled into it) and
 * `sst dev`. A message is a *frame*: a JSON header line, a newline, and a body (the
 * event or the result, as JSON text, never re-encoded). A frame larger than one SQS
 * message is cut into parts at UTF-8 character boundaries; each part travels as its
 * own message with attributes saying whose part it is, so parts may arrive in any
 * order, in any number of receives, even twice (SQS delivers at least once).
 */

/**
 * Bytes of frame text per SQS message: SQS takes 256 KiB per message (the body and its
 * attributes together); this leaves room for the attributes and stays within the
 * limit in every region, whatever a queue's own MaximumMessageSize says.
 */
export const PART_BYTES = 240 * 1024;

export type FrameKind = "request" | "reply";

/** What a stub sends: where to answer, and the invocation as the Lambda service gave it. */
export interface RequestHeader {
  v: 1;
  kind: "request";
  /** The stub's awsRequestId: one invocation, whatever the number of deliveries. */
  id: string;
  /** The stub's own reply queue URL. */
  replyTo: string;
  /** Epoch ms at which the real invocation times out; work later than that is pointless. */
  deadline: number;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: number;
  /** The execution environment's variables: the function's own, its role credentials, region, … */
  env: Record<string, string>;
  clientContext?: unknown;
  identity?: unknown;
}

export interface ReplyHeader {
  v: 1;
  kind: "reply";
  id: string;
  status: "success" | "error" | "timeout";
  /** For errors and timeouts: what the handler threw, as the Lambda runtime reports it. */
  error?: { errorType: string; errorMessage: string; trace?: string[] };
}

export type Header = RequestHeader | ReplyHeader;

export interface Frame<H extends Header = Header> {
  header: H;
  /** JSON text: the event of a request, the result of a successful reply ("" otherwise). */
  body: string;
}

/** SQS accepts only XML characters in a body; JSON text can hold U+FFFE/U+FFFF raw, but only inside strings, where an escape means the same. */
function sqsSafe(text: string): string {
  return /[\uFFFE\uFFFF]/.test(text) ? text.replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`) : text;
}

export function encodeFrame(frame: Frame): string {
  return `${JSON.stringify(frame.header)}\n${sqsSafe(frame.body)}`;
}

export function decodeFrame(text: string): Frame {
  const nl = text.indexOf("\n");
  if (nl < 0) throw new Error("Live Lambda frame without a header line");
  const header = JSON.parse(text.slice(0, nl)) as Header;
  if (header?.v !== 1 || (header.kind !== "request" && header.kind !== "reply") || typeof header.id !== "string")
    throw new Error("Not a Live Lambda frame (version 1)");
  return { header, body: text.slice(nl + 1) };
}

/** Cuts text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character. */
export function splitUtf8(text: string, maxBytes = PART_BYTES): string[] {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    // Back up over continuation bytes (10xxxxxx) so the cut falls between characters.
    while (end < bytes.length && end > start && (bytes[end] & 0xc0) === 0x80) end--;
    parts.push(bytes.toString("utf8", start, end));
    start = end;
  }
  return parts;
}

/** The SQS SendMessage inputs (without QueueUrl) that carry a frame. */
export function frameMessages(frame: Frame, maxBytes = PART_BYTES): { MessageBody: string; MessageAttributes: Record<string, { DataType: string; StringValue: string }> }[] {
  const parts = splitUtf8(encodeFrame(frame), maxBytes);
  return parts.map((MessageBody, i) => ({
    MessageBody,
    MessageAttributes: {
      "sst.id": { DataType: "String", StringValue: frame.header.id },
      "sst.kind": { DataType: "String", StringValue: frame.header.kind },
      "sst.part": { DataType: "Number", StringValue: String(i) },
      "sst.parts": { DataType: "Number", StringValue: String(parts.length) },
    },
  }));
}

/** A received message's place in its frame, or undefined for a message that is no part of one. */
export interface Part {
  id: string;
  kind: FrameKind;
  index: number;
  count: number;
  text: string;
}

export function partOf(message: { Body?: string; MessageAttributes?: Record<string, { StringValue?: string }> }): Part | undefined {
  const a = message.MessageAttributes ?? {};
  const id = a["sst.id"]?.StringValue;
  const kind = a["sst.kind"]?.StringValue;
  const index = Number(a["sst.part"]?.StringValue);
  const count = Number(a["sst.parts"]?.StringValue);
  if (!id || (kind !== "request" && kind !== "reply") || !Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) return undefined;
  return { id, kind, index, count, text: message.Body ?? "" };
}

/**
 * Collects parts until a frame is whole. Duplicates (a redelivery) are ignored; a
 * frame never completed is dropped after `ttlMs`, so a lost part costs memory only
 * for a while.
 */
export class Reassembler {
  private readonly pending = new Map<string, { parts: (string | undefined)[]; have: number; since: number }>();

  constructor(private readonly ttlMs = 15 * 60_000) {}

  /** The whole frame text once its last part arrives, else undefined. */
  add(part: Part, now = Date.now()): string | undefined {
    this.expire(now);
    if (part.count === 1) return part.text;
    const key = `${part.kind}:${part.id}`;
    let entry = this.pending.get(key);
    if (!entry || entry.parts.length !== part.count) {
      entry = { parts: new Array(part.count), have: 0, since: now };
      this.pending.set(key, entry);
    }
    if (entry.parts[part.index] === undefined) {
      entry.parts[part.index] = part.text;
      entry.have++;
    }
    if (entry.have < part.count) return undefined;
    this.pending.delete(key);
    return entry.parts.join("");
  }

  get size(): number {
    return this.pending.size;
  }

  private expire(now: number): void {
    for (const [key, entry] of this.pending) if (now - entry.since > this.ttlMs) this.pending.delete(key);
  }
}
