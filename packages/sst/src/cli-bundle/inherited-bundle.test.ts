/**
 * A process running from the CLI bundle hands it to the synth process it starts
 * (`bundleDirEnv`), which then runs the same build without checking its sources again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const BOOTSTRAP = pathToFileURL(path.join(import.meta.dirname, "bootstrap.mjs")).href;

/** Runs `script` (ESM) in a fresh Node with `env` added, and returns its last line, parsed. */
function runFresh(script: string, env: Record<string, string>): any {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { env: { ...process.env, DISABLE_V8_COMPILE_CACHE: "1", ...env }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

const ASK = `const b = await import(${JSON.stringify(BOOTSTRAP)});
const url = await b.programUrl("synth-worker");
console.log(JSON.stringify({ url, left: process.env.SST_CLI_BUNDLE_DIR ?? null, handsOn: b.bundleDirEnv() }));`;

test("a child given its parent's bundle runs that bundle's program, hands it on, and leaves no trace of the variable in its environment", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inherited-bundle-"));
  try {
    // Not a real build: a fresh check of it against the sources would fail, so only the hand-over can pick it.
    fs.writeFileSync(path.join(dir, "synth-worker.mjs"), "");
    const out = runFresh(ASK, { SST_CLI_BUNDLE_DIR: dir });
    assert.equal(out.url, pathToFileURL(path.join(dir, "synth-worker.mjs")).href);
    assert.equal(out.left, null);
    assert.deepEqual(out.handsOn, { SST_CLI_BUNDLE_DIR: dir });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("with SST_CLI_BUNDLE=0 a handed-over bundle is not used: the sources run", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inherited-bundle-"));
  try {
    const source = pathToFileURL(path.join(import.meta.dirname, "..", "dev", "synth-worker-main.ts")).href;
    fs.writeFileSync(path.join(dir, "synth-worker.mjs"), "");
    const out = runFresh(ASK, { SST_CLI_BUNDLE_DIR: dir, SST_CLI_BUNDLE: "0" });
    assert.equal(out.url, source);
    assert.equal(out.left, null);
    assert.deepEqual(out.handsOn, {});
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
