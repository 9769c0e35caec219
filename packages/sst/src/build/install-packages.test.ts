/**
 * nodejs.install: the bundle's node_modules hold what the installed packages load at run
 * time, so the bundle works where no project node_modules sit above it (Lambda).
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { installPackages } from "./install-packages.js";
import { fallbackNodePaths } from "./node-paths.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sst-install-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}

const pkg = (name: string, version: string, extra: object = {}) => JSON.stringify({ name, version, main: "index.js", ...extra });

/** Runs `code` with node in `dir`: `require` resolves from there and its parents only. */
const runIn = (dir: string, code: string) => execFileSync(process.execPath, ["-e", code], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } }).trim();

describe("installPackages (nodejs.install)", () => {
  const project = path.join(tmp, "project");
  write(project, {
    "package.json": "{}",
    "node_modules/native-pkg/package.json": pkg("native-pkg", "1.0.0", {
      dependencies: { helper: "^1" },
      optionalDependencies: { "native-pkg-here": "1", "native-pkg-elsewhere": "1" },
      peerDependencies: { "peer-missing": "*" },
    }),
    "node_modules/native-pkg/index.js": "module.exports = () => [require('helper')(), require('native-pkg-here')].join(' ');",
    "node_modules/native-pkg-here/package.json": pkg("native-pkg-here", "1.0.0"),
    "node_modules/native-pkg-here/index.js": "module.exports = 'binary';",
    "node_modules/helper/package.json": pkg("helper", "1.0.0", { dependencies: { shared: "^1", "native-pkg": "^1" } }),
    "node_modules/helper/index.js": "module.exports = () => 'helper+' + require('shared');",
    // The top-level shared is 2.x; helper has its own 1.x nested, as npm lays out a conflict.
    "node_modules/shared/package.json": pkg("shared", "2.0.0"),
    "node_modules/shared/index.js": "module.exports = 'shared@2';",
    "node_modules/helper/node_modules/shared/package.json": pkg("shared", "1.0.0"),
    "node_modules/helper/node_modules/shared/index.js": "module.exports = 'shared@1';",
    "node_modules/broken/package.json": pkg("broken", "1.0.0", { dependencies: { "not-installed": "1" } }),
  });

  it("copies dependencies and installed optional dependencies, hoisted; the bundle loads on its own", () => {
    const out = path.join(tmp, "bundle1");
    installPackages(["native-pkg"], project, out, "src/fn.handler");
    assert.deepEqual(fs.readdirSync(path.join(out, "node_modules")).sort(), ["helper", "native-pkg", "native-pkg-here", "shared"]);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, "node_modules/shared/package.json"), "utf8")).version, "1.0.0", "the version helper loads");
    assert.ok(!fs.readdirSync(out, { recursive: true }).some((f) => String(f).endsWith(".sst-installed-from")), "no build markers left");
    assert.equal(runIn(out, "console.log(require('native-pkg')())"), "helper+shared@1 binary");
  });

  it("a named package keeps the top level; a dependency on another version of it nests under its dependent", () => {
    const out = path.join(tmp, "bundle-nested");
    installPackages(["native-pkg", "shared"], project, out, "src/fn.handler");
    const version = (p: string) => JSON.parse(fs.readFileSync(path.join(out, p, "package.json"), "utf8")).version;
    assert.equal(version("node_modules/shared"), "2.0.0");
    assert.equal(version("node_modules/helper/node_modules/shared"), "1.0.0");
    assert.equal(runIn(out, "console.log(require('native-pkg')(), require('shared'))"), "helper+shared@1 binary shared@2");
  });

  it("names the function, the package and the missing dependency", () => {
    assert.throws(() => installPackages(["broken"], project, path.join(tmp, "bundle2"), "src/fn.handler"),
      /function "src\/fn\.handler": nodejs\.install package "broken" depends on "not-installed", which is not installed/);
    assert.throws(() => installPackages(["absent"], project, path.join(tmp, "bundle3"), "src/fn.handler"), /nodejs\.install package "absent" is not installed/);
  });

  const sharpDir = fallbackNodePaths().map((d) => path.join(d, "sharp")).find((d) => fs.existsSync(d));
  it("sharp (dependencies and its platform binary package) renders an image from a bundle outside the project", { skip: sharpDir ? false : "sharp is not installed" }, () => {
    const out = path.join(tmp, "bundle-sharp");
    installPackages(["sharp"], path.dirname(path.dirname(sharpDir!)), out, "src/thumb.handler");
    const size = runIn(out, `require('sharp')(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>')).resize({ width: 8 }).png().toBuffer().then((b) => require('sharp')(b).metadata()).then((m) => console.log(m.width + 'x' + m.height))`);
    assert.equal(size, "8x4");
  });
});
