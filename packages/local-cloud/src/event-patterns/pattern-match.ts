/**
 * EventBridge content filtering: does an event (a JSON object) match an event pattern?
 * SNS filter policies use the same language (services/sns/filter-policy.ts adapts
 * message attributes to it), so both services share this one matcher.
 *
 * Rules, as documented for EventBridge:
 * - every key of the pattern must match (AND); `$or` holds alternative sub-patterns;
 * - an object value descends into the event's field; an array value lists matchers,
 *   of which one must match (OR);
 * - an event value that is an array matches when any of its elements matches;
 * - matchers: exact values (string, number compared numerically, null, boolean),
 *   prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists, cidr.
 */

import { compileGlob, globMatches, type Glob } from "../limits/glob.js";
import { jsonNestsDeeperThan } from "../limits/json-depth.js";

export type Pattern = Record<string, unknown>;

/** EventBridge's documented maximum length of an EventPattern. */
export const MAX_PATTERN_LENGTH = 4096;
/** Patterns nest no deeper than this (the matcher and validator recurse once per level). */
export const MAX_PATTERN_DEPTH = 100;

/**
 * Parses and checks a pattern's JSON text (PutRule, TestEventPattern; SNS filter policies
 * without the length limit): the pattern, or the problem AWS would report.
 */
export function parsePatternText(text: string, opts: { maxLength?: number } = {}): { pattern: Pattern } | { problem: string; unparsable?: true } {
  if (opts.maxLength !== undefined && text.length > opts.maxLength) return { problem: `Event pattern is longer than ${opts.maxLength} characters` };
  if (jsonNestsDeeperThan(text, MAX_PATTERN_DEPTH)) return { problem: `Event pattern is nested more than ${MAX_PATTERN_DEPTH} levels deep` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: "Filter is not an object", unparsable: true };
  }
  const problem = validatePattern(parsed);
  return problem ? { problem } : { pattern: parsed as Pattern };
}

const MISSING = Symbol("missing");

/** True when `event` matches `pattern`. Throws on a malformed pattern (see validatePattern). */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(expected) || !expected.some((alt) => matchesPattern(alt as Pattern, event))) return false;
      continue;
    }
    const actual = event !== null && typeof event === "object" && !Array.isArray(event) && key in event ? (event as Record<string, unknown>)[key] : MISSING;
    if (Array.isArray(expected)) {
      if (!matchesList(expected, actual)) return false;
    } else if (expected !== null && typeof expected === "object") {
      if (actual === MISSING) return false;
      const objects = Array.isArray(actual) ? actual : [actual];
      if (!objects.some((o) => matchesPattern(expected as Pattern, o))) return false;
    } else {
      throw new Error(`Event pattern is not valid: the value of "${key}" must be an object or an array`);
    }
  }
  return true;
}

/** One of the matchers in `list` matches the event value (or one of its elements). */
function matchesList(list: unknown[], actual: unknown): boolean {
  const values = actual === MISSING ? [] : Array.isArray(actual) ? actual : [actual];
  for (const matcher of list) {
    if (matcher !== null && typeof matcher === "object" && "exists" in (matcher as object)) {
      // exists: true wants a leaf value; exists: false wants the field absent.
      const present = actual !== MISSING && !(actual !== null && typeof actual === "object" && !Array.isArray(actual));
      if ((matcher as any).exists === present) return true;
      continue;
    }
    if (values.some((v) => matchesOne(matcher, v))) return true;
  }
  return false;
}

function matchesOne(matcher: unknown, value: unknown): boolean {
  if (matcher === null || typeof matcher !== "object") return equalValues(matcher, value);
  const m = matcher as Record<string, any>;
  if ("prefix" in m) return stringTest(m.prefix, value, (v, p) => v.startsWith(p));
  if ("suffix" in m) return stringTest(m.suffix, value, (v, s) => v.endsWith(s));
  if ("equals-ignore-case" in m) return typeof value === "string" && value.toLowerCase() === String(m["equals-ignore-case"]).toLowerCase();
  if ("wildcard" in m) return typeof value === "string" && globMatches(wildcardGlob(String(m.wildcard)), value);
  if ("numeric" in m) return typeof value === "number" && numericMatch(m.numeric, value);
  if ("cidr" in m) return typeof value === "string" && cidrMatch(String(m.cidr), value);
  if ("anything-but" in m) return anythingBut(m["anything-but"], value);
  throw new Error(`Event pattern is not valid: unknown matcher ${JSON.stringify(matcher)}`);
}

function equalValues(expected: unknown, value: unknown): boolean {
  if (typeof expected === "number" && typeof value === "number") return expected === value;
  return expected === value;
}

