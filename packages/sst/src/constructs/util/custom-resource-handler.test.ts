import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { App, Stack } from "../index.js";
import { customResourceHandler } from "./custom-resource-handler.js";
import { writeApp, removeApp } from "../../project/fixtures/seed-app.js";

const root = writeApp({});
after(() => removeApp(root));

describe("the stack's CustomResourceHandler bundle", () => {
  it("loads no AWS SDK client at its start: each custom resource type's chunk requires its own", () => {
    const app = new App({ name: "cr-app", stage: "test", region: "us-east-1", account: "000000000000", mode: "dev", root, outdir: path.join(root, ".sst/dist"), artifactsDir: path.join(root, ".sst/artifacts") });
    customResourceHandler(new Stack(app, "S"));
    const dir = path.join(root, ".sst/artifacts", "CustomResourceHandler");
    const files = fs.readdirSync(dir);
    const entry = fs.readFileSync(path.join(dir, "index.mjs"), "utf8");
    assert.doesNotMatch(entry, /@aws-sdk\//, "the entry names no SDK package");
    const chunks = files.filter((f) => f !== "index.mjs" && f.endsWith(".mjs")).map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    const ssm = chunks.filter((c) => c.includes(`"@aws-sdk/client-ssm"`));
    assert.ok(ssm.length > 0, "a chunk loads the SSM client");
    for (const c of chunks) assert.doesNotMatch(c, /^import[^;]*from ["']@aws-sdk\//m, "no static ESM import of the SDK");
  });
});
