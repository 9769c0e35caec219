/** NextToken paging over name-sorted results; the token is opaque to clients. */
import { AwsError } from "../../server/aws-error.js";

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
