import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DevFunctionBuilder, type BuildEvent } from "./function-builder.js";
import { defaultBuildOptions } from "./default-build-options.js";
import { isPythonSourceChange, pythonDevBuild } from "./python-source.js";

let root: string;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};

describe("Python functions under sst dev (run from their source folder)", () => {
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "sst-python-src-"));
    write("services/requirements.txt", "");
    write("services/src/api.py", "def handler(event, context):\n    return 1\n");
    write("services/src/db.py", "X = 1\n");
    write("services/other/__init__.py", "");
    write("loose/no_requirements.py", "def handler(e, c): pass\n");
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("runs the handler's file from the folder holding requirements.txt, as SST v2 did", () => {
    const { artifact, srcDir } = pythonDevBuild(root, { handler: "services/src/api.handler", runtime: "python3.11" });
    assert.equal(srcDir, path.join(root, "services"));
    assert.deepEqual({ ...artifact, version: undefined }, {
      file: path.join(root, "services/src/api.py"),
      exportName: "handler",
      version: undefined,
      runtime: "python3.11",
      taskRoot: path.join(root, "services"),
    });
    assert.match(artifact.version, /^py-[0-9a-f]{12}$/);
  });

  it("fails naming the handler when there is no source folder or no file", () => {
    assert.throws(() => pythonDevBuild(root, { handler: "loose/no_requirements.handler", runtime: "python3.11" }), /Could not find src for loose\/no_requirements\.handler/);
    assert.throws(() => pythonDevBuild(root, { handler: "services/src/nope.handler", runtime: "python3.11" }), /Could not find the handler file services\/src\/nope\.py/);
  });

  it("a change to any file of the source folder is a change of the code; caches and environments are not", () => {
    const src = path.join(root, "services");
    assert.equal(isPythonSourceChange(src, path.join(src, "src/db.py")), true);
    assert.equal(isPythonSourceChange(src, path.join(src, "config.json")), true);
    assert.equal(isPythonSourceChange(src, path.join(src, "src/__pycache__/db.cpython-311.pyc")), false);
    assert.equal(isPythonSourceChange(src, path.join(src, ".venv/lib/x.py")), false);
    assert.equal(isPythonSourceChange(src, path.join(root, "loose/no_requirements.py")), false);
  });

  it("the builder gives a new version when an imported module changes, and none for an unrelated file", async () => {
    const events: BuildEvent[] = [];
    const builder = new DevFunctionBuilder({ root, outRoot: path.join(root, ".sst/artifacts/dev"), buildOptions: defaultBuildOptions, onEvent: (e) => events.push(e) });
    try {
      await builder.setFunctions({ api: { id: "api", handler: "services/src/api.handler", runtime: "python3.11" } });
      const first = await builder.artifact("api");
      assert.equal(first.runtime, "python3.11");
      assert.deepEqual(builder.builtIds(), ["api"]);
      assert.deepEqual(await builder.filesChanged([path.join(root, "loose/no_requirements.py")]), []);
      await new Promise((r) => setTimeout(r, 5));
      write("services/src/db.py", "X = 2\n");
      const [rebuilt] = await builder.filesChanged([path.join(root, "services/src/db.py")]);
      assert.equal(rebuilt?.type, "built");
      assert.equal(rebuilt?.type === "built" && rebuilt.changed, true);
      assert.notEqual(builder.readyArtifact("api")!.version, first.version);
      assert.ok(!fs.existsSync(path.join(root, ".sst/artifacts/dev/api")), "nothing is copied: the source runs in place");
    } finally {
      await builder.dispose();
    }
  });
});
