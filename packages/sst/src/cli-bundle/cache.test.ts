import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { freshCliBundle, type CliBundleOptions } from "./cache.js";

/** A workspace of two packages: a CLI entry, a module it shares with configs, and one that finds a file beside it. */
function workspace(): { root: string; opts: CliBundleOptions; write(rel: string, text: string): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cli-bundle-"));
  const packagesDir = path.join(root, "packages");
  const write = (rel: string, text: string) => {
    const file = path.join(packagesDir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    // As a checkout's files: written well before the build, not during it.
    const past = new Date(Date.now() - 60_000 + fs.readdirSync(path.dirname(file)).length);
    fs.utimesSync(file, past, past);
  };
  write("cli/src/main.ts", `import { shared } from "./shared.js";\nimport { here, beside, banner } from "../../cloud/src/locate.js";\nexport const main = (): string[] => [shared, here, beside(), banner];\n`);
  write("cli/src/shared.ts", `export const shared: string[] = ["shared"];\n`);
  write("cloud/src/locate.ts", `import fs from "node:fs";\nexport const here: string = import.meta.url;\nexport const beside = (): string => fs.readFileSync(new URL("./data.txt", import.meta.url), "utf8");\nexport const banner = "createRequire(import.meta.url)";\n`);
  write("cloud/src/data.txt", "found beside its module");
  const opts: CliBundleOptions = {
    cacheDir: path.join(root, "cache"),
    toolchain: "test",
    packagesDir,
    entries: { main: path.join(packagesDir, "cli/src/main.ts"), "sst/shared": path.join(packagesDir, "cli/src/shared.ts") },
  };
  return { root, opts, write };
}

test("the bundle runs the sources, keeps each module's own import.meta.url, and shares modules between its entries", async () => {
  const ws = workspace();
  try {
    const dir = await freshCliBundle(ws.opts);
    const { main } = (await import(pathToFileURL(path.join(dir, "main.mjs")).href)) as { main(): unknown[] };
    const sharedEntry = (await import(pathToFileURL(path.join(dir, "sst/shared.mjs")).href)) as { shared: string[] };
    const [shared, here, beside, banner] = main();
    // The very same object through either entry: one instance of the module.
    assert.equal(shared, sharedEntry.shared);
    assert.equal(here, pathToFileURL(path.join(ws.opts.packagesDir, "cloud/src/locate.ts")).href);
    assert.equal(beside, "found beside its module");
    // A string that mentions import.meta.url is text, not code: left as written.
    assert.equal(banner, "createRequire(import.meta.url)");
  } finally {
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
});

test("an unchanged workspace reuses the bundle; an edited source file rebuilds it", async () => {
  const ws = workspace();
  try {
    const first = await freshCliBundle(ws.opts);
    assert.equal(await freshCliBundle(ws.opts), first);
    // Another Node or esbuild: built again.
    const otherToolchain = await freshCliBundle({ ...ws.opts, toolchain: "other" });
    assert.notEqual(otherToolchain, first);
    ws.write("cloud/src/locate.ts", `export const here: string = "edited";\nexport const beside = (): string => "";\nexport const banner = "";\n`);
    const second = await freshCliBundle(ws.opts);
    assert.notEqual(second, first);
    const { main } = (await import(pathToFileURL(path.join(second, "main.mjs")).href)) as { main(): unknown[] };
    assert.equal(main()[1], "edited");
    // The first build stays on disk: a running session may still load its chunks.
    assert.ok(fs.existsSync(first));
  } finally {
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
});
