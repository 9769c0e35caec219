/**
 * IAM wildcard matching: `*` matches any run of characters (including none), `?`
 * exactly one. Used for Action (case-insensitive), Resource (case-sensitive) and the
 * *Like condition operators. Compiled patterns are cached because the same policy is
 * evaluated on every call a function makes.
 */
const cache = new Map<string, RegExp>();

function compile(pattern: string, ignoreCase: boolean): RegExp {
  const key = (ignoreCase ? "i:" : "s:") + pattern;
  let re = cache.get(key);
  if (!re) {
    let src = "";
    for (const ch of pattern) {
      if (ch === "*") src += "[\\s\\S]*";
      else if (ch === "?") src += "[\\s\\S]";
      else src += ch.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
    }
    re = new RegExp(`^${src}$`, ignoreCase ? "i" : "");
    if (cache.size > 5000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*") && !pattern.includes("?")) {
    return ignoreCase ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return compile(pattern, ignoreCase).test(value);
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
