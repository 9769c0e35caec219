/**
 * Values a flow keeps in the browser without letting it read or change them (the code
 * of a CodeAdapter sign-in): AES-256-GCM under a key derived from the Auth construct's
 * private key. GCM authenticates, so a changed cookie fails to open instead of
 * decrypting to something else (SST v2's future auth used unauthenticated CBC).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyFor(secret: string, purpose: string): Buffer {
  return createHash("sha256").update(purpose).update("\0").update(secret).digest();
}

/** `value` as base64url text only `open` with the same secret and purpose can read. */
export function seal(secret: string, purpose: string, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secret, purpose), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
}

/** The sealed value, or undefined when the text was changed, truncated or sealed for something else. */
export function open<T = unknown>(secret: string, purpose: string, sealed: string): T | undefined {
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(secret, purpose), raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
