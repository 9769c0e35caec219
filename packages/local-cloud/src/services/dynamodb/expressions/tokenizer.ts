/**
 * Tokenizer shared by all DynamoDB expression kinds (condition, filter, key condition,
 * projection, update). Keywords are recognised case-insensitively by the parser; the
 * tokenizer only classifies characters.
 */
import { validation } from "../errors.js";

export type TokenType = "ident" | "name" | "value" | "number" | "punct" | "eof";

export interface Token {
  type: TokenType;
  /** The token's text ("#n", ":v", "<=", "SET", ...). */
  text: string;
  /** Offset in the source, for "near:" in syntax errors. */
  pos: number;
}

const PUNCT2 = new Set(["<=", ">=", "<>"]);
const PUNCT1 = new Set(["(", ")", "[", "]", ",", ".", "=", "<", ">", "+", "-"]);

export function tokenize(source: string, kind: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (PUNCT2.has(two)) {
      tokens.push({ type: "punct", text: two, pos: i });
      i += 2;
      continue;
    }
    if (PUNCT1.has(c)) {
      tokens.push({ type: "punct", text: c, pos: i });
      i++;
      continue;
    }
    if (c === "#" || c === ":") {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      if (j === i + 1) throw syntaxError(kind, source, c, i);
      tokens.push({ type: c === "#" ? "name" : "value", text: source.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < source.length && /[0-9]/.test(source[j]!)) j++;
      tokens.push({ type: "number", text: source.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      tokens.push({ type: "ident", text: source.slice(i, j), pos: i });
      i = j;
      continue;
    }
    throw validation(`Invalid ${kind}: Syntax error; token: "${c}", near: "${source.slice(Math.max(0, i - 1), i + 2)}"`);
  }
  tokens.push({ type: "eof", text: "<EOF>", pos: source.length });
  return tokens;
}

export function syntaxError(kind: string, source: string, token: string, pos: number) {
  const start = Math.max(0, source.lastIndexOf(" ", Math.max(0, pos - 2)) + 1);
  let end = source.indexOf(" ", pos + token.length + 1);
  if (end < 0) end = source.length;
  const near = token === "<EOF>" ? source.slice(start) : source.slice(start, end);
  return validation(`Invalid ${kind}: Syntax error; token: "${token}", near: "${near}"`);
}
