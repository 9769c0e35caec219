/**
 * CloudFront path patterns: `*` matches any run of characters (slashes included), `?`
 * exactly one; matching is case-sensitive and anchored at both ends; the leading `/`
 * of a pattern is optional.
 */
const cache = new Map<string, RegExp>();

export function pathPatternRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const normalized = pattern.startsWith("/") ? pattern : `/${pattern}`;
    const body = normalized.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

export function matchesPathPattern(pattern: string, path: string): boolean {
  return pathPatternRegex(pattern).test(path);
}
