/**
 * Choice rules: the comparison operators (String*, Numeric*, Boolean*, Timestamp*, each
 * also as `*Path` comparing with another node of the input), StringMatches, the type
 * tests (IsNull, IsPresent, IsNumeric, IsString, IsBoolean, IsTimestamp) and And/Or/Not.
 * A comparison whose value is of another type is false, as on AWS; a Variable that
 * selects nothing fails the execution (States.Runtime) unless the rule is IsPresent.
 */
import { runtimeError } from "./errors.js";
import { lookup, read } from "./json-path.js";

export type ChoiceRule = Record<string, any>;

const COMPARISONS = ["StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals",
  "NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
  "BooleanEquals", "TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals"] as const;
const TYPE_TESTS = ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"] as const;

/** Every operator a rule may use, for the definition checks. */
export const CHOICE_OPERATORS: readonly string[] = [...COMPARISONS, ...COMPARISONS.map((c) => `${c}Path`), "StringMatches", ...TYPE_TESTS];

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isTimestamp(v: unknown): v is string {
  return typeof v === "string" && TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v));
}

function readRoot(input: unknown, context: unknown, path: string): { found: boolean; value: unknown } {
  return path.startsWith("$$") ? lookup(context, path.slice(1)) : lookup(input, path);
}

function order(kind: string, a: unknown, b: unknown): number | undefined {
  if (kind === "String") return typeof a === "string" && typeof b === "string" ? (a < b ? -1 : a > b ? 1 : 0) : undefined;
  if (kind === "Numeric") return typeof a === "number" && typeof b === "number" ? a - b : undefined;
  if (kind === "Boolean") return typeof a === "boolean" && typeof b === "boolean" ? (a === b ? 0 : 1) : undefined;
  if (kind === "Timestamp") return isTimestamp(a) && isTimestamp(b) ? Date.parse(a) - Date.parse(b) : undefined;
  return undefined;
}

/** `*` matches any run of characters; `\*` and `\\` are a literal star and backslash. */
function wildcardMatch(value: string, pattern: string): boolean {
  const pieces: string[] = [""];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\" && i + 1 < pattern.length) pieces[pieces.length - 1] += pattern[++i];
    else if (c === "*") pieces.push("");
    else pieces[pieces.length - 1] += c;
  }
  if (pieces.length === 1) return value === pieces[0];
  const first = pieces[0]!, last = pieces[pieces.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const middle of pieces.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

export function evaluateRule(rule: ChoiceRule, input: unknown, context: unknown): boolean {
  if (rule.And) return (rule.And as ChoiceRule[]).every((r) => evaluateRule(r, input, context));
  if (rule.Or) return (rule.Or as ChoiceRule[]).some((r) => evaluateRule(r, input, context));
  if (rule.Not) return !evaluateRule(rule.Not as ChoiceRule, input, context);
  const variable = rule.Variable as string;
  const { found, value } = readRoot(input, context, variable);
  if ("IsPresent" in rule) return found === rule.IsPresent;
  if (!found) throw runtimeError(`Invalid path '${variable}': The choice state's condition path references an invalid value.`);
  if ("IsNull" in rule) return (value === null) === rule.IsNull;
  if ("IsNumeric" in rule) return (typeof value === "number") === rule.IsNumeric;
  if ("IsString" in rule) return (typeof value === "string") === rule.IsString;
  if ("IsBoolean" in rule) return (typeof value === "boolean") === rule.IsBoolean;
  if ("IsTimestamp" in rule) return isTimestamp(value) === rule.IsTimestamp;
  if ("StringMatches" in rule) return typeof value === "string" && wildcardMatch(value, rule.StringMatches);
  for (const op of COMPARISONS) {
    const kind = /^(String|Numeric|Boolean|Timestamp)/.exec(op)![1]!;
    const relation = op.slice(kind.length);
    let other: unknown;
    if (op in rule) other = rule[op];
    else if (`${op}Path` in rule) other = read(String(rule[`${op}Path`]).startsWith("$$") ? context : input, String(rule[`${op}Path`]).replace(/^\$\$/, "$"));
    else continue;
    const cmp = order(kind, value, other);
    if (cmp === undefined) return false;
    if (kind === "Boolean") return cmp === 0;
    switch (relation) {
      case "Equals": return cmp === 0;
      case "LessThan": return cmp < 0;
      case "GreaterThan": return cmp > 0;
      case "LessThanEquals": return cmp <= 0;
      case "GreaterThanEquals": return cmp >= 0;
    }
  }
  throw runtimeError(`The choice rule ${JSON.stringify(rule)} has no comparison operator`);
}
