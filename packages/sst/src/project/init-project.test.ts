/**
 * `initProject` from `sst/project.js`, which SST v2's stack tests call before
 * `new App(...)`: the app's config becomes the current project, and an App made after it
 * takes the project's SSM prefix and artifacts folder.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { initProject, useProject } from "../project.js";
import { App } from "../constructs/App.js";
import { writeApp, removeApp } from "./fixtures/seed-app.js";

const dir = writeApp({ "sst.config.ts": `export default { config() { return { name: "init-app", region: "eu-west-1" }; }, stacks() {} };\n` });
after(() => removeApp(dir));

describe("initProject", () => {
  it("loads sst.config.ts from the root as the CLI does and makes it the current project", async () => {
    const validation = process.env.CDK_VALIDATION;
    delete process.env.CDK_VALIDATION;
    try {
      const project = await initProject({ root: dir, stage: "prod" });
      assert.equal(useProject(), project);
      assert.equal(project.config.name, "init-app");
      assert.equal(project.config.region, "eu-west-1");
      assert.equal(project.config.stage, "prod");
      assert.equal(project.config.ssmPrefix, "/sst/init-app/prod/");
      assert.deepEqual(project.paths, { root: dir, config: path.join(dir, "sst.config.ts"), out: path.join(dir, ".sst"), artifacts: path.join(dir, ".sst", "artifacts") });
      assert.equal(process.env.SST_STAGE, "prod");
      assert.equal(process.env.CDK_VALIDATION, "false", "CDK's validator is off, as in sst dev");
    } finally {
      if (validation === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = validation;
    }
  });

  it("an App made after it, with only stage and mode, takes SST v2's defaults and the project's paths", () => {
    const app = new App({ stage: "prod", mode: "deploy" });
    // SST v2's App takes its name from its props alone; the SSM prefix comes from the project.
    assert.equal(app.name, "my-app");
    assert.equal(app.stage, "prod");
    assert.equal(app.ssmPrefix, "/sst/init-app/prod/");
    assert.equal(app.artifactsDir, path.join(dir, ".sst", "artifacts"));
    assert.equal(new App({}).stage, "dev");
  });

  it("fails naming the folder when there is no config", async () => {
    await assert.rejects(initProject({ root: os.tmpdir(), stage: "x" }), /Could not find a config file .* in \/tmp/);
  });
});
