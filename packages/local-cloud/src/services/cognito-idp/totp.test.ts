/** RFC 6238's SHA-1 test vectors (Appendix B, last six digits) and base32 round trips. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { base32Decode, base32Encode, matchTotp, newTotpSecret, totpCode, totpStep } from "./totp.js";

const RFC_SECRET = base32Encode(Buffer.from("12345678901234567890"));

test("TOTP codes match RFC 6238's SHA-1 test vectors", () => {
  const vectors: [number, string][] = [[59, "287082"], [1111111109, "081804"], [1111111111, "050471"], [1234567890, "005924"], [2000000000, "279037"], [20000000000, "353130"]];
  for (const [seconds, code] of vectors) assert.equal(totpCode(RFC_SECRET, totpStep(seconds * 1000)), code, `T=${seconds}`);
});

test("a code is accepted one step either side of now, not two", () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const now = 1_700_000_000_000;
  const step = totpStep(now);
  assert.equal(matchTotp(secret, totpCode(secret, step), now), step);
  assert.equal(matchTotp(secret, totpCode(secret, step - 1), now), step - 1);
  assert.equal(matchTotp(secret, totpCode(secret, step + 1), now), step + 1);
  assert.equal(matchTotp(secret, totpCode(secret, step - 2), now), undefined);
});

test("base32 round-trips any bytes", () => {
  for (const n of [0, 1, 5, 19, 20, 33]) {
    const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255));
    assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
  }
  assert.equal(base32Encode(Buffer.from("foobar")), "MZXW6YTBOI");
});