/** prefix/suffix take a string or `{ "equals-ignore-case": string }`. */
function stringTest(arg: unknown, value: unknown, test: (v: string, a: string) => boolean): boolean {
  if (typeof value !== "string") return false;
  if (arg !== null && typeof arg === "object" && "equals-ignore-case" in arg) {
    return test(value.toLowerCase(), String((arg as any)["equals-ignore-case"]).toLowerCase());
  }
  return test(value, String(arg));
}

function anythingBut(arg: unknown, value: unknown): boolean {
  if (Array.isArray(arg)) return !arg.some((a) => equalValues(a, value));
  if (arg !== null && typeof arg === "object") {
    // anything-but with a nested matcher (prefix, suffix, equals-ignore-case, wildcard)
    const inner = arg as Record<string, unknown>;
    if ("equals-ignore-case" in inner) {
      const list = Array.isArray(inner["equals-ignore-case"]) ? inner["equals-ignore-case"] : [inner["equals-ignore-case"]];
      return typeof value === "string" && !list.some((s) => String(s).toLowerCase() === value.toLowerCase());
    }
    if ("wildcard" in inner) {
      const list = Array.isArray(inner.wildcard) ? inner.wildcard : [inner.wildcard];
      return typeof value === "string" && !list.some((w) => globMatches(wildcardGlob(String(w)), value));
    }
    return typeof value === "string" && !matchesOne(arg, value);
  }
  return !equalValues(arg, value);
}

const wildcardCache = new Map<string, Glob>();
/** `*` matches any run of characters, `\*` is a literal star; matched without backtracking (limits/glob.ts). */
function wildcardGlob(pattern: string): Glob {
  let glob = wildcardCache.get(pattern);
  if (!glob) {
    glob = compileGlob(pattern, { escapes: true });
    if (wildcardCache.size > 5000) wildcardCache.clear();
    wildcardCache.set(pattern, glob);
  }
  return glob;
}

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  "=": (a, b) => a === b, "<": (a, b) => a < b, "<=": (a, b) => a <= b, ">": (a, b) => a > b, ">=": (a, b) => a >= b,
};

/** `[">", 0, "<=", 5]`: every comparison must hold. */
function numericMatch(spec: unknown, value: number): boolean {
  if (!Array.isArray(spec) || spec.length === 0 || spec.length % 2 !== 0) throw new Error("Event pattern is not valid: numeric needs operator/value pairs");
  for (let i = 0; i < spec.length; i += 2) {
    if (!NUMERIC_OPS[spec[i]] || typeof spec[i + 1] !== "number") throw new Error(`Event pattern is not valid: bad numeric comparison ${JSON.stringify(spec.slice(i, i + 2))}`);
  }
  for (let i = 0; i < spec.length; i += 2) if (!NUMERIC_OPS[spec[i]]!(value, spec[i + 1])) return false;
  return true;
}

/** IPv4 CIDR blocks ("10.0.0.0/24"). */
function cidrMatch(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const toInt = (s: string) => {
    const parts = s.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
    return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  };
  const a = toInt(base ?? ""), b = toInt(ip);
  const bits = Number(bitsText ?? 32);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

/**
 * Checks a pattern's structure so PutRule / SetSubscriptionAttributes refuse a bad one
 * up front (AWS answers InvalidEventPatternException / InvalidParameter); returns the
 * problem, or undefined when the pattern is usable.
 */
export function validatePattern(pattern: unknown): string | undefined {
  if (pattern === null || typeof pattern !== "object" || Array.isArray(pattern)) return "the pattern must be a JSON object";
  for (const [key, value] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2) return "$or needs an array of at least two patterns";
      for (const alt of value) {
        const p = validatePattern(alt);
        if (p) return p;
      }
      continue;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return `the array of "${key}" must not be empty`;
      for (const m of value) {
        if (m !== null && typeof m === "object") {
          const keys = Object.keys(m);
          if (keys.length !== 1) return `a matcher of "${key}" must have exactly one key`;
          const k = keys[0]!;
          if (!["prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr"].includes(k)) return `unrecognized match type ${k}`;
          if (k === "numeric") {
            try {
              numericMatch((m as any).numeric, 0);
            } catch (e) {
              return (e as Error).message;
            }
          }
          if (k === "exists" && typeof (m as any).exists !== "boolean") return "exists match pattern must be either true or false";
        }
      }
    } else if (value !== null && typeof value === "object") {
      const p = validatePattern(value);
      if (p) return p;
    } else {
      return `the value of "${key}" must be an object or an array`;
    }
  }
  return undefined;
}
