/**
 * The CLI bundle loads aws-cdk-lib and constructs with `require`: a synth process loads
 * the parts of aws-cdk-lib it uses, not the whole lazy root index that an ESM
 * `import { App } from "aws-cdk-lib"` fills its namespace from (~500 modules).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freshCliBundle } from "./cache.js";

const repoRoot = path.resolve(fileURLToPath(import.meta.url), "../../../../..");

/** Runs `script` (ESM) in a fresh Node and returns what it printed, parsed. */
function runFresh(script: string): { cdkModules: number; [k: string]: unknown } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

const COUNT = `const { createRequire } = await import("node:module"); const cdkModules = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("/aws-cdk-lib/")).length;`;

test("a bundled `import { App, Duration } from \"aws-cdk-lib\"` loads a handful of aws-cdk-lib's modules, with the same classes an import gets", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cli-bundle-cdk-"));
  // The bundle lives where Node finds aws-cdk-lib from (as the real one, inside packages/sst).
  const cacheDir = path.join(repoRoot, "node_modules", ".cache", `cdk-require-test-${process.pid}`);
  try {
    const packagesDir = path.join(root, "packages");
    const entry = path.join(packagesDir, "cli", "src", "synth.ts");
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(entry, `import { App, Duration } from "aws-cdk-lib";\nimport * as lambda from "aws-cdk-lib/aws-lambda";\nimport { Construct } from "constructs";\nexport const run = () => ({ app: new App(), seconds: Duration.minutes(2).toSeconds(), runtime: lambda.Runtime.NODEJS_20_X.name, Construct });\nexport const later = async () => { const cdk = await import("aws-cdk-lib"); return new cdk.App() instanceof Construct; };\n`);
    const dir = await freshCliBundle({ cacheDir, toolchain: "test", packagesDir, entries: { synth: entry } });
    // (splitting, as the real bundle: a dynamic import becomes a chunk of its own)
    const bundled = runFresh(`const { run } = await import(${JSON.stringify(pathToFileURL(path.join(dir, "synth.mjs")).href)});
const r = run(); const { Construct } = await import("constructs");
${COUNT}
const dynamicImportWorks = await (await import(${JSON.stringify(pathToFileURL(path.join(dir, "synth.mjs")).href)})).later();
console.log(JSON.stringify({ cdkModules, seconds: r.seconds, runtime: r.runtime, sameConstruct: r.Construct === Construct, isConstruct: r.app instanceof Construct, dynamicImportWorks }));`);
    // A dynamic import (the AWS target's bootstrap stack) keeps import semantics: named exports work.
    assert.deepEqual({ ...bundled, cdkModules: undefined }, { cdkModules: undefined, seconds: 120, runtime: "nodejs20.x", sameConstruct: true, isConstruct: true, dynamicImportWorks: true });
    const imported = runFresh(`const { App } = await import("aws-cdk-lib"); new App(); await import("aws-cdk-lib/aws-lambda");\n${COUNT}\nconsole.log(JSON.stringify({ cdkModules }));`);
    assert.ok(bundled.cdkModules < imported.cdkModules / 3, `bundled: ${bundled.cdkModules} aws-cdk-lib modules, imported: ${imported.cdkModules}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
