/** Checksums computed piece by piece equal those of the whole body, for every algorithm S3 takes. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CHECKSUM_ALGORITHMS, computeChecksum, createChecksum } from "./checksums.js";

describe("createChecksum", () => {
  it("matches computeChecksum however the data is split", () => {
    const data = randomBytes(100_003);
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const whole = computeChecksum(algorithm, data);
      for (const size of [1, 17, 4096, data.length]) {
        const running = createChecksum(algorithm);
        for (let at = 0; at < data.length; at += size) running.update(data.subarray(at, at + size));
        assert.equal(running.digest(), whole, `${algorithm} in pieces of ${size}`);
      }
      assert.equal(createChecksum(algorithm).digest(), computeChecksum(algorithm, new Uint8Array(0)), `${algorithm} of nothing`);
    }
  });

  it("gives S3's known CRC32 of 'abc'", () => {
    const running = createChecksum("CRC32");
    running.update(Buffer.from("a"));
    running.update(Buffer.from("bc"));
    assert.equal(running.digest(), "NSRBwg==");
  });
});
