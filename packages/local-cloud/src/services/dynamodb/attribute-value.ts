/**
 * AttributeValues in their wire shape ({S}, {N}, {B}, {SS}, {NS}, {BS}, {M}, {L}, {NULL},
 * {BOOL}). Binary values are kept base64-encoded exactly as they arrive on the wire, so
 * items round-trip through JSON storage unchanged.
 */
import { compareNumbers, canonicalNumber } from "./number.js";
import { validation } from "./errors.js";
import { violationMessage } from "../../wire/constraints.js";

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: true }
  | { BOOL: boolean };

export type Item = Record<string, AttributeValue>;

export type TypeTag = "S" | "N" | "B" | "SS" | "NS" | "BS" | "M" | "L" | "NULL" | "BOOL";
const TAGS = new Set<string>(["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"]);

/** The type tag: the value's first (only) member. No array is built (this runs per attribute, per request). */
export function typeOf(v: AttributeValue): TypeTag {
  for (const k in v) return k as TypeTag;
  return undefined as unknown as TypeTag;
}

export function valueOf(v: AttributeValue): any {
  for (const k in v) return (v as any)[k];
  return undefined;
}

/** Binary values arrive base64-encoded (the SDK encodes Uint8Array). */
export function binaryBytes(b64: string): Buffer {
  return Buffer.from(b64, "base64");
}

/**
 * Validate one value as DynamoDB does and return it normalized (numbers canonical).
 * `where` names the position for messages.
 */
export function normalizeValue(v: any, depth = 0): AttributeValue {
  if (depth > 32) throw validation("Nesting Levels have exceeded supported limits");
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  }
  // Members set to null/undefined do not count (SDKs send them for unset union members).
  const keys = Object.keys(v);
  let tag = "";
  let set = 0;
  for (let i = 0; i < keys.length; i++) {
    const x = v[keys[i]!];
    if (x !== undefined && x !== null && set++ === 0) tag = keys[i]!;
  }
  if (set === 0) throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  if (set > 1) throw validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  if (!TAGS.has(tag)) throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  const raw = v[tag];
  switch (tag) {
    case "S":
      if (typeof raw !== "string") throw validation("Supplied AttributeValue has an invalid S value");
      return { S: raw };
    case "N":
      if (typeof raw !== "string" && typeof raw !== "number") throw validation("A value provided cannot be converted into a number");
      return { N: canonicalNumber(String(raw)) };
    case "B":
      return { B: normalizeBinary(raw) };
    case "BOOL":
      return { BOOL: raw === true || raw === "true" };
    case "NULL":
      if (raw !== true && raw !== "true") throw validation("One or more parameter values were invalid: Null attribute value types must have the value of true");
      return { NULL: true };
    case "SS":
    case "NS":
    case "BS": {
      if (!Array.isArray(raw)) throw validation(`Supplied AttributeValue has an invalid ${tag} value`);
      if (raw.length === 0) throw validation("One or more parameter values were invalid: An string set  may not be empty".replace("An string", tag === "SS" ? "An string" : tag === "NS" ? "An number" : "An binary"));
      const items = raw.map((x: any) =>
        tag === "SS" ? String(x) : tag === "NS" ? canonicalNumber(String(x)) : normalizeBinary(x),
      );
      const seen = new Set<string>();
      for (const x of items) {
        if (seen.has(x)) throw validation(`One or more parameter values were invalid: Input collection ${JSON.stringify(raw)} contains duplicates.`);
        seen.add(x);
      }
      return { [tag]: items } as AttributeValue;
    }
    case "L":
      if (!Array.isArray(raw)) throw validation("Supplied AttributeValue has an invalid L value");
      return { L: raw.map((x: any) => normalizeValue(x, depth + 1)) };
    case "M": {
      if (typeof raw !== "object" || Array.isArray(raw)) throw validation("Supplied AttributeValue has an invalid M value");
      const out: Record<string, AttributeValue> = {};
      for (const [k, x] of Object.entries(raw)) out[k] = normalizeValue(x, depth + 1);
      return { M: out };
    }
  }
  throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
}

function normalizeBinary(raw: any): string {
  if (typeof raw === "string") return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString("base64");
  if (raw && typeof raw === "object" && raw.type === "Buffer" && Array.isArray(raw.data)) return Buffer.from(raw.data).toString("base64");
  throw validation("Supplied AttributeValue has an invalid B value");
}

export function normalizeItem(item: any, what = "Item"): Item {
  if (item === null || typeof item !== "object" || Array.isArray(item)) throw validation(violationMessage(null, what.toLowerCase(), "Member must not be null"));
  const out: Item = {};
  const keys = Object.keys(item);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.length === 0) throw validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ");
    out[k] = normalizeValue(item[k]);
  }
  return out;
}

