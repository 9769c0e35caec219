/** Function bundling: output shape, CommonJS deps, source maps, copyFiles, errors. */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { bundleFunction, functionBuildOptions, nodeTarget, fallbackNodePaths } from "./index.js";
import { writeApp, removeApp } from "../project/fixtures/seed-app.js";

const run = promisify(execFile);

const root = writeApp({
  "node_modules/cjs-dep/package.json": JSON.stringify({ name: "cjs-dep", main: "index.js" }),
  "node_modules/cjs-dep/index.js": "const os = require('os'); module.exports = { platform: () => typeof os.platform() };",
  "src/api.ts": `
import dep from "cjs-dep";
import { Table } from "sst/node/table";
import { S3Client } from "@aws-sdk/client-s3";
export async function main(): Promise<string> {
  return [dep.platform(), Table.Users.tableName, typeof S3Client].join(",");
}
export function boom() { throw new Error("boom"); }
`,
  "src/broken.ts": "export const handler = async () => {\n  return 1 +;\n};\n",
  "assets/template.txt": "hello",
  // Its "exports" leave out ./package.json, as kysely's do.
  "node_modules/sealed-pkg/package.json": JSON.stringify({ name: "sealed-pkg", type: "module", exports: { ".": "./index.js" } }),
  "node_modules/sealed-pkg/index.js": "export const sealed = () => 'sealed';\n",
  "src/sealed.ts": `import { sealed } from "sealed-pkg";\nexport const main = async () => sealed();\n`,
});
// The Lambda runtime provides @aws-sdk; here the workspace's copy stands in for it.
fs.symlinkSync(fallbackNodePaths().map((d) => path.join(d, "@aws-sdk")).find((d) => fs.existsSync(d))!, path.join(root, "node_modules/@aws-sdk"));
after(() => removeApp(root));

const def = (handler: string, extra: object = {}) => ({ id: "fn1", handler, runtime: "nodejs22.x", ...extra });

describe("bundleFunction", () => {
  it("nodejs.install copies the package into the bundle's node_modules (also one whose exports hide package.json), and imports it from there", async () => {
    const out = path.join(root, ".sst/artifacts/sealed");
    const r = await bundleFunction(def("src/sealed.main", { nodejs: { install: ["sealed-pkg"] } }), root, out);
    assert.ok(fs.existsSync(path.join(out, "node_modules/sealed-pkg/index.js")));
    assert.match(fs.readFileSync(r.file, "utf8"), /from "sealed-pkg"/, "left external");
    await assert.rejects(bundleFunction(def("src/sealed.main", { nodejs: { install: ["not-there"] } }), root, path.join(root, ".sst/artifacts/x")), /nodejs.install package "not-there" is not installed/);
  });

  it("writes an ESM index.mjs that runs, with CJS deps and sst/node bundled and @aws-sdk external", async () => {
    const out = path.join(root, ".sst/artifacts/fn1");
    const r = await bundleFunction(def("src/api.main", { copyFiles: [{ from: "assets/template.txt", to: "t.txt" }] }), root, out);
    assert.equal(r.file, path.join(out, "index.mjs"));
    assert.equal(r.exportName, "main");
    assert.ok(r.inputs.includes(path.join(root, "src/api.ts")));
    const code = fs.readFileSync(r.file, "utf8");
    assert.match(code, /from "@aws-sdk\/client-s3"/, "the Lambda runtime provides the AWS SDK");
    assert.match(code, /createRequire/);
    assert.ok(fs.existsSync(path.join(out, "index.mjs.map")));
    assert.equal(fs.readFileSync(path.join(out, "t.txt"), "utf8"), "hello");
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e",
      `const m = await import(${JSON.stringify(r.file)}); console.log(await m.main());`],
      { env: { ...process.env, SST_APP: "my-app", SST_Table_tableName_Users: "dev-my-app-Users" }, cwd: "/" });
    assert.equal(stdout.trim(), "string,dev-my-app-Users,function");
  });

  it("bundles CommonJS output (index.cjs) with the runtime clients", async () => {
    const out = path.join(root, ".sst/artifacts/fn-cjs");
    const r = await bundleFunction(def("src/api.main", { nodejs: { format: "cjs" } }), root, out);
    assert.equal(r.file, path.join(out, "index.cjs"));
    const { stdout } = await run(process.execPath, ["-e", `require(${JSON.stringify(r.file)}).main().then(console.log)`],
      { env: { ...process.env, SST_APP: "my-app", SST_Table_tableName_Users: "u" } });
    assert.equal(stdout.trim(), "string,u,function");
  });

  it("maps stack traces back to the source with --enable-source-maps", async () => {
    const out = path.join(root, ".sst/artifacts/fn2");
    const r = await bundleFunction(def("src/api.boom"), root, out);
    const res = await run(process.execPath, ["--enable-source-maps", "--input-type=module", "-e",
      `const m = await import(${JSON.stringify(r.file)}); try { m.boom(); } catch (e) { console.log(e.stack); }`],
      { env: { ...process.env, SST_APP: "my-app", SST_Table_tableName_Users: "x" } });
    assert.ok(res.stdout.includes(path.join(root, "src/api.ts") + ":8"), res.stdout);
  });

  it("reports a syntax error with file:line:column", async () => {
    await assert.rejects(bundleFunction(def("src/broken.handler"), root, path.join(root, ".sst/b")), (e: Error) => {
      assert.ok(e.message.includes(`${path.join(root, "src/broken.ts")}:2:13`), e.message);
      return true;
    });
  });

  it("names the handler and tried paths when the file is missing", () => {
    assert.throws(() => functionBuildOptions(def("src/none.handler"), root, "/tmp/x"), /"src\/none.handler"[\s\S]*src\/none.ts/);
  });

  it("merges nodejs options: format, minify, esbuild overrides and target from the runtime", () => {
    const o = functionBuildOptions(def("src/api.main", {
      runtime: "nodejs18.x",
      nodejs: { format: "cjs", minify: true, sourcemap: false, esbuild: { external: ["pg"], define: { X: "1" } } },
    }), root, "/tmp/out");
    assert.equal(o.format, "cjs");
    assert.equal(o.outfile, "/tmp/out/index.cjs");
    assert.equal(o.minify, true);
    assert.equal(o.sourcemap, false);
    assert.equal(o.target, "node18");
    assert.deepEqual(o.external, ["@aws-sdk/*", "pg"]);
    assert.deepEqual(o.define, { X: "1" });
    assert.throws(() => nodeTarget("python3.12"), /Unsupported runtime "python3.12"/);
  });
});
