/** NextToken paging over name-sorted results; the token is opaque to clients. */
import { AwsError } from "../../server/aws-error.js";

export function checkMaxResults(value: unknown, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new AwsError("ValidationException", `1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`, 400);
  }
  if (n > max) {
    throw new AwsError("ValidationException", `1 validation error detected: Value '${n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`, 400);
  }
  return n;
}

export function pageByName<T>(items: T[], key: (t: T) => string, maxResults: number, nextToken: unknown): { items: T[]; NextToken?: string } {
  let start = 0;
  if (nextToken !== undefined && nextToken !== null && nextToken !== "") {
    let after: string;
    try {
      after = JSON.parse(Buffer.from(String(nextToken), "base64url").toString("utf8")).after;
      if (typeof after !== "string") throw new Error();
    } catch {
      throw new AwsError("InvalidNextToken", "The specified token isn't valid.", 400);
    }
    start = items.findIndex((t) => key(t) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + maxResults);
  const more = start + maxResults < items.length;
  return { items: slice, ...(more ? { NextToken: Buffer.from(JSON.stringify({ after: key(slice[slice.length - 1]!) })).toString("base64url") } : {}) };
}
