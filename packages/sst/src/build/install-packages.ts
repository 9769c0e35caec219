/**
 * `nodejs.install`: the named packages, as installed in the project, copied into a
 * bundle's node_modules together with everything they load at run time — their
 * `dependencies`, and the `optionalDependencies` and `peerDependencies` that are
 * installed (a native package's binary for this platform, e.g. sharp's
 * `@img/sharp-linux-x64`). SST v2 ran `npm install` in the bundle folder, which gave
 * the same tree; this works offline. Without the dependencies a bundle loads only
 * where the project's node_modules happen to sit above it, never on Lambda.
 */
import fs from "node:fs";
import path from "node:path";
import { fallbackNodePaths } from "./node-paths.js";

/**
 * `from`: where the named packages are looked up (the project's root, then sst's own
 * node_modules). Throws naming `owner` when a package, or a dependency it declares,
 * is not installed.
 */
export function installPackages(names: string[], from: string, outdir: string, owner: string): void {
  const top = path.join(outdir, "node_modules");
  const placed: string[] = [];
  // Breadth first, the named packages before any dependency: as npm hoists, the
  // shallowest need of a name gets the top level and a conflicting one nests.
  const queue: { name: string; real: string; parent?: string }[] = names.map((name) => {
    const real = lookUp(name, from, true);
    if (!real) throw new Error(`Failed to build function "${owner}": nodejs.install package "${name}" is not installed in the project`);
    return { name, real };
  });
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { name, real, parent } = next;
    const seen = visibleFrom(parent ?? outdir, outdir, name);
    if (seen?.real === real) continue;
    const dest = seen ? path.join(parent ?? outdir, "node_modules", name) : path.join(top, name);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(real, dest, {
      recursive: true,
      dereference: true,
      // Its own node_modules are placed one by one, like every other dependency.
      filter: (src) => path.relative(real, src).split(path.sep)[0] !== "node_modules",
    });
    fs.writeFileSync(path.join(dest, MARKER), real);
    placed.push(dest);
    for (const dep of runtimeDependencies(real)) {
      const depReal = lookUp(dep.name, real);
      if (depReal) queue.push({ name: dep.name, real: depReal, parent: dest });
      else if (dep.required) throw new Error(`Failed to build function "${owner}": nodejs.install package "${name}" depends on "${dep.name}", which is not installed in the project`);
      // else: an optional dependency for another platform, or a peer nobody installed
    }
  }
  for (const dest of placed) fs.rmSync(path.join(dest, MARKER), { force: true });
}

/** The copy of `name` that Node would load from a package at `dir` inside the bundle, if any. */
function visibleFrom(dir: string, outdir: string, name: string): { real: string } | undefined {
  for (let d = dir; d.startsWith(outdir); d = path.dirname(d)) {
    if (path.basename(d) === "node_modules") continue;
    const marker = path.join(d, "node_modules", name, MARKER);
    if (fs.existsSync(marker)) return { real: fs.readFileSync(marker, "utf8") };
    if (d === outdir) break;
  }
  return undefined;
}

/** A file left in each copied package while the tree is built: which real folder it came from. */
const MARKER = ".sst-installed-from";

/**
 * What a package may load: `dependencies` (required, unless also optional), then
 * `optionalDependencies` and `peerDependencies` (taken when installed). Arrays, not
 * iterated Maps or Sets: a site's type-check compiles this file for ES5 (site-typecheck).
 */
function runtimeDependencies(dir: string): { name: string; required: boolean }[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const optional = Object.keys(pkg.optionalDependencies ?? {});
  const out: { name: string; required: boolean }[] = Object.keys(pkg.dependencies ?? {}).map((name) => ({ name, required: !optional.includes(name) }));
  for (const name of [...optional, ...Object.keys(pkg.peerDependencies ?? {})]) if (!out.some((d) => d.name === name)) out.push({ name, required: false });
  return out;
}

/**
 * A package's real folder as Node finds it from `start` (the node_modules of `start`
 * and each folder above it; then sst's own, for the names asked for by the app). By
 * folder, not `require.resolve("<name>/package.json")`: a package whose "exports"
 * leaves out ./package.json (kysely, …) would not resolve so.
 */
function lookUp(name: string, start: string, withFallbacks = false): string | undefined {
  const dirs: string[] = [];
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, "node_modules"));
    if (path.dirname(dir) === dir) break;
  }
  for (const nm of withFallbacks ? [...dirs, ...fallbackNodePaths()] : dirs) {
    const candidate = path.join(nm, name);
    if (fs.existsSync(path.join(candidate, "package.json"))) return fs.realpathSync(candidate);
  }
  return undefined;
}
