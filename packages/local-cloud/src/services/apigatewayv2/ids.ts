/**
 * Resource identifiers in the shapes API Gateway uses: lowercase alphanumerics,
 * 10 characters for an API, 7 for its sub-resources (routes, integrations, ...).
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export function randomId(length: number): string {
  const bytes = randomBytes(length);
  let id = "";
  // 256 % 36 bias is irrelevant for identifiers; they only need to be unlikely to collide.
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

export const newApiId = (): string => randomId(10);
export const newSubId = (): string => randomId(7);

/** The request id HTTP APIs return in `apigw-requestid` and requestContext.requestId (e.g. "JKJaXmPLvHcESHA="). */
export function newGatewayRequestId(): string {
  return randomBytes(11).toString("base64").replace(/[+/]/g, "A").slice(0, 15) + "=";
}
