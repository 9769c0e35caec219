import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BLOCK, FileRangeStream, lendsChunks } from "./file-range-stream.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-range-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;

function tempFile(bytes: Buffer): string {
  const file = path.join(dir, String(files++));
  fs.writeFileSync(file, bytes);
  return file;
}

/** Reads a stream whole, copying each chunk and handing it back at once (as the socket write would). */
async function drain(s: FileRangeStream, giveBack: boolean): Promise<{ bytes: Buffer; chunks: Buffer[] }> {
  const copies: Buffer[] = [];
  const chunks: Buffer[] = [];
  for await (const chunk of s) {
    copies.push(Buffer.from(chunk as Buffer));
    chunks.push(chunk as Buffer);
    if (giveBack) s.takeBack(chunk as Buffer);
  }
  return { bytes: Buffer.concat(copies), chunks };
}

const openFds = () => fs.readdirSync("/proc/self/fd").length;

test("reads exactly the range, in blocks, and closes the descriptor at the end", async () => {
  const data = randomBytes(2 * BLOCK + 1234);
  const file = tempFile(data);
  const before = openFds();
  const s = new FileRangeStream(fs.openSync(file, "r"), 100, 2 * BLOCK);
  assert.ok(lendsChunks(s));
  const { bytes, chunks } = await drain(s, false);
  assert.ok(bytes.equals(data.subarray(100, 100 + 2 * BLOCK)));
  assert.deepEqual(chunks.map((c) => c.length), [BLOCK, BLOCK]);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(openFds(), before);
});

test("an empty range reads nothing; a file shorter than the range is an error", async () => {
  const file = tempFile(randomBytes(10));
  assert.equal((await drain(new FileRangeStream(fs.openSync(file, "r"), 0, 0), false)).bytes.length, 0);
  await assert.rejects(drain(new FileRangeStream(fs.openSync(file, "r"), 0, 20), false), /ended 10 bytes early/);
});

test("blocks handed back are reused by the next stream, and what it reads is its own file's bytes", async () => {
  const a = randomBytes(3 * BLOCK);
  const b = randomBytes(3 * BLOCK);
  const first = await drain(new FileRangeStream(fs.openSync(tempFile(a), "r"), 0, a.length), true);
  assert.ok(first.bytes.equals(a));
  const second = await drain(new FileRangeStream(fs.openSync(tempFile(b), "r"), 0, b.length), true);
  assert.ok(second.bytes.equals(b));
  const firstBuffers = new Set(first.chunks.map((c) => c.buffer));
  assert.ok(second.chunks.some((c) => firstBuffers.has(c.buffer)), "the second stream reads into blocks the first handed back");
});

test("destroying a stream mid-way closes its descriptor", async () => {
  const file = tempFile(randomBytes(3 * BLOCK));
  const before = openFds();
  const s = new FileRangeStream(fs.openSync(file, "r"), 0, 3 * BLOCK);
  await new Promise<void>((resolve) => s.once("data", () => resolve()));
  s.destroy();
  await new Promise((r) => s.once("close", r));
  assert.equal(openFds(), before);
});
