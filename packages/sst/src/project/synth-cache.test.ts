/**
 * The dev synth cache against the real loader and synth: a hit returns what the synth
 * returned; every change that could change the synth is a miss.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { loadProject, synth } from "./index.js";
import { EnvReads, readSynthCache, snapshotInputs, writeSynthCache, SYNTH_CACHE_FILE, type SynthCacheQuery } from "./synth-cache.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";

process.env.CDK_VALIDATION = "false";

describe("synth cache", () => {
  let dir: string;
  let query: SynthCacheQuery;
  let expected: { functions: unknown; stacks: unknown; assemblyDir: string };

  /** Loads and synthesizes for real, then records the result. */
  async function synthAndCache(): Promise<void> {
    const project = await loadProject({ cwd: dir, stage: "dev" });
    const snapshot = snapshotInputs(project);
    const result = await synth(project, { mode: "dev" });
    assert.equal(writeSynthCache(query, project, result, snapshot), true);
    // As JSON: the cache stores JSON, where undefined props (e.g. `nodejs`) are absent.
    expected = JSON.parse(JSON.stringify({ functions: result.functions, stacks: result.stacks, assemblyDir: result.assemblyDir }));
  }

  before(async () => {
    dir = writeApp();
    query = { cwd: dir, stage: "dev", mode: "dev" };
    await synthAndCache();
  });
  after(() => removeApp(dir));

  it("a start with nothing changed gets the project and synth back, without loading the config", () => {
    const hit = readSynthCache(query);
    assert.ok(hit, "expected a hit");
    assert.equal(hit.project.stage, "dev");
    assert.equal(hit.project.config.name, "my-app");
    assert.equal(hit.project.config.region, "us-east-1");
    assert.equal(hit.project.config.ssmPrefix, "/sst/my-app/dev/");
    assert.ok(hit.project.configInputs.some((f) => f.endsWith(path.join("stacks", "API.ts"))));
    assert.deepEqual(hit.synth.functions, expected.functions);
    assert.deepEqual(hit.synth.stacks, expected.stacks);
    assert.equal(hit.synth.assemblyDir, expected.assemblyDir);
    // From a subdirectory too: the config is found upward, as the loader does.
    assert.ok(readSynthCache({ ...query, cwd: path.join(dir, "stacks") }));
  });

  it("another stage, region or mode is a miss", () => {
    assert.equal(readSynthCache({ ...query, stage: "prod" }), undefined);
    assert.equal(readSynthCache({ ...query, region: "eu-west-1" }), undefined);
    assert.equal(readSynthCache({ ...query, mode: "deploy" }), undefined);
  });

  it("an edited stack file is a miss; restoring it is a hit again", () => {
    const file = path.join(dir, "stacks/API.ts");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original + "\n// edited\n");
    assert.equal(readSynthCache(query), undefined);
    fs.writeFileSync(file, original);
    assert.ok(readSynthCache(query));
  });

  it("a changed package.json (dependencies are external to the config bundle) is a miss", () => {
    const file = path.join(dir, "package.json");
    const original = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, original.replace(`"private":true`, `"private":true,"dependencies":{"x":"1"}`));
    assert.equal(readSynthCache(query), undefined);
    fs.writeFileSync(file, original);
    assert.ok(readSynthCache(query));
  });

  it("a deleted handler file is a miss (synth must report it)", () => {
    const fn = Object.values(expected.functions as Record<string, { handler: string }>)[0]!;
    const base = path.join(dir, fn.handler.slice(0, fn.handler.lastIndexOf(".")));
    const file = [".ts", ".js"].map((e) => base + e).find((f) => fs.existsSync(f))!;
    const text = fs.readFileSync(file);
    fs.rmSync(file);
    assert.equal(readSynthCache(query), undefined);
    fs.writeFileSync(file, text);
    assert.ok(readSynthCache(query));
  });

  it("an assembly overwritten by another synth (sst build) or removed is a miss", () => {
    const manifest = path.join(expected.assemblyDir, "manifest.json");
    const text = fs.readFileSync(manifest, "utf8");
    fs.writeFileSync(manifest, text.replace("{", "{ "));
    assert.equal(readSynthCache(query), undefined);
    fs.writeFileSync(manifest, text);
    assert.ok(readSynthCache(query));
    fs.rmSync(path.join(dir, ".sst/types/index.ts"));
    assert.equal(readSynthCache(query), undefined);
  });

  it("an environment variable the stacks read at synth, set to another value or unset, is a miss", async () => {
    const stack = path.join(dir, "stacks/API.ts");
    const original = fs.readFileSync(stack, "utf8");
    // A stack that passes an environment variable on, as the seed app's Auth stack does.
    fs.writeFileSync(stack, original.replace(`export function API(`, `const fromEnv = process.env.SST_CACHE_TEST_VALUE ?? "none";\nexport function API(`)
      .replace(`timeout: "30 seconds",`, `timeout: "30 seconds", environment: { FROM_ENV: fromEnv },`));
    process.env.SST_CACHE_TEST_VALUE = "first";
    try {
      const reads = new EnvReads();
      const project = await reads.during(() => loadProject({ cwd: dir, stage: "dev" }));
      const snapshot = snapshotInputs(project);
      const result = await reads.during(() => synth(project, { mode: "dev" }));
      assert.equal(reads.values.SST_CACHE_TEST_VALUE, "first");
      assert.ok(fs.readFileSync(result.stacks.find((x) => x.stackName.endsWith("-API"))!.templateFile, "utf8").match(/"FROM_ENV":\s*"first"/));
      assert.equal(writeSynthCache(query, project, result, { ...snapshot, env: reads.values }), true);
      assert.ok(readSynthCache(query), "same environment: a hit");
      process.env.SST_CACHE_TEST_VALUE = "second";
      assert.equal(readSynthCache(query), undefined);
      delete process.env.SST_CACHE_TEST_VALUE;
      assert.equal(readSynthCache(query), undefined);
      process.env.SST_CACHE_TEST_VALUE = "first";
      assert.ok(readSynthCache(query));
    } finally {
      delete process.env.SST_CACHE_TEST_VALUE;
      fs.writeFileSync(stack, original);
      await synthAndCache();
    }
  });

  it("EnvReads ignores variables written before they are read, and copies of the whole environment", async () => {
    process.env.SST_ENVREADS_COPIED = "x";
    const reads = new EnvReads();
    const seen = await reads.during(async () => {
      const copy = { ...process.env };
      process.env.SST_ENVREADS_WRITTEN = "mine";
      await Promise.resolve();
      return [copy.SST_ENVREADS_COPIED, process.env.SST_ENVREADS_WRITTEN, process.env.SST_ENVREADS_UNSET, "SST_ENVREADS_HAS" in process.env];
    });
    assert.deepEqual(seen, ["x", "mine", undefined, false]);
    assert.deepEqual(
      Object.fromEntries(Object.entries(reads.values).filter(([k]) => k.startsWith("SST_ENVREADS"))),
      { SST_ENVREADS_UNSET: null, SST_ENVREADS_HAS: null },
    );
    assert.equal(process.env.SST_ENVREADS_WRITTEN, "mine", "writes reach the real environment");
    assert.equal(typeof (process.env as any)[Symbol.for("x")], "undefined");
    delete process.env.SST_ENVREADS_COPIED;
    delete process.env.SST_ENVREADS_WRITTEN;
  });

  it("a corrupt or missing cache file is a miss, never an error", async () => {
    await synthAndCache();
    const file = path.join(dir, ".sst", SYNTH_CACHE_FILE);
    fs.writeFileSync(file, "{ not json");
    assert.equal(readSynthCache(query), undefined);
    fs.writeFileSync(file, JSON.stringify({ format: 1, key: "x" }));
    assert.equal(readSynthCache(query), undefined);
    fs.rmSync(file);
    assert.equal(readSynthCache(query), undefined);
  });
});
