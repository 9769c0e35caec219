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

/**
 * Request ids are unique, not secret: random bytes drawn a few thousand at a time (one
 * system call, not one per request), 11 per id.
 */
const POOL_IDS = 4096;
let pool = Buffer.alloc(0);
let next = POOL_IDS;

/** The request id HTTP APIs return in `apigw-requestid` and requestContext.requestId (e.g. "JKJaXmPLvHcESHA="). */
export function newGatewayRequestId(): string {
  if (next === POOL_IDS) {
    pool = randomBytes(POOL_IDS * 11);
    next = 0;
  }
  const start = next++ * 11;
  // 11 bytes are 15 base64 characters and a pad; '+' and '/' would read badly in logs and URLs.
  return pool.toString("base64", start, start + 11).replace(/[+/]/g, "A");
}
