/** MaxResults/NextToken paging of the Get* list operations; the token is an opaque offset. */
import { badRequest } from "./errors.js";

export function paginate<T>(items: T[], maxResults: unknown, nextToken: unknown): { Items: T[]; NextToken?: string } {
  let start = 0;
  if (nextToken != null && nextToken !== "") {
    const decoded = Buffer.from(String(nextToken), "base64url").toString("utf8");
    if (!/^\d+$/.test(decoded)) throw badRequest("Invalid pagination token");
    start = Number(decoded);
  }
  let limit = items.length;
  if (maxResults != null && maxResults !== "") {
    limit = Number(maxResults);
    if (!Number.isInteger(limit) || limit < 1) throw badRequest("MaxResults must be a positive integer");
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return end < items.length ? { Items: page, NextToken: Buffer.from(String(end)).toString("base64url") } : { Items: page };
}
