import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DevFunctionBuilder, exportNameOf, type BuildEvent } from "./function-builder.js";
import { defaultBuildOptions } from "./default-build-options.js";

let root: string;
let builder: DevFunctionBuilder;
const events: BuildEvent[] = [];

function write(rel: string, text: string) {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
}

async function run(file: string, exportName: string): Promise<unknown> {
  const mod = await import(`${pathToFileURL(file).href}?t=${Date.now()}${Math.random()}`);
  return mod[exportName]();
}

describe("DevFunctionBuilder", () => {
  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sst-builder-"));
    write("src/util.ts", `export const greeting = (): string => "hello";\n`);
    write("src/hello.ts", `import { greeting } from "./util.js";\nexport const handler = async () => greeting();\n`);
    write("src/other.ts", `export const main = async () => "other";\n`);
    write("src/broken.ts", `export const handler = async () => {\n`);
    builder = new DevFunctionBuilder({
      root,
      outRoot: path.join(root, ".sst/artifacts/dev"),
      buildOptions: defaultBuildOptions,
      onEvent: (e) => events.push(e),
    });
    await builder.setFunctions({
      hello: { id: "hello", handler: "src/hello.handler", runtime: "nodejs20.x" },
      other: { id: "other", handler: "src/other.main", runtime: "nodejs20.x" },
      broken: { id: "broken", handler: "src/broken.handler", runtime: "nodejs20.x" },
    });
  });
  after(async () => {
    await builder.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("derives the export name from the handler", () => {
    assert.equal(exportNameOf("packages/functions/src/users/list.handler"), "handler");
    assert.equal(exportNameOf("src/a.b.main"), "main");
  });

  it("builds lazily on first use into .sst/artifacts/dev/<id>/ and records inputs", async () => {
    assert.deepEqual(builder.builtIds(), []);
    const art = await builder.artifact("hello");
    assert.ok(art.file.startsWith(path.join(root, ".sst/artifacts/dev/hello")));
    assert.equal(art.exportName, "handler");
    assert.equal(await run(art.file, art.exportName), "hello");
    assert.deepEqual(builder.builtIds(), ["hello"]);
    assert.ok(builder.inputsOf("hello").includes(path.join(root, "src/util.ts")));
    // A second call reuses the build.
    assert.equal((await builder.artifact("hello")).version, art.version);
  });

  it("rebuilds only functions whose inputs changed, with a new version", async () => {
    const before = await builder.artifact("hello");
    await builder.artifact("other");
    events.length = 0;
    write("src/util.ts", `export const greeting = (): string => "hello again";\n`);
    const t0 = performance.now();
    const results = await builder.filesChanged([path.join(root, "src/util.ts")]);
    const ms = performance.now() - t0;
    assert.equal(results.length, 1, "only hello uses util.ts");
    const [ev] = results;
    assert.equal(ev.type, "built");
    assert.equal(ev.id, "hello");
    const after = await builder.artifact("hello");
    assert.notEqual(after.version, before.version);
    assert.equal(await run(after.file, after.exportName), "hello again");
    assert.ok(ms < 1000, `rebuild took ${ms}ms`);
  });

  it("keeps serving the last good build when a rebuild fails", async () => {
    const good = await builder.artifact("hello");
    write("src/util.ts", `export const greeting = (): string => "oops;\n`);
    const [ev] = await builder.filesChanged([path.join(root, "src/util.ts")]);
    assert.equal(ev.type, "failed");
    if (ev.type === "failed") assert.match(ev.errors[0], /src\/util\.ts:1:\d+: /);
    const still = await builder.artifact("hello");
    assert.equal(still.version, good.version);
    assert.equal(await run(still.file, still.exportName), "hello again");
    // Fixing it builds again.
    write("src/util.ts", `export const greeting = (): string => "fixed";\n`);
    const [fixed] = await builder.filesChanged([path.join(root, "src/util.ts")]);
    assert.equal(fixed.type, "built");
    assert.equal(await run((await builder.artifact("hello")).file, "handler"), "fixed");
  });

  it("an output that did not change keeps its version", async () => {
    const v = (await builder.artifact("hello")).version;
    const [ev] = await builder.filesChanged([path.join(root, "src/util.ts")]);
    assert.equal(ev.type, "built");
    if (ev.type === "built") assert.equal(ev.changed, false);
    assert.equal((await builder.artifact("hello")).version, v);
  });

  it("a function that never built serves a module that throws its build errors (file:line:col), until fixed", async () => {
    const stub = await builder.artifact("broken");
    assert.match(stub.version, /^error-/);
    await assert.rejects(import(pathToFileURL(stub.file).href), (err: Error) => {
      assert.equal(err.name, "BuildError");
      assert.match(err.message, /Failed to build src\/broken\.handler\nsrc\/broken\.ts:2:\d+: /);
      return true;
    });
    assert.equal((await builder.artifact("broken")).version, stub.version, "no rebuild without a change");
    const failed = events.filter((e) => e.type === "failed" && e.id === "broken");
    assert.equal(failed.length, 1);
    if (failed[0].type === "failed") assert.equal(failed[0].servingPrevious, false);
    // Any change retries a function that never built (its inputs are unknown).
    write("src/broken.ts", `export const handler = async () => "mended";\n`);
    const [ev] = await builder.filesChanged([path.join(root, "src/somewhere-else.ts")]);
    assert.equal(ev.type, "built");
    assert.equal(await run((await builder.artifact("broken")).file, "handler"), "mended");
  });

  it("setFunctions drops changed definitions and unknown ids fail clearly", async () => {
    await builder.setFunctions({ hello: { id: "hello", handler: "src/hello.handler", runtime: "nodejs22.x" } });
    assert.deepEqual(builder.builtIds(), [], "changed runtime → context recreated on next use");
    assert.equal(builder.has("other"), false);
    await assert.rejects(builder.artifact("other"), /Unknown function "other"/);
    assert.equal(await run((await builder.artifact("hello")).file, "handler"), "fixed");
  });
});
