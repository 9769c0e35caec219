/**
 * For a Next.js app's `open-next.config.ts`: OpenNext puts sharp into the image
 * optimization function by running `npm install` at build time (SST v2's default is
 * sharp 0.32.6 for linux-arm64, downloaded). `localSharpInstall()` installs instead the
 * sharp the project already has — with the prebuilt binaries its npm packages ship
 * (@img/sharp-<platform>, @img/sharp-libvips-<platform>) — for the machine that
 * builds, from the project's node_modules folders, with npm offline: the build
 * downloads nothing and the function runs in the local cloud's Lambda runtime.
 *
 *   import { localSharpInstall } from "sst/open-next";
 *   export default { default: {}, imageOptimization: { install: localSharpInstall() } };
 */
import fs from "node:fs";
import path from "node:path";

function nodeModulesWith(pkg: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules", pkg, "package.json"))) return path.join(dir, "node_modules");
    if (path.dirname(dir) === dir) throw new Error(`${pkg} is not installed where ${from} can see it (add it to the project's dependencies)`);
  }
}

/** The folders of sharp and everything it needs on this platform. */
export function sharpFolders(from = process.cwd()): string[] {
  const root = nodeModulesWith("sharp", from);
  const platform = `${process.platform}-${process.arch}`;
  const seen = new Set<string>();
  const visit = (name: string) => {
    const dir = path.join(root, name);
    if (seen.has(dir) || !fs.existsSync(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const optional = Object.keys(manifest.optionalDependencies ?? {}).filter((d) => d.endsWith(platform));
    for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...optional]) visit(dep);
  };
  visit("sharp");
  return Array.from(seen);
}

/** OpenNext's `imageOptimization.install` for the local sharp, offline. */
export function localSharpInstall(from = process.cwd()) {
  return { packages: sharpFolders(from), arch: process.arch === "arm64" ? ("arm64" as const) : ("x64" as const), additionalArgs: "--offline --no-audit --no-fund --no-package-lock" };
}
