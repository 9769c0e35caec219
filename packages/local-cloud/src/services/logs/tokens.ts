/**
 * Paging tokens of CloudWatch Logs. Event positions are (timestamp, id) pairs written
 * as one digit string, like AWS's 56-digit tokens: "f/…" pages forward, "b/…" back.
 * List tokens (DescribeLogGroups/Streams) are opaque offsets.
 */
import { AwsError } from "../../server/aws-error.js";
import type { EventCursor } from "./store.js";

const WIDTH = 20;

export function encodeCursor(c: EventCursor): string {
  return String(Math.max(0, c.timestamp)).padStart(WIDTH, "0") + String(Math.max(0, c.id)).padStart(WIDTH, "0");
}

export function decodeCursor(s: string): EventCursor | undefined {
  if (!/^\d{40}$/.test(s)) return undefined;
  return { timestamp: Number(s.slice(0, WIDTH)), id: Number(s.slice(WIDTH)) };
}

const invalidToken = () => new AwsError("InvalidParameterException", "The specified nextToken is invalid.", 400);

export function parseDirectionalToken(token: string): { forward: boolean; cursor: EventCursor } {
  const m = /^([fb])\/(\d{40})$/.exec(token);
  const cursor = m ? decodeCursor(m[2]) : undefined;
  if (!m || !cursor) throw invalidToken();
  return { forward: m[1] === "f", cursor };
}

export const forwardToken = (c: EventCursor) => `f/${encodeCursor(c)}`;
export const backwardToken = (c: EventCursor) => `b/${encodeCursor(c)}`;

export function encodeOffset(n: number): string {
  return Buffer.from(`o:${n}`).toString("base64url");
}

export function decodeOffset(token: string | undefined): number {
  if (token === undefined || token === null) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(String(token), "base64url").toString("utf8"));
  if (!m) throw invalidToken();
  return Number(m[1]);
}
