import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildOwnHandlers } from "./handler-build-cache.js";

test("a handler build is reused while its sources keep their size and mtime, and redone when one changes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "handler-cache-"));
  try {
    const entry = path.join(dir, "entry.ts");
    const helper = path.join(dir, "helper.ts");
    fs.writeFileSync(helper, `export const value: number = 1;\n`);
    fs.writeFileSync(entry, `import { value } from "./helper.js";\nexport const handler = () => value;\n`);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(helper, past, past);
    const options = { entryPoints: [{ in: entry, out: "index" }], bundle: true, platform: "node" as const, format: "esm" as const, outExtension: { ".js": ".mjs" }, logLevel: "silent" as const };
    const read = (out: string) => fs.readFileSync(path.join(out, "index.mjs"), "utf8");

    buildOwnHandlers(options, path.join(dir, "out1"), path.join(dir, "cache"));
    assert.match(read(path.join(dir, "out1")), /value = 1/);

    // Same size, same mtime: taken as unchanged, the stored build is copied (not rebuilt).
    fs.writeFileSync(helper, `export const value: number = 7;\n`);
    fs.utimesSync(helper, past, past);
    buildOwnHandlers(options, path.join(dir, "out2"), path.join(dir, "cache"));
    assert.equal(read(path.join(dir, "out2")), read(path.join(dir, "out1")));

    // An edit (a new mtime) of a file the build read — not only the entry — builds again.
    fs.writeFileSync(helper, `export const value: number = 2;\n`);
    buildOwnHandlers(options, path.join(dir, "out3"), path.join(dir, "cache"));
    assert.match(read(path.join(dir, "out3")), /value = 2/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
