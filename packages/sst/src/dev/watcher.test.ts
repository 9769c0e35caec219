import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { watchTree, type TreeWatcher } from "./watcher.js";

let root: string;
let watcher: TreeWatcher;
let batches: string[][] = [];
let waiters: (() => void)[] = [];

function nextBatch(timeoutMs = 2000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no change reported")), timeoutMs);
    waiters.push(() => {
      clearTimeout(timer);
      resolve(batches.shift()!);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watchTree", () => {
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sst-watch-"));
    for (const d of ["src/a", "node_modules/pkg", ".sst/x", ".git"]) fs.mkdirSync(path.join(root, d), { recursive: true });
    watcher = watchTree(root, {
      debounceMs: 20,
      onChange(files) {
        batches.push(files);
        waiters.shift()?.();
      },
    });
  });
  after(() => {
    watcher.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("does not watch node_modules, .sst or .git", () => {
    const rel = watcher.directories.map((d) => path.relative(root, d)).sort();
    assert.deepEqual(rel, ["", "src", "src/a"]);
  });

  it("reports a changed file once per batch, with its absolute path", async () => {
    const next = nextBatch();
    fs.writeFileSync(path.join(root, "src/a/x.ts"), "1");
    fs.writeFileSync(path.join(root, "src/a/x.ts"), "2");
    const files = await next;
    assert.deepEqual(files, [path.join(root, "src/a/x.ts")]);
  });

  it("ignores changes inside ignored directories", async () => {
    fs.writeFileSync(path.join(root, "node_modules/pkg/index.js"), "x");
    fs.writeFileSync(path.join(root, ".sst/x/out.js"), "x");
    await sleep(100);
    assert.equal(batches.length, 0);
  });

  it("watches directories created later", async () => {
    fs.mkdirSync(path.join(root, "src/new/deep"), { recursive: true });
    await sleep(100);
    const next = nextBatch();
    fs.writeFileSync(path.join(root, "src/new/deep/y.ts"), "y");
    assert.deepEqual(await next, [path.join(root, "src/new/deep/y.ts")]);
  });

  it("stops reporting after close", async () => {
    watcher.close();
    fs.writeFileSync(path.join(root, "src/a/x.ts"), "3");
    await sleep(100);
    assert.equal(batches.length, 0);
  });
});
