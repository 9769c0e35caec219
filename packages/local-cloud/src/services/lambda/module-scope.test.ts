import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { startTestCloud } from "../../testing.js";

test("a CommonJS index.js runs even when the state dir sits inside an ESM project", async () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "esm-project-"));
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ type: "module" }));
  const tc = await startTestCloud({ dir: path.join(project, ".sst", "local", "dev") });
  try {
    await tc.cloud.lambda.call("CreateFunction", {
      FunctionName: "cjs",
      Role: "arn:aws:iam::000000000000:role/r",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zipSync({ "index.js": strToU8("exports.handler = async (e) => ({ got: e.n * 2 });") }) },
    });
    const out = await tc.cloud.lambda.call("Invoke", { FunctionName: "cjs", Payload: JSON.stringify({ n: 21 }) });
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload).toString());
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload).toString()), { got: 42 });
  } finally {
    await tc.stop();
    fs.rmSync(project, { recursive: true, force: true });
  }
});
