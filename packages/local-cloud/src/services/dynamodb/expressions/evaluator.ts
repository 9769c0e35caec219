/**
 * Evaluates parsed conditions (ConditionExpression, FilterExpression, and key conditions
 * as a post-filter) against one item, with DynamoDB's semantics: a comparison involving a
 * missing attribute or two different types is false, except `<>` which is then true.
 */
import type { AttributeValue, Item } from "../attribute-value.js";
import { typeOf, valueOf, valuesEqual, compareValues, setHas, binaryBytes } from "../attribute-value.js";
import type { Condition, Operand, PathNode } from "./ast.js";
import { validation } from "../errors.js";

/** The value at a document path, or undefined when any step is missing / mistyped. */
export function resolvePath(item: Item, path: PathNode): AttributeValue | undefined {
  let current: AttributeValue | undefined;
  const first = path.elements[0]!;
  if (!("name" in first)) return undefined;
  current = item[first.name];
  for (let i = 1; i < path.elements.length && current; i++) {
    const e = path.elements[i]!;
    if ("name" in e) {
      current = "M" in current ? current.M[e.name] : undefined;
    } else {
      current = "L" in current ? current.L[e.index] : undefined;
    }
  }
  return current;
}

function sizeOf(v: AttributeValue): AttributeValue | undefined {
  const t = typeOf(v);
  const x = valueOf(v);
  let n: number;
  if (t === "S") n = Buffer.byteLength(x, "utf8");
  else if (t === "B") n = binaryBytes(x).length;
  else if (t === "SS" || t === "NS" || t === "BS" || t === "L") n = x.length;
  else if (t === "M") n = Object.keys(x).length;
  else return undefined;
  return { N: String(n) };
}

export function operandValue(item: Item, op: Operand): AttributeValue | undefined {
  if (op.kind === "value") return op.value;
  if (op.kind === "path") return resolvePath(item, op);
  const v = resolvePath(item, op.path);
  return v === undefined ? undefined : sizeOf(v);
}

function beginsWith(a: AttributeValue, b: AttributeValue): boolean {
  if ("S" in a && "S" in b) return a.S.startsWith(b.S);
  if ("B" in a && "B" in b) {
    const x = binaryBytes(a.B);
    const y = binaryBytes(b.B);
    return x.length >= y.length && x.subarray(0, y.length).equals(y);
  }
  return false;
}

function contains(a: AttributeValue, b: AttributeValue): boolean {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta === "S" && tb === "S") return (a as any).S.includes((b as any).S);
  if (ta === "B" && tb === "B") return binaryBytes((a as any).B).includes(binaryBytes((b as any).B));
  if ((ta === "SS" && tb === "S") || (ta === "NS" && tb === "N") || (ta === "BS" && tb === "B")) {
    return setHas(ta, valueOf(a), valueOf(b));
  }
  if (ta === "L") return (a as any).L.some((e: AttributeValue) => valuesEqual(e, b));
  return false;
}

function renderValue(v: AttributeValue): string {
  const t = typeOf(v);
  return `AttributeValue: {${t}:${valueOf(v)}}`;
}

export function evaluate(cond: Condition, item: Item, kind = "ConditionExpression"): boolean {
  switch (cond.kind) {
    case "and":
      return evaluate(cond.left, item, kind) && evaluate(cond.right, item, kind);
    case "or":
      return evaluate(cond.left, item, kind) || evaluate(cond.right, item, kind);
    case "not":
      return !evaluate(cond.operand, item, kind);
    case "compare": {
      const l = operandValue(item, cond.left);
      const r = operandValue(item, cond.right);
      if (cond.op === "<>") return l === undefined || r === undefined ? true : !valuesEqual(l, r);
      if (l === undefined || r === undefined) return false;
      if (cond.op === "=") return valuesEqual(l, r);
      const c = compareValues(l, r);
      if (c === null) return false;
      if (cond.op === "<") return c < 0;
      if (cond.op === "<=") return c <= 0;
      if (cond.op === ">") return c > 0;
      return c >= 0;
    }
    case "between": {
      const v = operandValue(item, cond.operand);
      const lo = operandValue(item, cond.low);
      const hi = operandValue(item, cond.high);
      if (lo && hi && cond.low.kind === "value" && cond.high.kind === "value") {
        const order = compareValues(lo, hi);
        if (order !== null && order > 0) {
          throw validation(`Invalid ${kind}: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: ${renderValue(lo)}, upper bound operand: ${renderValue(hi)}`);
        }
      }
      if (!v || !lo || !hi) return false;
      const a = compareValues(v, lo);
      const b = compareValues(v, hi);
      return a !== null && b !== null && a >= 0 && b <= 0;
    }
    case "in": {
      const v = operandValue(item, cond.operand);
      if (!v) return false;
      return cond.list.some((o) => {
        const x = operandValue(item, o);
        return x !== undefined && valuesEqual(v, x);
      });
    }
    case "function": {
      const [a, b] = cond.args;
      switch (cond.name) {
        case "attribute_exists":
          return operandValue(item, a!) !== undefined;
        case "attribute_not_exists":
          return operandValue(item, a!) === undefined;
        case "attribute_type": {
          const v = operandValue(item, a!);
          const t = operandValue(item, b!) as { S: string };
          return v !== undefined && typeOf(v) === t.S;
        }
        case "begins_with": {
          const x = operandValue(item, a!);
          const y = operandValue(item, b!);
          return x !== undefined && y !== undefined && beginsWith(x, y);
        }
        case "contains": {
          const x = operandValue(item, a!);
          const y = operandValue(item, b!);
          return x !== undefined && y !== undefined && contains(x, y);
        }
      }
    }
  }
}
