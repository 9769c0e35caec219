/**
 * The CLI bundle (build.ts), made when none fits the current sources and reused while they
 * are unchanged (bootstrap.mjs checks that without loading any of this).
 *
 * `current.json` in the cache directory names the bundle in use and every source file it
 * was made from with that file's size and mtime: a start stats those files (a few
 * milliseconds) and imports the bundle, or rebuilds it (a second or two) when one differs —
 * an edit, a `git checkout`, a merge. Each build goes to a directory of its own and the
 * pointer is replaced by a rename, so processes starting side by side never see half a
 * bundle, and a running `sst dev` still finds the chunks it loads on first use.
 */
import fs from "node:fs";
import path from "node:path";
import { freshBundleDir, type BundlePointer } from "./bootstrap.mjs";
import type { CliBundleSources } from "./build.js";

/** Build directories other than the current one are removed once this old (a running session may still load their chunks). */
const STALE_BUILD_MS = 24 * 3600_000;

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

/** The directory of a bundle made from the current sources (`<entry name>.mjs` in it), building it if needed. */
export async function freshCliBundle(opts: CliBundleOptions): Promise<string> {
  const fresh = freshBundleDir(opts.cacheDir, opts.toolchain, opts.entries);
  if (fresh) return fresh;
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
  const inputs: BundlePointer["inputs"] = built.inputs.map((file) => {
    const st = fs.statSync(file);
    return [file, st.size, st.mtimeMs];
  });
  // A file saved while the build read it may be in the bundle in either version: use
  // this bundle now, but do not record it, so the next start builds again.
  const editedDuringBuild = inputs.some(([, , mtimeMs]) => mtimeMs >= startedAt - 1000);
  if (!editedDuringBuild) {
    const next: BundlePointer = { dir: dirName, entries: opts.entries, toolchain: opts.toolchain, inputs };
    const tmp = path.join(opts.cacheDir, `current.${process.pid}.json`);
    fs.writeFileSync(tmp, JSON.stringify(next));
    fs.renameSync(tmp, path.join(opts.cacheDir, "current.json"));
    removeStaleBuilds(opts.cacheDir, dirName);
  }
  return outDir;
}
