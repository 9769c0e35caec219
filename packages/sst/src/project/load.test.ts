/** loadProject: config discovery, stage resolution, config inputs and syntax errors. */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadProject } from "./index.js";
import { sanitizeStage } from "./stage.js";
import { writeApp, removeApp, SEED_FILES } from "./fixtures/seed-app.js";

const dirs: string[] = [];
function app(files: Record<string, string> = SEED_FILES): string {
  const d = writeApp(files);
  dirs.push(d);
  return d;
}
after(() => dirs.forEach(removeApp));

describe("loadProject", () => {
  it("finds sst.config.ts from a subdirectory and lists the stack files as inputs", async () => {
    const dir = app();
    const p = await loadProject({ cwd: path.join(dir, "packages/functions/src"), stage: "prod" });
    assert.equal(p.root, dir);
    assert.equal(p.config.name, "my-app");
    assert.equal(p.config.region, "us-east-1");
    assert.equal(p.stage, "prod");
    assert.equal(p.config.ssmPrefix, "/sst/my-app/prod/");
    assert.deepEqual(p.paths, {
      root: dir, out: path.join(dir, ".sst"), dist: path.join(dir, ".sst/dist"),
      artifacts: path.join(dir, ".sst/artifacts"), types: path.join(dir, ".sst/types"),
    });
    assert.deepEqual(p.configInputs.map((f) => path.relative(dir, f)).sort(),
      ["sst.config.ts", "stacks/API.ts", "stacks/Database.ts", "stacks/Queue.ts", "stacks/Storage.ts"]);
    assert.deepEqual(fs.readdirSync(path.join(dir, ".sst")).filter((f) => f.endsWith(".mjs")), [], "bundle deleted");
  });

  it("passes the CLI's stage and region to config() and honours its answer", async () => {
    const dir = app({
      "sst.config.ts": `export default {
        config(input: any) { return { name: "cfg", region: input.region ?? "eu-west-1", stage: input.stage ? undefined : "fromconfig", ssmPrefix: "/custom/" }; },
        stacks() {},
      };`,
    });
    const a = await loadProject({ cwd: dir });
    assert.equal(a.stage, "fromconfig");
    assert.equal(a.config.region, "eu-west-1");
    assert.equal(a.config.ssmPrefix, "/custom/");
    const b = await loadProject({ cwd: dir, stage: "ci", region: "us-west-2" });
    assert.equal(b.stage, "ci");
    assert.equal(b.config.region, "us-west-2");
  });

  it("falls back to .sst/stage, then to the sanitised username (written to .sst/stage)", async () => {
    const dir = app({ "sst.config.ts": `export default { config() { return { name: "x" }; }, stacks() {} };` });
    const p = await loadProject({ cwd: dir });
    const expected = sanitizeStage(os.userInfo().username);
    assert.equal(p.stage, expected);
    assert.equal(fs.readFileSync(path.join(dir, ".sst/stage"), "utf8"), expected);
    fs.writeFileSync(path.join(dir, ".sst/stage"), "alice\n");
    assert.equal((await loadProject({ cwd: dir })).stage, "alice");
  });

  it("sanitises stage names", () => {
    assert.equal(sanitizeStage("John.Doe_2"), "john-doe-2");
    assert.equal(sanitizeStage("__"), "dev");
  });

  it("reports a syntax error in a stack file with file:line:column", async () => {
    const dir = app({
      ...SEED_FILES,
      "stacks/Storage.ts": `import { StackContext } from "sst/constructs";\nexport function Storage({ stack }: StackContext) {\n  const x = ;\n}\n`,
    });
    await assert.rejects(loadProject({ cwd: dir, stage: "dev" }), (e: Error) => {
      assert.ok(e.message.includes(`${path.join(dir, "stacks/Storage.ts")}:3:13`), e.message);
      assert.match(e.message, /Unexpected ";"/);
      return true;
    });
  });

  it("reports a syntax error in sst.config.ts itself", async () => {
    const dir = app({ "sst.config.ts": `export default {\n  config() { return { name: "x" } }\n  stacks() {}\n};\n` });
    await assert.rejects(loadProject({ cwd: dir }), (e: Error) => {
      assert.ok(e.message.includes(`${path.join(dir, "sst.config.ts")}:3:3`), e.message);
      return true;
    });
  });

  it("errors when no config exists", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-empty-"));
    dirs.push(dir);
    await assert.rejects(loadProject({ cwd: dir }), /Could not find a config file/);
  });

  it("rejects a config without a name", async () => {
    const dir = app({ "sst.config.ts": `export default { config() { return {}; }, stacks() {} };` });
    await assert.rejects(loadProject({ cwd: dir, stage: "dev" }), /must return an object with a "name"/);
  });
});
