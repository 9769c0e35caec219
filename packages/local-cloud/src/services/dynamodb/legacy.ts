/**
 * Legacy (pre-expression) parameters translated into the same ASTs the expression
 * evaluator runs: Expected / QueryFilter / ScanFilter / KeyConditions → Condition,
 * AttributeUpdates → UpdateActions, AttributesToGet → projection paths.
 */
import type { Condition, Operand, PathNode, UpdateAction, ValueNode } from "./expressions/ast.js";
import { normalizeValue } from "./attribute-value.js";
import { validation } from "./errors.js";
import { violationMessage } from "../../wire/constraints.js";

const path = (name: string): PathNode => ({ kind: "path", elements: [{ name }] });
const val = (v: any, i: number): ValueNode => ({ kind: "value", ref: `:legacy${i}`, value: normalizeValue(v) });

const ARITY: Record<string, number> = {
  EQ: 1, NE: 1, LE: 1, LT: 1, GE: 1, GT: 1, NOT_NULL: 0, NULL: 0, CONTAINS: 1, NOT_CONTAINS: 1, BEGINS_WITH: 1, BETWEEN: 2,
};

function one(name: string, op: string, values: any[] | undefined, param: string): Condition {
  const list = values ?? [];
  const p = path(name);
  if (op === "IN") {
    if (list.length < 1) throw validation(`One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator`);
    return { kind: "in", operand: p, list: list.map(val) };
  }
  const n = ARITY[op];
  if (n === undefined) throw validation(violationMessage(op, `${param}.${name}.member.comparisonOperator`, "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"));
  if (list.length !== n) throw validation(`One or more parameter values were invalid: Invalid number of argument(s) for the ${op} ComparisonOperator`);
  const v = list.map(val) as Operand[];
  switch (op) {
    case "EQ": return { kind: "compare", op: "=", left: p, right: v[0]! };
    case "NE": return { kind: "compare", op: "<>", left: p, right: v[0]! };
    case "LE": return { kind: "compare", op: "<=", left: p, right: v[0]! };
    case "LT": return { kind: "compare", op: "<", left: p, right: v[0]! };
    case "GE": return { kind: "compare", op: ">=", left: p, right: v[0]! };
    case "GT": return { kind: "compare", op: ">", left: p, right: v[0]! };
    case "NOT_NULL": return { kind: "function", name: "attribute_exists", args: [p] };
    case "NULL": return { kind: "function", name: "attribute_not_exists", args: [p] };
    case "CONTAINS": return { kind: "function", name: "contains", args: [p, v[0]!] };
    case "NOT_CONTAINS": return { kind: "and", left: { kind: "function", name: "attribute_exists", args: [p] }, right: { kind: "not", operand: { kind: "function", name: "contains", args: [p, v[0]!] } } };
    case "BEGINS_WITH": return { kind: "function", name: "begins_with", args: [p, v[0]!] };
    default: return { kind: "between", operand: p, low: v[0]!, high: v[1]! };
  }
}

/** QueryFilter / ScanFilter / KeyConditions: { attr: { ComparisonOperator, AttributeValueList } }. */
export function conditionsToAst(map: Record<string, any>, conditionalOperator: string | undefined, param: string): Condition | undefined {
  const parts = Object.entries(map).map(([name, c]) => one(name, c.ComparisonOperator, c.AttributeValueList, param));
  return combine(parts, conditionalOperator);
}

/** Expected: { attr: { Value, Exists } | { ComparisonOperator, AttributeValueList } }. */
export function expectedToAst(expected: Record<string, any>, conditionalOperator: string | undefined): Condition | undefined {
  const parts = Object.entries(expected).map(([name, e]): Condition => {
    if (e.ComparisonOperator) return one(name, e.ComparisonOperator, e.AttributeValueList, "expected");
    if (e.Exists === false) {
      if (e.Value !== undefined) throw validation("One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: " + name);
      return { kind: "function", name: "attribute_not_exists", args: [path(name)] };
    }
    if (e.Value === undefined) throw validation("One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: " + name);
    return { kind: "compare", op: "=", left: path(name), right: val(e.Value, 0) };
  });
  return combine(parts, conditionalOperator);
}

function combine(parts: Condition[], op: string | undefined): Condition | undefined {
  if (parts.length === 0) return undefined;
  const kind = op === "OR" ? "or" : "and";
  return parts.reduce((l, r) => ({ kind, left: l, right: r }));
}

/** AttributeUpdates: { attr: { Action: PUT|ADD|DELETE, Value } }. */
export function attributeUpdatesToActions(updates: Record<string, any>): UpdateAction[] {
  return Object.entries(updates).map(([name, u], i): UpdateAction => {
    const action = u.Action ?? "PUT";
    if (action === "PUT") {
      if (u.Value === undefined) throw validation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified");
      return { action: "SET", path: path(name), value: val(u.Value, i) };
    }
    if (action === "DELETE") return u.Value === undefined ? { action: "REMOVE", path: path(name) } : { action: "DELETE", path: path(name), value: val(u.Value, i) };
    if (action === "ADD") return { action: "ADD", path: path(name), value: val(u.Value, i) };
    throw validation(violationMessage(action, `attributeUpdates.${name}.member.action`, "Member must satisfy enum value set: [ADD, PUT, DELETE]"));
  });
}

export function attributesToGetPaths(names: string[]): PathNode[] {
  if (new Set(names).size !== names.length) throw validation(`One or more parameter values were invalid: Duplicate value in attribute name: ${names.find((n, i) => names.indexOf(n) !== i)}`);
  return names.map(path);
}
