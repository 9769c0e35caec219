import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DevFunctionBuilder } from "./function-builder.js";
import { defaultBuildOptions } from "./default-build-options.js";
import { withSdkThroughRequire } from "./sdk-through-require.js";

// Inside the repository, so the bundle's `require("@aws-sdk/…")` resolves from its node_modules as an app's would.
const root = path.resolve(import.meta.dirname, "../../../../.tmp", `sdk-require-${process.pid}`);
let builder: DevFunctionBuilder;

describe("sst dev bundles load the AWS SDK through require", () => {
  before(async () => {
    fs.mkdirSync(path.join(root, "src"), { recursive: true });
    fs.writeFileSync(
      path.join(root, "src/fn.ts"),
      [
        `import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";`,
        `import * as s3 from "@aws-sdk/client-s3";`,
        `export const handler = async () => [typeof SQSClient, typeof SendMessageCommand, typeof s3.S3Client].join(",");`,
      ].join("\n"),
    );
    builder = new DevFunctionBuilder({ root, outRoot: path.join(root, ".sst/artifacts/dev"), buildOptions: (def, r, out) => withSdkThroughRequire(defaultBuildOptions(def, r, out)) });
    await builder.setFunctions({ fn: { id: "fn", handler: "src/fn.handler", runtime: "nodejs20.x" } });
  });
  after(async () => {
    await builder.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("requires each SDK package instead of importing it, and the handler sees the same exports", async () => {
    const art = await builder.artifact("fn");
    const code = fs.readFileSync(art.file, "utf8");
    assert.match(code, /__require\("@aws-sdk\/client-sqs"\)/);
    assert.match(code, /__require\("@aws-sdk\/client-s3"\)/);
    assert.doesNotMatch(code, /from ["']@aws-sdk\//);
    const mod = await import(pathToFileURL(art.file).href);
    assert.equal(await mod.handler(), "function,function,function");
  });

  it("still lists the SDK packages for a standby to load ahead, through require too", async () => {
    const art = await builder.artifact("fn");
    assert.ok(art.preload);
    const preload = fs.readFileSync(art.preload, "utf8");
    assert.match(preload, /require\("@aws-sdk\/client-sqs"\)/);
    assert.match(preload, /require\("@aws-sdk\/client-s3"\)/);
    // Exported too: the standby warms each package up with one request (sdk-warmup.mjs).
    const { sdkModules } = await import(pathToFileURL(art.preload).href);
    assert.deepEqual(sdkModules.map((m: Record<string, unknown>) => ["SQSClient", "S3Client"].filter((n) => typeof m[n] === "function")).flat().sort(), ["S3Client", "SQSClient"]);
  });

  it("leaves CommonJS output and bundles that include the SDK as they are", () => {
    const base = { format: "esm" as const, external: ["@aws-sdk/*"] };
    assert.equal(withSdkThroughRequire({ ...base, format: "cjs" }).plugins, undefined);
    assert.equal(withSdkThroughRequire({ ...base, external: [] }).plugins, undefined);
    assert.equal(withSdkThroughRequire(base).plugins?.length, 1);
  });
});
