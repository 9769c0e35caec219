/**
 * Items as people edit them: plain JSON (strings, numbers, booleans, null, lists, maps)
 * and DynamoDB's typed JSON ({"S": "x"}). An item with a set, binary or a number JSON
 * cannot hold exactly has no plain form, and the page edits it typed instead.
 */
import { ConsoleError } from "../http.js";

class NotPlain extends Error {}

function toPlainValue(av: any): unknown {
  if (!av || typeof av !== "object") throw new NotPlain();
  if ("S" in av) return av.S;
  if ("N" in av) {
    const n = Number(av.N);
    // Only numbers that survive the round trip exactly are shown as JSON numbers.
    if (!Number.isFinite(n) || String(n) !== String(av.N).replace(/^(-?)0+(?=\d)/, "$1")) throw new NotPlain();
    return n;
  }
  if ("BOOL" in av) return av.BOOL;
  if ("NULL" in av) return null;
  if ("L" in av) return (av.L as any[]).map(toPlainValue);
  if ("M" in av) return toPlainItem(av.M);
  throw new NotPlain();
}

function toPlainItem(item: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) out[k] = toPlainValue(v);
  return out;
}

/** The plain form of a typed item, or undefined when it has none. */
export function plainItem(item: Record<string, any>): Record<string, unknown> | undefined {
  try {
    return toPlainItem(item);
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

function fromPlainValue(v: unknown, path: string): any {
  if (v === null) return { NULL: true };
  if (typeof v === "string") return { S: v };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new ConsoleError("ValidationException", `${path}: numbers must be finite`);
    return { N: String(v) };
  }
  if (typeof v === "boolean") return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map((x, i) => fromPlainValue(x, `${path}[${i}]`)) };
  if (typeof v === "object") return { M: fromPlainObject(v as Record<string, unknown>, path) };
  throw new ConsoleError("ValidationException", `${path}: unsupported value`);
}

function fromPlainObject(obj: Record<string, unknown>, path: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = fromPlainValue(v, path ? `${path}.${k}` : k);
  return out;
}

/** A plain JSON object as a typed item. */
export function typedItem(value: unknown): Record<string, any> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ConsoleError("ValidationException", "An item must be a JSON object");
  return fromPlainObject(value as Record<string, unknown>, "");
}