/**
 * A deep copy of JSON data (items and values as parsed or normalized: plain objects,
 * arrays, strings, booleans). Much cheaper than structuredClone for small items.
 */
export function cloneJson<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneJson(v[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) out[keys[i]!] = cloneJson((v as Record<string, unknown>)[keys[i]!]);
  return out as T;
}

/** Equality as DynamoDB defines it: same type, same value (sets ignore order). */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return false;
  const va = valueOf(a);
  const vb = valueOf(b);
  switch (ta) {
    case "N":
      return compareNumbers(va, vb) === 0;
    case "B":
      return binaryBytes(va).equals(binaryBytes(vb));
    case "SS":
    case "BS":
    case "NS": {
      if (va.length !== vb.length) return false;
      return va.every((x: string) => setHas(ta, vb, x));
    }
    case "L":
      return va.length === vb.length && va.every((x: AttributeValue, i: number) => valuesEqual(x, vb[i]));
    case "M": {
      const ka = Object.keys(va);
      if (ka.length !== Object.keys(vb).length) return false;
      return ka.every((k) => k in vb && valuesEqual(va[k], vb[k]));
    }
    default:
      return va === vb;
  }
}

export function setHas(tag: string, set: string[], x: string): boolean {
  if (tag === "NS") return set.some((y) => compareNumbers(x, y) === 0);
  if (tag === "BS") return set.some((y) => binaryBytes(x).equals(binaryBytes(y)));
  return set.includes(x);
}

/**
 * Ordering for <, <=, >, >=, BETWEEN: only between two N, two S or two B values;
 * null when they are not comparable (the comparison is then false).
 */
export function compareValues(a: AttributeValue, b: AttributeValue): number | null {
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return null;
  if (ta === "N") return compareNumbers((a as any).N, (b as any).N);
  if (ta === "S") return Buffer.compare(Buffer.from((a as any).S, "utf8"), Buffer.from((b as any).S, "utf8"));
  if (ta === "B") return Buffer.compare(binaryBytes((a as any).B), binaryBytes((b as any).B));
  return null;
}

/**
 * DynamoDB's size of a number. Numbers are stored base-100 (two decimal digits a byte),
 * the pairs aligned on the decimal point, with leading and trailing zero pairs dropped;
 * one byte more for the exponent and one for a negative sign. So `123456` costs 4,
 * `3.14159` costs 5 (int `3` and fraction `14|15|9_` are paired separately), and
 * `1E125` costs 2 like `1`. The documented "one byte per two significant digits plus
 * one" is this rule before alignment.
 */
export function numberSize(n: string): number {
  const negative = n.startsWith("-");
  const body = negative ? n.slice(1) : n;
  const dot = body.indexOf(".");
  let int = (dot < 0 ? body : body.slice(0, dot)).replace(/^0+/, "");
  let frac = dot < 0 ? "" : body.slice(dot + 1);
  if (int.length % 2) int = "0" + int;
  if (frac.length % 2) frac += "0";
  const digits = int + frac;
  let first = 0;
  let last = digits.length;
  while (first < last && digits[first] === "0" && digits[first + 1] === "0") first += 2;
  while (last > first && digits[last - 1] === "0" && digits[last - 2] === "0") last -= 2;
  return 1 + (last - first) / 2 + (negative ? 1 : 0);
}

/** Size in bytes of one value, as DynamoDB counts it towards the 400 KB item limit. */
export function valueSize(v: AttributeValue): number {
  const t = typeOf(v);
  const x = (v as any)[t];
  switch (t) {
    case "S":
      return Buffer.byteLength(x, "utf8");
    case "N":
      return numberSize(x);
    case "B":
      return binaryBytes(x).length;
    case "SS":
      return x.reduce((s: number, e: string) => s + Buffer.byteLength(e, "utf8"), 0);
    case "NS":
      return x.reduce((s: number, e: string) => s + numberSize(e), 0);
    case "BS":
      return x.reduce((s: number, e: string) => s + binaryBytes(e).length, 0);
    case "NULL":
    case "BOOL":
      return 1;
    case "L":
      return 3 + x.reduce((s: number, e: AttributeValue) => s + 1 + valueSize(e), 0);
    case "M":
      return 3 + Object.entries(x).reduce((s: number, [k, e]) => s + 1 + Buffer.byteLength(k, "utf8") + valueSize(e as AttributeValue), 0);
  }
}

export function itemSize(item: Item): number {
  let size = 0;
  const keys = Object.keys(item);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    size += Buffer.byteLength(k, "utf8") + valueSize(item[k]!);
  }
  return size;
}

export const MAX_ITEM_SIZE = 400 * 1024;
