/**
 * Primary and index keys of items: validation with DynamoDB's messages and the encoded
 * (hk, rk) blobs the store orders by.
 */
import type { AttributeValue, Item } from "./attribute-value.js";
import { typeOf } from "./attribute-value.js";
import { encodeKeyValue, NO_RANGE } from "./key-encoding.js";
import type { IndexMeta, KeyDef, TableMeta } from "./table-meta.js";
import { validation } from "./errors.js";

export interface EncodedKey {
  hk: Buffer;
  rk: Buffer;
}

function emptyKey(v: AttributeValue): boolean {
  return ("S" in v && v.S === "") || ("B" in v && v.B === "");
}

/** Encodes one key attribute of an item being written: missing → error, wrong type → error. */
function itemKeyPart(meta: TableMeta, def: KeyDef, item: Item): Buffer {
  const v = item[def.name];
  if (v === undefined) throw validation(`One or more parameter values were invalid: Missing the key ${def.name} in the item`);
  const t = typeOf(v);
  if (t !== def.type) throw validation(`One or more parameter values were invalid: Type mismatch for key ${def.name} expected: ${def.type} actual: ${t}`);
  if (emptyKey(v)) throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${def.type === "S" ? "string" : "binary"} value. Key: ${def.name}`);
  if (def.type === "S" && Buffer.byteLength((v as any).S) > (def === meta.hash ? 2048 : 1024)) {
    throw validation(`One or more parameter values were invalid: Size of ${def === meta.hash ? "hashkey" : "rangekey"} has exceeded the maximum size limit of ${def === meta.hash ? 2048 : 1024} bytes`);
  }
  return encodeKeyValue(v);
}

/** Key attributes of an item being written (PutItem): missing → error, wrong type → error. */
export function itemKey(meta: TableMeta, item: Item): EncodedKey {
  return { hk: itemKeyPart(meta, meta.hash, item), rk: meta.range ? itemKeyPart(meta, meta.range, item) : NO_RANGE };
}

function keyMismatch(): Error {
  return validation("The provided key element does not match the schema");
}

/** One attribute of a `Key` parameter, checked against the key schema. */
function keyPart(def: KeyDef, v: AttributeValue | undefined): AttributeValue {
  if (v === undefined) throw keyMismatch();
  if (typeOf(v) !== def.type) throw keyMismatch();
  if (emptyKey(v)) throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${def.type === "S" ? "string" : "binary"} value. Key: ${def.name}`);
  return v;
}

/**
 * A `Key` parameter (GetItem, UpdateItem, DeleteItem), normalized (normalizeItem) before
 * the table was looked up: exactly the key attributes.
 */
export function parseKey(meta: TableMeta, keyItem: Item): { key: Item; encoded: EncodedKey } {
  if (Object.keys(keyItem).length !== (meta.range ? 2 : 1)) throw keyMismatch();
  const key: Item = {};
  key[meta.hash.name] = keyPart(meta.hash, keyItem[meta.hash.name]);
  if (meta.range) key[meta.range.name] = keyPart(meta.range, keyItem[meta.range.name]);
  return { key, encoded: itemKey(meta, key) };
}

/** The table key attributes of an item. */
export function keyAttributes(meta: TableMeta, item: Item): Item {
  const out: Item = { [meta.hash.name]: item[meta.hash.name]! };
  if (meta.range) out[meta.range.name] = item[meta.range.name]!;
  return out;
}

/** Table primary key as one blob (length-prefixed hash key, then range key): unique id of an item inside an index. */
export function primaryKeyBlob(k: EncodedKey): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(k.hk.length);
  return Buffer.concat([len, k.hk, k.rk]);
}

/**
 * An item's key in an index, or null when the item does not appear in it (sparse index:
 * a key attribute is missing). A key attribute of the wrong type is refused.
 */
export function indexKey(index: IndexMeta, item: Item): EncodedKey | null {
  const hk = indexKeyPart(index, index.hash, item);
  if (!hk) return null;
  if (!index.range) return { hk, rk: NO_RANGE };
  const rk = indexKeyPart(index, index.range, item);
  return rk ? { hk, rk } : null;
}

function indexKeyPart(index: IndexMeta, def: KeyDef, item: Item): Buffer | null {
  const v = item[def.name];
  if (v === undefined) return null;
  const t = typeOf(v);
  if (t !== def.type) {
    throw validation(`One or more parameter values were invalid: Type mismatch for Index Key ${def.name} Expected: ${def.type} Actual: ${t} IndexName: ${index.name}`);
  }
  if (emptyKey(v)) {
    throw validation(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${def.type === "S" ? "string" : "binary"} value. IndexName: ${index.name}, IndexKey: ${def.name}`);
  }
  return encodeKeyValue(v);
}

/** What an index stores of an item, per its projection. */
export function projectForIndex(meta: TableMeta, index: IndexMeta, item: Item): Item {
  if (index.projection.ProjectionType === "ALL") return item;
  const out: Item = keyAttributes(meta, item);
  out[index.hash.name] = item[index.hash.name]!;
  if (index.range) out[index.range.name] = item[index.range.name]!;
  for (const a of index.projection.NonKeyAttributes ?? []) if (item[a] !== undefined) out[a] = item[a]!;
  return out;
}
