/**
 * CloudWatch Logs filter patterns, the forms apps actually use:
 *  - terms:            ERROR Exception        (all must occur, case-sensitive)
 *  - quoted phrases:   "Task timed out"
 *  - optional terms:   ?ERROR ?WARN           (any one must occur)
 *  - exclusions:       ERROR -DEBUG
 *  - JSON patterns:    { $.level = "error" && $.latency > 100 }   (=, !=, <, <=, >, >=,
 *                      wildcard * in strings, EXISTS / NOT EXISTS, IS NULL / TRUE / FALSE,
 *                      && and || with parentheses)
 * An empty pattern matches everything. A pattern we cannot parse is an error, as on AWS.
 */

import { compileGlob, globMatches, type Glob } from "../../limits/glob.js";
import { validationError } from "./errors.js";

export type LogMatcher = (message: string) => boolean;

export class FilterPatternError extends Error {}

/** CloudWatch Logs' documented maximum length of a filter pattern. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;
/** Parentheses in a JSON pattern nest no deeper than this (the parser recurses per level). */
const MAX_PARENTHESES = 50;

export function compileFilterPattern(pattern: string | undefined): LogMatcher {
  if (pattern !== undefined && pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw validationError("filterPattern", `${pattern.slice(0, 40)}...`, `Member must have length less than or equal to ${MAX_FILTER_PATTERN_LENGTH}`);
  }
  const p = (pattern ?? "").trim();
  if (p === "") return () => true;
  if (p.startsWith("{")) return compileJsonPattern(p);
  if (p.startsWith("[")) return compileSpaceDelimited(p);
  return compileTerms(p);
}

// ---- terms -------------------------------------------------------------------------

function tokenizeTerms(p: string): string[] {
  const out: string[] = [];
  const re = /([?-]?)"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(p))) {
    if (m[3] !== undefined) out.push(m[3]);
    else out.push(m[1] + "\u0000" + m[2].replace(/\\(.)/g, "$1"));
  }
  return out;
}

function compileTerms(p: string): LogMatcher {
  const required: string[] = [], optional: string[] = [], excluded: string[] = [];
  for (const raw of tokenizeTerms(p)) {
    const quoted = raw.includes("\u0000");
    const [prefix, text] = quoted ? raw.split("\u0000") : [raw[0] === "?" || raw[0] === "-" ? raw[0] : "", raw.replace(/^[?-]/, "")];
    if (text === "") continue;
    if (prefix === "?") optional.push(text);
    else if (prefix === "-") excluded.push(text);
    else required.push(text);
  }
  return (m) =>
    required.every((t) => m.includes(t)) &&
    (optional.length === 0 || optional.some((t) => m.includes(t))) &&
    !excluded.some((t) => m.includes(t));
}

// ---- space-delimited ([ip, user, status=404, ...]) ---------------------------------

function compileSpaceDelimited(p: string): LogMatcher {
  const inner = p.replace(/^\[|\]$/g, "");
  if (inner === p.slice(1) || !p.endsWith("]")) throw new FilterPatternError("Invalid character(s) in term");
  const fields = inner.split(",").map((f) => f.trim()).filter(Boolean);
  const conds = fields.map((f) => {
    const m = /^([\w.]+)\s*(=|!=|<=|>=|<|>)\s*(.+)$/.exec(f);
    return m ? { name: m[1], op: m[2], value: unquote(m[3].trim()) } : undefined;
  });
  const hasEllipsis = fields.includes("...");
  return (message) => {
    const words = message.match(/"[^"]*"|\[[^\]]*\]|\S+/g) ?? [];
    if (!hasEllipsis && words.length !== fields.length) return false;
    return conds.every((c, i) => !c || compare(stripBrackets(words[i]), c.op, c.value));
  };
}

const stripBrackets = (w: string | undefined) => (w === undefined ? undefined : w.replace(/^["[](.*)["\]]$/, "$1"));

// ---- JSON patterns -----------------------------------------------------------------

type Node = { and: Node[] } | { or: Node[] } | { cond: (obj: any) => boolean };

