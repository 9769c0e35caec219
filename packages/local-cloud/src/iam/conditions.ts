/**
 * The Condition element of an IAM policy statement.
 *
 * Semantics (AWS "IAM JSON policy elements: Condition operators"):
 * - every operator in the block must hold, and every key under an operator (AND);
 * - several values for one key: the key matches if it matches any of them (OR); for
 *   a negated operator (StringNotEquals…) the key must match none of them;
 * - a key missing from the request context: positive operators are false, negated
 *   operators are true, `…IfExists` is true, `Null: true` is true;
 * - `ForAnyValue:` holds if some request value satisfies the operator, `ForAllValues:`
 *   if every request value does (vacuously true when the key is absent).
 * Context keys are case-insensitive; values keep their case unless the operator says so.
 */
import { arnMatch, wildcardMatch } from "./wildcard.js";

export type ConditionContext = Record<string, string | string[] | undefined>;
export type ConditionBlock = Record<string, Record<string, unknown>>;

type Comparator = (requestValue: string, policyValue: string) => boolean;

interface OperatorSpec {
  compare: Comparator;
  /** Negated operators hold when no policy value matches. */
  negated: boolean;
}

function num(s: string): number {
  return s.trim() === "" ? NaN : Number(s);
}
function date(s: string): number {
  // Dates may be ISO 8601 or epoch seconds.
  return /^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s);
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}
function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined) return ip === cidr;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

const positive = (compare: Comparator): OperatorSpec => ({ compare, negated: false });
const negative = (compare: Comparator): OperatorSpec => ({ compare, negated: true });

const strEq: Comparator = (r, p) => r === p;
const strEqI: Comparator = (r, p) => r.toLowerCase() === p.toLowerCase();
const strLike: Comparator = (r, p) => wildcardMatch(p, r);
const numCmp = (f: (a: number, b: number) => boolean): Comparator => (r, p) => {
  const a = num(r);
  const b = num(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
};
const dateCmp = (f: (a: number, b: number) => boolean): Comparator => (r, p) => {
  const a = date(r);
  const b = date(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
};

export const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: positive(strEq),
  StringNotEquals: negative(strEq),
  StringEqualsIgnoreCase: positive(strEqI),
  StringNotEqualsIgnoreCase: negative(strEqI),
  StringLike: positive(strLike),
  StringNotLike: negative(strLike),
  NumericEquals: positive(numCmp((a, b) => a === b)),
  NumericNotEquals: negative(numCmp((a, b) => a === b)),
  NumericLessThan: positive(numCmp((a, b) => a < b)),
  NumericLessThanEquals: positive(numCmp((a, b) => a <= b)),
  NumericGreaterThan: positive(numCmp((a, b) => a > b)),
  NumericGreaterThanEquals: positive(numCmp((a, b) => a >= b)),
  DateEquals: positive(dateCmp((a, b) => a === b)),
  DateNotEquals: negative(dateCmp((a, b) => a === b)),
  DateLessThan: positive(dateCmp((a, b) => a < b)),
  DateLessThanEquals: positive(dateCmp((a, b) => a <= b)),
  DateGreaterThan: positive(dateCmp((a, b) => a > b)),
  DateGreaterThanEquals: positive(dateCmp((a, b) => a >= b)),
  Bool: positive(strEqI),
  BinaryEquals: positive(strEq),
  IpAddress: positive((r, p) => ipInCidr(r, p)),
  NotIpAddress: negative((r, p) => ipInCidr(r, p)),
  ArnEquals: positive((r, p) => arnMatch(p, r, false)),
  ArnNotEquals: negative((r, p) => arnMatch(p, r, false)),
  ArnLike: positive((r, p) => arnMatch(p, r, true)),
  ArnNotLike: negative((r, p) => arnMatch(p, r, true)),
};

export interface ParsedOperator {
  base: string;
  ifExists: boolean;
  setOp?: "ForAnyValue" | "ForAllValues";
}

/** Splits "ForAllValues:StringLikeIfExists" into its parts; undefined if unknown. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let setOp: ParsedOperator["setOp"];
  const colon = rest.indexOf(":");
  if (colon >= 0) {
    const q = rest.slice(0, colon);
    if (q !== "ForAnyValue" && q !== "ForAllValues") return undefined;
    setOp = q;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.endsWith("IfExists") && rest !== "IfExists") {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  if (rest !== "Null" && !OPERATORS[rest]) return undefined;
  if (rest === "Null" && (ifExists || setOp)) return undefined;
  return { base: rest, ifExists, setOp };
}

function toStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (v === undefined || v === null) return [];
  return [String(v)];
}

/** Case-insensitive context lookup, as AWS treats condition key names. */
export function lookupKey(context: ConditionContext, key: string): string[] | undefined {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) {
    if (k.toLowerCase() === lower && v !== undefined) return toStrings(v);
  }
  return undefined;
}

/** Replaces `${aws:username}`-style policy variables from the context. */
export function substituteVariables(text: string, context: ConditionContext): string {
  if (!text.includes("${")) return text;
  return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === "*" || name === "?" || name === "$") return name;
    const [key, fallback] = name.split(/\s*,\s*/);
    const v = lookupKey(context, key.trim());
    if (v && v.length > 0) return v[0];
    const def = fallback && /^'(.*)'$/.exec(fallback);
    return def ? def[1] : whole;
  });
}

function evaluateOne(op: ParsedOperator, key: string, policyValues: string[], context: ConditionContext): boolean {
  const requestValues = lookupKey(context, key);
  if (op.base === "Null") {
    // Null: true ⇒ the key must be absent; false ⇒ present.
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === "true");
    return wantAbsent ? requestValues === undefined : requestValues !== undefined;
  }
  const spec = OPERATORS[op.base];
  const values = policyValues.map((v) => substituteVariables(v, context));
  const holdsFor = (rv: string): boolean => {
    const any = values.some((pv) => spec.compare(rv, pv));
    return spec.negated ? !any : any;
  };
  if (op.setOp === "ForAllValues") {
    return (requestValues ?? []).every(holdsFor);
  }
  if (requestValues === undefined || requestValues.length === 0) {
    if (op.ifExists) return true;
    return op.setOp ? false : spec.negated;
  }
  return requestValues.some(holdsFor);
}

/** True when every condition in the block holds for the request context. */
export function evaluateConditions(block: ConditionBlock | undefined, context: ConditionContext): boolean {
  if (!block) return true;
  for (const [opName, keys] of Object.entries(block)) {
    const op = parseOperator(opName);
    // Unknown operators never match (AWS rejects them when the policy is stored).
    if (!op || typeof keys !== "object" || keys === null) return false;
    for (const [key, value] of Object.entries(keys)) {
      if (!evaluateOne(op, key, toStrings(value), context)) return false;
    }
  }
  return true;
}
