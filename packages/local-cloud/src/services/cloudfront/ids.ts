/** Identifiers in CloudFront's formats. */
import { randomBytes, randomUUID } from "node:crypto";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function upper(n: number): string {
  return [...randomBytes(n)].map((b) => UPPER[b % UPPER.length]).join("");
}

/** Distribution ids: "E" and 13 more (E2QWRUHAPOMQZL). */
export const distributionId = () => `E${upper(13)}`;
/** Invalidation ids: "I" and 25 more. */
export const invalidationId = () => `I${upper(25)}`;
/** Origin access identity ids: "E" and 13 more; origin access control ids the same. */
export const accessIdentityId = () => `E${upper(13)}`;
/** Policy ids are UUIDs. */
export const policyId = () => randomUUID();
/** ETags are opaque version tokens. */
export const etag = () => `E${upper(13)}`;
/** An S3 canonical user id: 64 bytes of hex. */
export const canonicalUserId = () => randomBytes(48).toString("hex");
