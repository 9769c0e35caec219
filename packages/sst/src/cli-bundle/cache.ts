/**
 * The CLI bundle (build.ts), made on first use and reused while its sources are unchanged.
 *
 * `current.json` in the cache directory names the bundle in use and every source file it
 * was made from with that file's size and mtime: a start stats those files (a few
 * milliseconds) and imports the bundle, or rebuilds it (under a second) when one differs —
 * an edit, a `git checkout`, a merge. Each build goes to a directory of its own and the
 * pointer is replaced by a rename, so processes starting side by side never see half a
 * bundle, and a running `sst dev` still finds the chunks it loads on first use.
 */
import fs from "node:fs";
import path from "node:path";
import type { CliBundleSources } from "./build.js";

interface Pointer {
  /** The build directory, relative to the cache directory. */
  dir: string;
  /** The bundle's entry, relative to the build directory. */
  entry: string;
  /** Node and esbuild versions the bundle was made with (a change rebuilds). */
  toolchain: string;
  /** [file, size, mtimeMs] of every source file. */
  inputs: [string, number, number][];
}

/** Build directories other than the current one are removed once this old (a running session may still load their chunks). */
const STALE_BUILD_MS = 24 * 3600_000;

function readPointer(cacheDir: string): Pointer | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, "current.json"), "utf8")) as Pointer;
  } catch {
    return undefined;
  }
}

function unchanged(inputs: Pointer["inputs"]): boolean {
  for (const [file, size, mtimeMs] of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return false;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

function removeStaleBuilds(cacheDir: string, keep: string): void {
  for (const name of fs.readdirSync(cacheDir)) {
    if (name === keep || !name.startsWith("build-")) continue;
    const dir = path.join(cacheDir, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > STALE_BUILD_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
}

export interface CliBundleOptions extends CliBundleSources {
  cacheDir: string;
  /** Identifies the tools the bundle depends on (Node, esbuild); part of the freshness check. */
  toolchain: string;
}

/** The path of a bundle made from the current sources, building it if needed. */
export async function freshCliBundle(opts: CliBundleOptions): Promise<string> {
  const pointer = readPointer(opts.cacheDir);
  if (pointer && pointer.toolchain === opts.toolchain && unchanged(pointer.inputs)) {
    const entry = path.join(opts.cacheDir, pointer.dir, pointer.entry);
    if (fs.existsSync(entry)) return entry;
  }
  fs.mkdirSync(opts.cacheDir, { recursive: true });
  const dirName = `build-${process.pid}-${Date.now().toString(36)}`;
  const outDir = path.join(opts.cacheDir, dirName);
  const startedAt = Date.now();
  let built;
  try {
    // esbuild loads only when a build is needed.
    const { buildCliBundle } = await import("./build.js");
    built = await buildCliBundle(opts, outDir);
  } catch (e) {
    fs.rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
  const inputs: Pointer["inputs"] = built.inputs.map((file) => {
    const st = fs.statSync(file);
    return [file, st.size, st.mtimeMs];
  });
  // A file saved while the build read it may be in the bundle in either version: use
  // this bundle now, but do not record it, so the next start builds again.
  const editedDuringBuild = inputs.some(([, , mtimeMs]) => mtimeMs >= startedAt - 1000);
  if (!editedDuringBuild) {
    const next: Pointer = { dir: dirName, entry: path.relative(outDir, built.entryFile), toolchain: opts.toolchain, inputs };
    const tmp = path.join(opts.cacheDir, `current.${process.pid}.json`);
    fs.writeFileSync(tmp, JSON.stringify(next));
    fs.renameSync(tmp, path.join(opts.cacheDir, "current.json"));
    removeStaleBuilds(opts.cacheDir, dirName);
  }
  return built.entryFile;
}
