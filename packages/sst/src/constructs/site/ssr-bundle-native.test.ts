/**
 * An SSR function that imports sharp (as Next.js's image optimizer and Astro's image
 * service do): the bundle holds sharp with its dependencies and platform binary, and
 * loads it away from the project's node_modules, as on Lambda.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { bundleSsrHandler } from "./ssr-bundle.js";

const repoRoot = path.resolve(import.meta.dirname, "../../../../..");
const hasSharp = fs.existsSync(path.join(repoRoot, "node_modules", "sharp", "package.json"));
const app = path.join(repoRoot, ".tmp", `ssr-native-${process.pid}`);
const outside = fs.mkdtempSync(path.join(os.tmpdir(), "ssr-native-"));
after(() => {
  fs.rmSync(app, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

test("sharp, imported by an SSR handler, is copied in with what it loads, and renders outside the project", { skip: hasSharp ? false : "sharp is not installed" }, () => {
  fs.mkdirSync(path.join(app, "server"), { recursive: true });
  fs.writeFileSync(path.join(app, "package.json"), "{}");
  fs.writeFileSync(path.join(app, "server", "index.mjs"), `import sharp from "sharp";
export const handler = async () => {
  const png = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"/>')).resize({ width: 6 }).png().toBuffer();
  const { width, height } = await sharp(png).metadata();
  return width + "x" + height;
};
`);
  const outdir = path.join(outside, "bundle");
  const { handler } = bundleSsrHandler({ site: "Web", root: app, handler: "server/index.handler", runtime: "nodejs20.x", outdir });
  assert.equal(handler, "server/index.handler");
  for (const dep of ["sharp", "detect-libc", "semver", "color"]) assert.ok(fs.existsSync(path.join(outdir, "node_modules", dep, "package.json")), `${dep} is in the bundle`);
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(path.join(outdir, "server", "index.mjs"))}); console.log(await m.handler());`], { cwd: outdir, encoding: "utf8", env: { ...process.env, NODE_PATH: "" } });
  assert.equal(out.trim(), "6x3");
});