function compileJsonPattern(p: string): LogMatcher {
  if (!p.endsWith("}")) throw new FilterPatternError("Invalid JSON filter pattern: missing closing '}'");
  const tokens = p.slice(1, -1).match(/\(|\)|&&|\|\||"(?:[^"\\]|\\.)*"|[^\s()&|]+/g) ?? [];
  let i = 0;
  let depth = 0;
  const parseOr = (): Node => {
    const parts = [parseAnd()];
    while (tokens[i] === "||") { i++; parts.push(parseAnd()); }
    return parts.length === 1 ? parts[0] : { or: parts };
  };
  const parseAnd = (): Node => {
    const parts = [parseAtom()];
    while (tokens[i] === "&&") { i++; parts.push(parseAtom()); }
    return parts.length === 1 ? parts[0] : { and: parts };
  };
  const parseAtom = (): Node => {
    if (tokens[i] === "(") {
      i++;
      if (++depth > MAX_PARENTHESES) throw new FilterPatternError(`Invalid JSON filter pattern: parentheses nested more than ${MAX_PARENTHESES} deep`);
      const n = parseOr();
      depth--;
      if (tokens[i++] !== ")") throw new FilterPatternError("Invalid JSON filter pattern: unbalanced parentheses");
      return n;
    }
    const selector = tokens[i++];
    if (!selector?.startsWith("$")) throw new FilterPatternError(`Invalid JSON filter pattern: expected a selector like $.field, got ${selector ?? "nothing"}`);
    const op = tokens[i++];
    if (op === "NOT" && tokens[i] === "EXISTS") { i++; return { cond: (o) => select(o, selector) === undefined }; }
    if (op === "EXISTS") return { cond: (o) => select(o, selector) !== undefined };
    if (op === "IS") {
      const what = tokens[i++];
      const expected = what === "NULL" ? null : what === "TRUE" ? true : what === "FALSE" ? false : Symbol();
      if (typeof expected === "symbol") throw new FilterPatternError(`Invalid JSON filter pattern: IS ${what}`);
      return { cond: (o) => select(o, selector) === expected };
    }
    if (!op || !["=", "!=", "<", "<=", ">", ">="].includes(op)) throw new FilterPatternError(`Invalid JSON filter pattern: unknown operator ${op}`);
    const raw = tokens[i++];
    if (raw === undefined) throw new FilterPatternError("Invalid JSON filter pattern: missing value");
    const value = unquote(raw);
    return { cond: (o) => { const v = select(o, selector); return v !== undefined && v !== null && typeof v !== "object" && compare(String(v), op, value); } };
  };
  const tree = parseOr();
  if (i !== tokens.length) throw new FilterPatternError(`Invalid JSON filter pattern near ${tokens[i]}`);
  const evaluate = (n: Node, o: any): boolean =>
    "and" in n ? n.and.every((c) => evaluate(c, o)) : "or" in n ? n.or.some((c) => evaluate(c, o)) : n.cond(o);
  return (message) => {
    let obj: unknown;
    try {
      obj = JSON.parse(message.slice(Math.max(0, message.indexOf("{"))));
    } catch {
      return false;
    }
    return obj !== null && typeof obj === "object" && evaluate(tree, obj);
  };
}

function select(obj: any, selector: string): any {
  const path = selector.replace(/^\$\.?/, "").match(/[^.[\]]+/g) ?? [];
  let cur = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[key];
  }
  return cur;
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, "$1") : v;
}

function compare(actual: string | undefined, op: string, expected: string): boolean {
  if (actual === undefined) return false;
  const numeric = /^-?\d+(\.\d+)?$/.test(expected) && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(actual);
  if (op === "=" || op === "!=") {
    const eq = numeric ? Number(actual) === Number(expected) : globMatches(wildcard(expected), actual);
    return op === "=" ? eq : !eq;
  }
  if (!numeric) return false;
  const a = Number(actual), b = Number(expected);
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

const wildcards = new Map<string, Glob>();
/** `*` in a compared string matches any run of characters, without backtracking (limits/glob.ts). */
function wildcard(pattern: string): Glob {
  let glob = wildcards.get(pattern);
  if (!glob) {
    glob = compileGlob(pattern);
    if (wildcards.size > 1000) wildcards.clear();
    wildcards.set(pattern, glob);
  }
  return glob;
}
