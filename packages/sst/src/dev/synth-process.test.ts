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
import { startSynthProcessEarly, takeEarlySynthProcess } from "./synth-process-early.mjs";

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

describeEarly();
function describeEarly(): void {
  const early = () => (globalThis as unknown as Record<symbol, { child: import("node:child_process").ChildProcess } | undefined>)[Symbol.for("sst.earlySynthProcess")]?.child;
  const exited = (child: import("node:child_process").ChildProcess) =>
    new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
      else {
        child.ref(); // (the entry leaves it unreferenced: it must not keep the CLI alive)
        child.once("exit", (code, signal) => resolve({ code, signal }));
      }
    });

  test("a synth process the `sst` entry started early does the synth, in the environment the CLI has when it asks", async () => {
    startSynthProcessEarly(["dev", "--stage", "t"], { ...process.env }, app);
    const child = early();
    assert.ok(child, "started for `sst dev` in a directory without a synth cache");
    const saved = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = "early-then-set"; // set after the process started, as cli/dev.ts does
    try {
      const run = synthInProcess({ cwd: app, stage: "t", verbose: false });
      assert.equal(early(), undefined, "taken");
      const done = await run.synthesized;
      assert.ok(done);
      assert.equal(done.synth.stacks.length, 1);
      assert.equal(done.envValues.CDK_VALIDATION, "early-then-set");
      // It was that process that synthesized: it ended on its own when done.
      assert.deepEqual(await exited(child), { code: 0, signal: null });
    } finally {
      if (saved === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = saved;
    }
  });

  test("an early synth process not taken, or started for another directory, is ended; none starts for other commands or apps with a synth cache", async () => {
    startSynthProcessEarly(["dev"], { ...process.env }, app);
    const unused = early()!;
    assert.equal(takeEarlySynthProcess(), undefined);
    assert.equal((await exited(unused)).signal, "SIGTERM");

    startSynthProcessEarly(["dev"], { ...process.env }, os.tmpdir());
    const elsewhere = early()!;
    assert.equal(takeEarlySynthProcess(app), undefined);
    assert.equal((await exited(elsewhere)).signal, "SIGTERM");

    startSynthProcessEarly(["deploy"], { ...process.env }, app);
    startSynthProcessEarly(["dev", "--help"], { ...process.env }, app);
    assert.equal(early(), undefined);
    fs.mkdirSync(path.join(app, ".sst"), { recursive: true });
    fs.writeFileSync(path.join(app, ".sst", "synth-cache.json"), "{}");
    try {
      startSynthProcessEarly(["dev"], { ...process.env }, app);
      assert.equal(early(), undefined);
    } finally {
      fs.rmSync(path.join(app, ".sst", "synth-cache.json"));
    }
  });
}
