import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeNumber, decodeNumber, encodeKeyValue, prefixSuccessor } from "./key-encoding.js";
import { addNumbers, canonicalNumber, compareNumbers } from "./number.js";

test("number encoding orders like the numbers, incl. 38-digit precision", () => {
  const values = [
    "-1e125", "-12345678901234567890123456789012345678", "-100", "-10.5", "-10", "-1", "-0.5", "-0.123", "-0.12", "-1e-129",
    "0", "1e-130", "0.12", "0.123", "0.5", "1", "1.0000000000000000000000000000000000001", "10", "10.5", "100",
    "12345678901234567890123456789012345678", "9.9999999999999999999999999999999999999e125",
  ];
  const shuffled = [...values].sort(() => Math.random() - 0.5);
  const byBytes = shuffled.sort((a, b) => Buffer.compare(encodeNumber(a), encodeNumber(b)));
  assert.deepEqual(byBytes, values);
  for (const v of values) assert.equal(decodeNumber(encodeNumber(v)), canonicalNumber(v));
  assert.ok(encodeNumber("1.0").equals(encodeNumber("1")));
});

test("strings and binaries order by UTF-8 bytes", () => {
  const s = ["A", "B", "a", "aa", "b", "é", "中"];
  const sorted = [...s].reverse().sort((a, b) => Buffer.compare(encodeKeyValue({ S: a }), encodeKeyValue({ S: b })));
  assert.deepEqual(sorted, s);
  assert.deepEqual(prefixSuccessor(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
  assert.equal(prefixSuccessor(Buffer.from([0xff])), null);
});

test("numbers: canonical form, arithmetic, limits", () => {
  assert.equal(canonicalNumber("00123.4500"), "123.45");
  assert.equal(canonicalNumber("1E3"), "1000");
  assert.equal(canonicalNumber("-0.0"), "0");
  assert.equal(addNumbers("0.1", "0.2"), "0.3");
  assert.equal(addNumbers("99999999999999999999999999999999999999", "-1"), "99999999999999999999999999999999999998");
  assert.equal(compareNumbers("2", "10"), -1);
  assert.throws(() => canonicalNumber("123456789012345678901234567890123456789"), /38 significant digits/);
  assert.throws(() => canonicalNumber("1e126"), /Number overflow/);
  assert.throws(() => canonicalNumber("1e-131"), /Number underflow/);
  assert.throws(() => canonicalNumber("abc"), /cannot be converted into a number/);
});

test("plain integers (read without the regex) parse exactly as the general form", async () => {
  const { parseDecimal } = await import("./number.js");
  const ints = ["0", "-0", "000", "7", "-7", "10", "-10", "000120", "-000120", "100000", "12345678901234567890123456789012345678", "-99999999999999999999999999999999999999000"];
  for (const s of ints) {
    // "s.0" has the same value but goes through the general (regex) parser.
    assert.deepEqual(parseDecimal(s), parseDecimal(`${s}.0`), s);
    assert.ok(encodeNumber(s).equals(encodeNumber(`${s}.0`)), s);
  }
  assert.equal(parseDecimal(""), null);
  assert.equal(parseDecimal("-"), null);
  assert.deepEqual(parseDecimal("+5"), parseDecimal("5"));
  assert.deepEqual(parseDecimal(" 5 "), parseDecimal("5"));
});
