/** The syntax trees the expression parser produces and the evaluator consumes. */
import type { AttributeValue } from "../attribute-value.js";

/** One step of a document path: an attribute/map key, or a list index. */
export type PathElement = { name: string } | { index: number };
export interface PathNode {
  kind: "path";
  elements: PathElement[];
}
export interface ValueNode {
  kind: "value";
  ref: string;
  value: AttributeValue;
}
export interface SizeNode {
  kind: "size";
  path: PathNode;
}
/** Operands of conditions. */
export type Operand = PathNode | ValueNode | SizeNode;

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Condition =
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition }
  | { kind: "compare"; op: Comparator; left: Operand; right: Operand }
  | { kind: "between"; operand: Operand; low: Operand; high: Operand }
  | { kind: "in"; operand: Operand; list: Operand[] }
  | { kind: "function"; name: "attribute_exists" | "attribute_not_exists" | "attribute_type" | "begins_with" | "contains"; args: Operand[] };

/** Values on the right-hand side of SET. */
export type UpdateValue =
  | PathNode
  | ValueNode
  | { kind: "if_not_exists"; path: PathNode; fallback: UpdateValue }
  | { kind: "list_append"; first: UpdateValue; second: UpdateValue }
  | { kind: "arith"; op: "+" | "-"; left: UpdateValue; right: UpdateValue };

export type UpdateAction =
  | { action: "SET"; path: PathNode; value: UpdateValue }
  | { action: "REMOVE"; path: PathNode }
  | { action: "ADD"; path: PathNode; value: ValueNode }
  | { action: "DELETE"; path: PathNode; value: ValueNode };

export function pathToString(p: PathNode): string {
  let s = "";
  for (const e of p.elements) {
    if ("name" in e) s += (s ? "." : "") + e.name;
    else s += `[${e.index}]`;
  }
  return s;
}
