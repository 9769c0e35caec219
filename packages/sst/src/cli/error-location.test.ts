import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { userCodeLocation } from "./error-location.js";

const sstFile = fileURLToPath(new URL("../constructs/Table.ts", import.meta.url));

describe("userCodeLocation", () => {
  it("skips sst, node_modules, node internals and generated files", () => {
    const err = new Error("bad");
    err.stack = [
      "Error: bad",
      `    at new Table (${sstFile}:10:5)`,
      "    at Object.x (/app/node_modules/aws-cdk-lib/core/lib/x.js:1:1)",
      "    at file:///app/.sst/sst.config.123.mjs:5:5",
      "    at node:internal/modules/esm/module_job:325:25",
      "    at Database (file:///app/stacks/Database.ts:7:11)",
      "    at later (/app/stacks/Other.ts:1:1)",
    ].join("\n");
    assert.equal(userCodeLocation(err, "/app"), "stacks/Database.ts:7:11");
  });
  it("is undefined without a user frame or a stack", () => {
    assert.equal(userCodeLocation({ message: "x" }), undefined);
    const err = new Error("y");
    err.stack = "Error: y\n    at node:internal/x:1:1";
    assert.equal(userCodeLocation(err), undefined);
  });
});
