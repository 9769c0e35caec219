/** Random identifiers in AWS's shapes (AROA… role ids, ASIA… session keys). */
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function awsId(prefix: string, length = 21): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = out.length; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

export function secretKey(): string {
  return randomBytes(30).toString("base64");
}

export function sessionToken(): string {
  return "IQoJb3JpZ2luX2VjE" + randomBytes(96).toString("base64");
}
