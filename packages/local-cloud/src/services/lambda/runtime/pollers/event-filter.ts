/**
 * Event filtering for event source mappings (FilterCriteria): the EventBridge pattern
 * language applied to each record. A record passes when any filter matches. Records
 * that match no filter are dropped (for SQS: deleted), as Lambda does.
 */
import { globMatch } from "../../../../limits/glob.js";

type Matcher = unknown;

export function compileFilters(criteria: { Filters?: { Pattern: string }[] } | undefined): ((record: unknown) => boolean) | undefined {
  const patterns = (criteria?.Filters ?? []).map((f) => {
    try {
      return JSON.parse(f.Pattern) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  });
  const valid = patterns.filter((p): p is Record<string, unknown> => !!p && typeof p === "object");
  if (valid.length === 0) return undefined;
  return (record) => valid.some((p) => matchesPattern(p, record));
}

export function matchesPattern(pattern: Record<string, unknown>, value: unknown): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === "$or") {
      if (!Array.isArray(expected) || !expected.some((alt) => matchesPattern(alt as Record<string, unknown>, value))) return false;
      continue;
    }
    const actual = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) {
      if (!expected.some((m) => matchesValue(m, actual))) return false;
    } else if (expected !== null && typeof expected === "object") {
      if (actual === null || typeof actual !== "object") return false;
      if (!matchesPattern(expected as Record<string, unknown>, actual)) return false;
    } else {
      return false; // patterns hold arrays or objects only
    }
  }
  return true;
}

/** One matcher against a field; array fields match when any element does. */
function matchesValue(matcher: Matcher, actual: unknown): boolean {
  if (matcher !== null && typeof matcher === "object" && !Array.isArray(matcher)) {
    const [op, arg] = Object.entries(matcher as Record<string, unknown>)[0] ?? [];
    if (op === "exists") return arg ? actual !== undefined : actual === undefined;
    if (actual === undefined) return false;
    if (Array.isArray(actual)) return actual.some((a) => matchesOperator(op, arg, a));
    return matchesOperator(op, arg, actual);
  }
  if (Array.isArray(actual)) return actual.some((a) => a === matcher);
  return actual === matcher;
}

function matchesOperator(op: string | undefined, arg: unknown, actual: unknown): boolean {
  switch (op) {
    case "prefix":
      return typeof actual === "string" && typeof arg === "string" && actual.startsWith(arg);
    case "suffix":
      return typeof actual === "string" && typeof arg === "string" && actual.endsWith(arg);
    case "equals-ignore-case":
      return typeof actual === "string" && typeof arg === "string" && actual.toLowerCase() === arg.toLowerCase();
    case "wildcard":
      return typeof actual === "string" && typeof arg === "string" && globMatch(arg, actual);
    case "anything-but": {
      if (arg !== null && typeof arg === "object" && !Array.isArray(arg)) {
        const [innerOp, innerArg] = Object.entries(arg as Record<string, unknown>)[0] ?? [];
        return !matchesOperator(innerOp, innerArg, actual);
      }
      const excluded = Array.isArray(arg) ? arg : [arg];
      return !excluded.includes(actual);
    }
    case "numeric":
      return typeof actual === "number" && Array.isArray(arg) && numeric(arg, actual);
    default:
      return false;
  }
}

function numeric(conds: unknown[], n: number): boolean {
  for (let i = 0; i + 1 < conds.length; i += 2) {
    const op = conds[i];
    const v = Number(conds[i + 1]);
    const ok = op === "=" ? n === v : op === ">" ? n > v : op === ">=" ? n >= v : op === "<" ? n < v : op === "<=" ? n <= v : false;
    if (!ok) return false;
  }
  return true;
}

