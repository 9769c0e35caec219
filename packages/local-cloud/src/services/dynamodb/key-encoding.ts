/**
 * Order-preserving byte encoding of key values, so that SQLite's BLOB ordering (memcmp,
 * then length) equals DynamoDB's sort-key order and a Query is an index range scan.
 *
 *  - S: the UTF-8 bytes (DynamoDB orders strings by UTF-8 bytes).
 *  - B: the raw bytes.
 *  - N: a class byte (0x01 negative, 0x02 zero, 0x03 positive), then the decimal exponent
 *    in two bytes, then one byte per significant digit. Negative numbers complement the
 *    exponent and digits and end with 0xFF, so a larger magnitude sorts first and a digit
 *    string that is a prefix of another (smaller magnitude) sorts after it.
 *
 * One column holds one attribute's value, and a key attribute has one type per table, so
 * the encodings of different types never meet in a comparison.
 */
import type { AttributeValue } from "./attribute-value.js";
import { typeOf, binaryBytes } from "./attribute-value.js";
import { parseNumber, formatDecimal, type Decimal } from "./number.js";

const EXP_BIAS = 1000;

export function encodeNumber(text: string): Buffer {
  const d = parseNumber(text);
  if (d.sign === 0) return Buffer.from([0x02]);
  const out = Buffer.alloc(3 + d.digits.length + (d.sign < 0 ? 1 : 0));
  const e = d.exp + EXP_BIAS;
  if (d.sign > 0) {
    out[0] = 0x03;
    out.writeUInt16BE(e, 1);
    for (let i = 0; i < d.digits.length; i++) out[3 + i] = 0x30 + Number(d.digits[i]);
  } else {
    out[0] = 0x01;
    out.writeUInt16BE(0xffff - e, 1);
    for (let i = 0; i < d.digits.length; i++) out[3 + i] = 0x30 + (9 - Number(d.digits[i]));
    out[out.length - 1] = 0xff;
  }
  return out;
}

export function decodeNumber(buf: Buffer): string {
  if (buf[0] === 0x02) return "0";
  const neg = buf[0] === 0x01;
  const raw = buf.readUInt16BE(1);
  const exp = (neg ? 0xffff - raw : raw) - EXP_BIAS;
  let digits = "";
  const end = neg ? buf.length - 1 : buf.length;
  for (let i = 3; i < end; i++) digits += String(neg ? 9 - (buf[i]! - 0x30) : buf[i]! - 0x30);
  const d: Decimal = { sign: neg ? -1 : 1, digits, exp };
  return formatDecimal(d);
}

export function encodeKeyValue(v: AttributeValue): Buffer {
  const t = typeOf(v);
  if (t === "S") return Buffer.from((v as { S: string }).S, "utf8");
  if (t === "B") return binaryBytes((v as { B: string }).B);
  if (t === "N") return encodeNumber((v as { N: string }).N);
  throw new Error(`not a key type: ${t}`);
}

export function decodeKeyValue(type: "S" | "N" | "B", buf: Buffer): AttributeValue {
  if (type === "S") return { S: buf.toString("utf8") };
  if (type === "B") return { B: buf.toString("base64") };
  return { N: decodeNumber(buf) };
}

/**
 * The smallest byte string greater than every string starting with `prefix`
 * (for begins_with ranges); null when there is none (prefix all 0xFF).
 */
export function prefixSuccessor(prefix: Buffer): Buffer | null {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.subarray(0, i + 1);
    }
  }
  return null;
}

/** An empty blob stands for "no sort key" so the primary key columns are never NULL. */
export const NO_RANGE = Buffer.alloc(0);
