/**
 * The synth process (synth-process.ts) on a small app: it hands over the project, then
 * the synth, with the environment variables they read as the next `sst dev` will find
 * them, so that its synth cache can hit.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { synthInProcess } from "./synth-process.js";

const NODE_MODULES = fileURLToPath(new URL("../../../../node_modules", import.meta.url));
let app: string;

before(() => {
  app = fs.mkdtempSync(path.join(os.tmpdir(), "sst-synth-process-"));
  fs.symlinkSync(NODE_MODULES, path.join(app, "node_modules"));
  fs.mkdirSync(path.join(app, "stacks"));
  fs.mkdirSync(path.join(app, "src"));
  fs.writeFileSync(
    path.join(app, "sst.config.ts"),
    `import type { SSTConfig } from "sst";
import { One } from "./stacks/One";
export default {
  config() { return { name: "synthproc", region: "us-east-1" }; },
  stacks(app) { app.stack(One); },
} satisfies SSTConfig;
`,
  );
  fs.writeFileSync(
    path.join(app, "stacks/One.ts"),
    `import { StackContext, Function } from "sst/constructs";
export function One({ stack }: StackContext) {
  new Function(stack, "Hello", { handler: "src/hello.handler" });
}
`,
  );
  fs.writeFileSync(path.join(app, "src/hello.ts"), `export const handler = async () => "hi";\n`);
});
after(() => fs.rmSync(app, { recursive: true, force: true }));

test("a variable the load sets for itself is recorded as unset, as the next start finds it", async () => {
  const saved = process.env.JSII_DEPRECATED;
  delete process.env.JSII_DEPRECATED;
  process.env.CDK_VALIDATION = "false";
  try {
    const run = synthInProcess({ cwd: app, stage: "t", verbose: false });
    const loaded = await run.loaded;
    assert.equal(loaded.project.config.name, "synthproc");
    const done = await run.synthesized;
    assert.ok(done, "the synth result left the process");
    assert.equal(done.synth.stacks.length, 1);
    // The load sets JSII_DEPRECATED=quiet before CDK reads it; this process never had it.
    assert.equal(done.envValues.JSII_DEPRECATED, null);
    assert.equal(done.envValues.CDK_VALIDATION, "false");
  } finally {
    if (saved === undefined) delete process.env.JSII_DEPRECATED;
    else process.env.JSII_DEPRECATED = saved;
  }
});
