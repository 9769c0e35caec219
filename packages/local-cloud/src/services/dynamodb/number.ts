/**
 * DynamoDB numbers: arbitrary decimals with up to 38 significant digits and a magnitude
 * between 1E-130 and 9.99…E+125. JavaScript numbers cannot hold them, so a number is
 * kept as (sign, digit string, exponent) and compared / added exactly with BigInt.
 */
import { validation } from "./errors.js";

/** value = sign × 0.DIGITS × 10^exp; digits has no leading or trailing zeros ("" for zero). */
export interface Decimal {
  sign: 1 | -1 | 0;
  digits: string;
  exp: number;
}

const NUMBER_RE = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Parse without range checks; null when the text is not a number. */
export function parseDecimal(text: string): Decimal | null {
  // Most numbers are plain integers ("42", "-7"): read those without the regex.
  const n = text.length;
  const i = n > 1 && text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  let j = i;
  while (j < n && isDigit(text.charCodeAt(j))) j++;
  if (j === n && n > i) {
    let lead = i;
    while (lead < n && text.charCodeAt(lead) === 48 /* 0 */) lead++;
    if (lead === n) return { sign: 0, digits: "", exp: 0 };
    let end = n;
    while (text.charCodeAt(end - 1) === 48) end--;
    return { sign: i === 1 ? -1 : 1, digits: text.slice(lead, end), exp: n - lead };
  }
  const m = NUMBER_RE.exec(text);
  if (!m) return null;
  const intPart = m[2] ?? "";
  const fracPart = m[3] ?? "";
  if (intPart === "" && fracPart === "") return null;
  const e = m[4] ? Number(m[4]) : 0;
  let all = intPart + fracPart;
  let exp = intPart.length + e;
  // Strip leading zeros (each one lowers the exponent) and trailing zeros.
  const lead = all.length - all.replace(/^0+/, "").length;
  all = all.slice(lead);
  exp -= lead;
  all = all.replace(/0+$/, "");
  if (all === "") return { sign: 0, digits: "", exp: 0 };
  return { sign: m[1] === "-" ? -1 : 1, digits: all, exp };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Parse and enforce DynamoDB's precision and range; throws ValidationException. */
export function parseNumber(text: string): Decimal {
  const d = parseDecimal(text);
  if (!d) throw validation("A value provided cannot be converted into a number");
  checkRange(d);
  return d;
}

export function checkRange(d: Decimal): void {
  if (d.sign === 0) return;
  if (d.digits.length > 38) throw validation("Attempting to store more than 38 significant digits in a Number");
  // Largest: 9.9999999999999999999999999999999999999E+125 → exp 126. Smallest: 1E-130 → exp -129.
  if (d.exp > 126) throw validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
  if (d.exp < -129) throw validation("Number underflow. Attempting to store a number with magnitude smaller than supported range");
}

/** DynamoDB returns numbers canonicalized: no exponent, no superfluous zeros. */
export function formatDecimal(d: Decimal): string {
  if (d.sign === 0) return "0";
  const sign = d.sign < 0 ? "-" : "";
  const { digits, exp } = d;
  if (exp <= 0) return `${sign}0.${"0".repeat(-exp)}${digits}`;
  if (exp >= digits.length) return sign + digits + "0".repeat(exp - digits.length);
  return `${sign}${digits.slice(0, exp)}.${digits.slice(exp)}`;
}

export function canonicalNumber(text: string): string {
  return formatDecimal(parseNumber(text));
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  let mag: number;
  if (a.exp !== b.exp) mag = a.exp < b.exp ? -1 : 1;
  else mag = a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
  return a.sign * mag;
}

export function compareNumbers(a: string, b: string): number {
  return compareDecimal(parseNumber(a), parseNumber(b));
}

/** As a scaled integer: value = int × 10^scale. */
function toScaled(d: Decimal): { int: bigint; scale: number } {
  if (d.sign === 0) return { int: 0n, scale: 0 };
  const int = BigInt(d.digits) * BigInt(d.sign);
  return { int, scale: d.exp - d.digits.length };
}

function fromScaled(int: bigint, scale: number): Decimal {
  if (int === 0n) return { sign: 0, digits: "", exp: 0 };
  const neg = int < 0n;
  const s = (neg ? -int : int).toString();
  return parseDecimal(`${neg ? "-" : ""}${s}e${scale}`)!;
}

/** Exact a + b (or a − b) with DynamoDB's precision checks on the result. */
export function addNumbers(a: string, b: string, subtract = false): string {
  const x = toScaled(parseNumber(a));
  const y = toScaled(parseNumber(b));
  const scale = Math.min(x.scale, y.scale);
  const xi = x.int * 10n ** BigInt(x.scale - scale);
  const yi = y.int * 10n ** BigInt(y.scale - scale);
  const result = fromScaled(subtract ? xi - yi : xi + yi, scale);
  if (result.digits.length > 38) throw validation("Number overflow. Attempting to store a number with magnitude larger than supported range");
  checkRange(result);
  return formatDecimal(result);
}
