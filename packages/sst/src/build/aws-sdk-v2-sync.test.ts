/**
 * Server functions of sites are bundled with esbuild's `buildSync`, which runs no
 * plugins: one that bundles aws-sdk v2 (SST v2's remix-app example reads its table with
 * it) is rebuilt with the endpoint line, so its calls reach the local cloud; one without
 * the SDK is left as `buildSync` made it.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";
import { bundleSsrHandler } from "../constructs/site/ssr-bundle.js";
import { bundleFunctionSync } from "./bundle.js";

const root = writeApp({
  "site/with-sdk.ts": `import DynamoDB from "aws-sdk/clients/dynamodb";\nexport async function handler() { return new DynamoDB({ region: "us-east-1" }).endpoint.href; }\n`,
  "site/without-sdk.ts": `export async function handler() { return "plain"; }\n`,
  "site/broken.ts": `import DynamoDB from "aws-sdk/clients/dynamodb";\nexport const handler = ( => DynamoDB;\n`,
});
after(() => removeApp(root));

const bundle = (name: string) =>
  bundleSsrHandler({ site: "Site", root, handler: `site/${name}.handler`, runtime: "nodejs18.x", outdir: path.join(root, "out", name) });

describe("server function bundles and aws-sdk v2", () => {
  it("a bundle with aws-sdk v2 gets the endpoint line: its clients use AWS_ENDPOINT_URL", async () => {
    const out = bundle("with-sdk");
    const file = path.join(out.dir, "site", "with-sdk.mjs");
    assert.match(fs.readFileSync(file, "utf8"), /sstLocalEndpoint/);
    process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:4999";
    try {
      const { handler } = await import(pathToFileURL(file).href);
      assert.equal(await handler(), "http://127.0.0.1:4999/");
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });

  it("so does a function bundled synchronously", () => {
    const out = bundleFunctionSync({ id: "fn", handler: "site/with-sdk.handler", runtime: "nodejs20.x" }, root, path.join(root, "out", "fn"));
    assert.match(fs.readFileSync(out.file, "utf8"), /sstLocalEndpoint/);
  });

  it("a bundle without it is buildSync's", () => {
    const out = bundle("without-sdk");
    assert.doesNotMatch(fs.readFileSync(path.join(out.dir, "site", "without-sdk.mjs"), "utf8"), /sstLocalEndpoint/);
  });

  it("a syntax error still fails naming the file and line", () => {
    assert.throws(() => bundle("broken"), /problem bundling the SSR function for the "Site" Site[\s\S]*broken\.ts:2:/);
  });
});
