import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { OffThreadHash } from "./off-thread-hash.js";

test("digests equal node:crypto's over pieces of any size, several hashes at once", async () => {
  const data = randomBytes(5 * 1024 * 1024 + 12345);
  const md5 = new OffThreadHash("md5");
  const sha = new OffThreadHash("sha256");
  // Pieces smaller than, equal to and larger than a block, at odd offsets.
  const sizes = [1, 65536, 1024 * 1024, 3 * 1024 * 1024 + 7, 1000];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const piece = data.subarray(at, at + sizes[i % sizes.length]!);
    md5.update(piece);
    sha.update(piece);
    at += piece.length;
    const wait = md5.backlog();
    if (wait) await wait;
  }
  assert.equal((await md5.digest()).toString("hex"), createHash("md5").update(data).digest("hex"));
  assert.equal((await sha.digest()).toString("hex"), createHash("sha256").update(data).digest("hex"));
});

test("the digest of nothing, and a dropped hash leaves the others intact", async () => {
  assert.equal((await new OffThreadHash("md5").digest()).toString("hex"), createHash("md5").digest("hex"));
  const dropped = new OffThreadHash("md5");
  dropped.update(Buffer.from("lost"));
  dropped.drop();
  const kept = new OffThreadHash("md5");
  kept.update(Buffer.from("kept"));
  assert.equal((await kept.digest()).toString("hex"), createHash("md5").update("kept").digest("hex"));
});
