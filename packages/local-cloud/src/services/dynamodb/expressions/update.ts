/**
 * Applies a parsed UpdateExpression to an item. Every operand is read from the item as it
 * was before the update (DynamoDB semantics), then the actions are applied in order to a
 * copy; REMOVEs of list elements run from the highest index down so indexes refer to the
 * original list.
 */
import type { AttributeValue, Item } from "../attribute-value.js";
import { typeOf, valueOf, setHas, cloneJson } from "../attribute-value.js";
import type { PathNode, UpdateAction, UpdateValue } from "./ast.js";
import { resolvePath } from "./evaluator.js";
import { addNumbers } from "../number.js";
import { validation } from "../errors.js";

const TYPE_WORDS: Record<string, string> = {
  S: "STRING", N: "NUMBER", B: "BINARY", BOOL: "BOOLEAN", NULL: "NULL", M: "MAP", L: "LIST",
  SS: "STRING SET", NS: "NUMBER SET", BS: "BINARY SET",
};

function computeValue(item: Item, v: UpdateValue): AttributeValue {
  switch (v.kind) {
    case "value":
      return v.value;
    case "path": {
      const x = resolvePath(item, v);
      if (x === undefined) throw validation("The provided expression refers to an attribute that does not exist in the item");
      return x;
    }
    case "if_not_exists":
      return resolvePath(item, v.path) ?? computeValue(item, v.fallback);
    case "list_append": {
      const a = computeValue(item, v.first);
      const b = computeValue(item, v.second);
      for (const x of [a, b]) {
        if (!("L" in x)) throw validation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: ${typeOf(x)}`);
      }
      return { L: [...(a as any).L, ...(b as any).L] };
    }
    case "arith": {
      const a = computeValue(item, v.left);
      const b = computeValue(item, v.right);
      if (!("N" in a) || !("N" in b)) throw validation("An operand in the update expression has an incorrect data type");
      return { N: addNumbers(a.N, b.N, v.op === "-") };
    }
  }
}

function invalidPath(): Error {
  return validation("The document path provided in the update expression is invalid for update");
}

/** The container (map object or list array) holding the last path element; creates nothing. */
function parentOf(item: Item, path: PathNode): { container: any; last: PathNode["elements"][number] } | null {
  const els = path.elements;
  let container: any = item;
  let isList = false;
  for (let i = 0; i < els.length - 1; i++) {
    const e = els[i]!;
    const next: AttributeValue | undefined = "name" in e ? (isList ? undefined : container[e.name]) : isList ? container[e.index] : undefined;
    if (!next) return null;
    if ("M" in next) {
      container = next.M;
      isList = false;
    } else if ("L" in next) {
      container = next.L;
      isList = true;
    } else return null;
  }
  const last = els[els.length - 1]!;
  if (Array.isArray(container) !== !("name" in last)) return null;
  return { container, last };
}

function setAt(item: Item, path: PathNode, value: AttributeValue): void {
  const p = parentOf(item, path);
  if (!p) throw invalidPath();
  if ("name" in p.last) p.container[p.last.name] = value;
  else if (p.last.index >= p.container.length) p.container.push(value);
  else p.container[p.last.index] = value;
}

function removeAt(item: Item, path: PathNode): void {
  const p = parentOf(item, path);
  if (!p) return; // removing something absent is a no-op
  if ("name" in p.last) delete p.container[p.last.name];
  else if (p.last.index < p.container.length) p.container.splice(p.last.index, 1);
}

export function applyUpdate(original: Item, actions: UpdateAction[]): Item {
  // Evaluate every right-hand side against the original item first.
  const planned = actions.map((a) => {
    if (a.action === "SET") return { a, value: computeValue(original, a.value) };
    return { a, value: undefined as AttributeValue | undefined };
  });
  const item: Item = cloneJson(original);
  const removes: PathNode[] = [];
  for (const { a, value } of planned) {
    switch (a.action) {
      case "SET":
        setAt(item, a.path, value!);
        break;
      case "REMOVE":
        removes.push(a.path);
        break;
      case "ADD": {
        const add = a.value.value;
        const t = typeOf(add);
        if (!["N", "SS", "NS", "BS"].includes(t)) {
          throw validation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: ${TYPE_WORDS[t]}`);
        }
        const existing = resolvePath(original, a.path);
        if (existing === undefined) {
          setAt(item, a.path, add);
        } else if (t === "N") {
          if (!("N" in existing)) throw validation("An operand in the update expression has an incorrect data type");
          setAt(item, a.path, { N: addNumbers(existing.N, (add as any).N) });
        } else {
          if (typeOf(existing) !== t) throw validation("An operand in the update expression has an incorrect data type");
          const set: string[] = [...valueOf(existing)];
          for (const x of valueOf(add) as string[]) if (!setHas(t, set, x)) set.push(x);
          setAt(item, a.path, { [t]: set } as AttributeValue);
        }
        break;
      }
      case "DELETE": {
        const del = a.value.value;
        const t = typeOf(del);
        if (!["SS", "NS", "BS"].includes(t)) {
          throw validation(`Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: ${TYPE_WORDS[t]}`);
        }
        const existing = resolvePath(original, a.path);
        if (existing === undefined) break;
        if (typeOf(existing) !== t) throw validation("An operand in the update expression has an incorrect data type");
        const remaining = (valueOf(existing) as string[]).filter((x) => !setHas(t, valueOf(del), x));
        if (remaining.length === 0) removeAt(item, a.path);
        else setAt(item, a.path, { [t]: remaining } as AttributeValue);
        break;
      }
    }
  }
  // List indexes in REMOVE refer to the original list: remove from the back.
  removes.sort((x, y) => {
    const a = x.elements[x.elements.length - 1]!;
    const b = y.elements[y.elements.length - 1]!;
    return ("index" in b ? b.index : -1) - ("index" in a ? a.index : -1);
  });
  for (const p of removes) removeAt(item, p);
  return item;
}

/** Top-level attribute names an update touches (for key-attribute checks and UPDATED_* return values). */
export function touchedAttributes(actions: UpdateAction[]): Set<string> {
  const out = new Set<string>();
  for (const a of actions) {
    const first = a.path.elements[0]!;
    if ("name" in first) out.add(first.name);
  }
  return out;
}
