/** One page of a listing, and the opaque token of the next (the offset, base64url), as Cognito's List* operations page. */
export function page<T>(all: T[], limit: number, token: string | undefined): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, "base64url").toString()) || 0 : 0;
  const end = start + limit;
  return { items: all.slice(start, end), ...(end < all.length ? { next: Buffer.from(String(end)).toString("base64url") } : {}) };
}
