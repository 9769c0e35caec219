/**
 * IAM wildcard matching: `*` matches any run of characters (including none), `?`
 * exactly one. Used for Action (case-insensitive), Resource (case-sensitive), the *Like
 * condition operators and bucket policies. Matched without backtracking (limits/glob.ts);
 * compiled patterns are cached because the same policy is evaluated on every call a
 * function makes.
 */
import { compileGlob, globMatches, type Glob } from "../limits/glob.js";

const cache = new Map<string, Glob>();

function compile(pattern: string, ignoreCase: boolean): Glob {
  const key = (ignoreCase ? "i:" : "s:") + pattern;
  let glob = cache.get(key);
  if (!glob) {
    glob = compileGlob(pattern, { questionMark: true, ignoreCase });
    if (cache.size > 5000) cache.clear();
    cache.set(key, glob);
  }
  return glob;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return globMatches(compile(pattern, ignoreCase), value);
}

/**
 * ArnLike / ArnEquals: AWS compares the six colon-separated ARN segments one by one, so
 * a wildcard never spans a colon before the resource part (the resource part itself,
 * segment six, may contain colons).
 */
export function arnMatch(pattern: string, arn: string, wildcards: boolean): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (pattern === "*" && wildcards) return true;
  // A pattern or value with fewer than six segments is not an ARN and matches nothing.
  if (!p || !a) return false;
  for (let i = 0; i < 6; i++) {
    if (wildcards ? !wildcardMatch(p[i], a[i]) : p[i] !== a[i]) return false;
  }
  return true;
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}
