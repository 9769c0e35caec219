// @ts-check
/**
 * How an sst process starts its program (the CLI, `sst dev`'s synth process): from the
 * bundle of this package's sources (build.ts, cache.ts) when one made from the current
 * sources exists, else from the sources through tsx — building the bundle first, unless
 * `SST_CLI_BUNDLE=0`. Plain JavaScript, because it runs before any TypeScript loader: a
 * process that runs the bundle never registers tsx, whose loader thread otherwise sees
 * every module the process loads (aws-cdk-lib's hundreds of `require`s included).
 * A config that needs TypeScript beyond what esbuild bundles registers it then
 * (project/load.ts, `ensureTsx`).
 *
 * The bundle's location is kept in a global (the bundle holds its own copy of this
 * module), so project/load.ts can point a config's imports of `sst`, `sst/constructs…`
 * and `sst/node/…` at the bundle's entries for them: one copy of every construct class.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const SST_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const SRC = path.join(SST_ROOT, "src");
export const PACKAGES_DIR = path.dirname(SST_ROOT);
export const CACHE_DIR = path.join(SST_ROOT, "node_modules", ".cache", "sst-cli");

/** @type {Record<import("./bootstrap.d.mts").CliProgram, string>} */
const PROGRAMS = {
  main: path.join(SRC, "cli/main.ts"),
  "synth-worker": path.join(SRC, "dev/synth-worker-main.ts"),
};

const STATE = Symbol.for("sst.cliBundle");
/** @returns {{ dir?: string, tsx?: boolean }} */
function state() {
  const g = /** @type {Record<symbol, any>} */ (globalThis);
  return (g[STATE] ??= {});
}

/** Registers tsx in this process (once); Node's source maps stay as they were (tsx turns them on). */
export async function ensureTsx() {
  if (state().tsx) return;
  state().tsx = true;
  const wanted = process.sourceMapsEnabled;
  const { register } = await import("tsx/esm/api");
  register();
  if (!wanted) process.setSourceMapsEnabled(false);
}

/** @param {string} dir @param {string} prefix @returns {string[]} the modules below src/constructs, relative, without extension */
function constructModules(dir = path.join(SRC, "constructs"), prefix = "") {
  /** @type {string[]} */
  const out = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    if (d.isDirectory()) out.push(...constructModules(path.join(dir, d.name), `${prefix}${d.name}/`));
    else if (d.name.endsWith(".ts") && !d.name.endsWith(".test.ts") && !d.name.endsWith(".d.ts")) out.push(prefix + d.name.slice(0, -3));
  }
  return out;
}

/** @returns {Record<string, string>} entry name → source: the programs, and every module a config may import from sst */
export function bundleEntries() {
  /** @type {Record<string, string>} */
  const out = { ...PROGRAMS, "sst/index": path.join(SRC, "index.ts") };
  for (const m of constructModules()) out[`sst/constructs/${m}`] = path.join(SRC, "constructs", `${m}.ts`);
  const nodeDir = path.join(SRC, "node");
  for (const d of fs.readdirSync(nodeDir, { withFileTypes: true })) {
    if (d.isDirectory() && fs.existsSync(path.join(nodeDir, d.name, "index.ts"))) out[`sst/node/${d.name}/index`] = path.join(nodeDir, d.name, "index.ts");
  }
  return out;
}

/** @returns {string} the tools a bundle depends on: another Node or esbuild rebuilds it */
export function toolchain() {
  const esbuildPackage = path.join(path.dirname(fileURLToPath(import.meta.resolve("esbuild"))), "..", "package.json");
  return `node ${process.version}, esbuild ${JSON.parse(fs.readFileSync(esbuildPackage, "utf8")).version}`;
}

/** @param {Record<string, string>} a @param {Record<string, string>} b */
const sameEntries = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * Whether every file still has the size and mtime recorded (a build made from them is current).
 * @param {[string, number, number][]} inputs [file, size, mtimeMs]
 * @returns {boolean}
 */
export function unchangedFiles(inputs) {
  for (const [file, size, mtimeMs] of inputs) {
    try {
      const st = fs.statSync(file);
      if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The directory of the bundle `cacheDir/current.json` names, if it was built with these
 * entries and toolchain from source files that all still have the size and mtime recorded.
 * @param {string} cacheDir @param {string} tools @param {Record<string, string>} entries
 * @returns {string | undefined}
 */
export function freshBundleDir(cacheDir, tools, entries) {
  /** @type {import("./bootstrap.d.mts").BundlePointer} */
  let pointer;
  try {
    pointer = JSON.parse(fs.readFileSync(path.join(cacheDir, "current.json"), "utf8"));
  } catch {
    return undefined;
  }
  // One written by another version of this code is rebuilt.
  if (typeof pointer.dir !== "string" || typeof pointer.entries !== "object" || !Array.isArray(pointer.inputs)) return undefined;
  if (pointer.toolchain !== tools || !sameEntries(pointer.entries, entries) || !unchangedFiles(pointer.inputs)) return undefined;
  const dir = path.join(cacheDir, pointer.dir);
  return fs.existsSync(dir) ? dir : undefined;
}

/**
 * V8's code cache for the CommonJS modules this process loads, kept beside the bundle
 * (one store per program; v8-compile-cache-lib keys each entry on the module's source
 * and writes the store at exit when something new was compiled). aws-cdk-lib is some
 * 900 such modules: compiling them was a third of the synth's CPU at every start.
 * `DISABLE_V8_COMPILE_CACHE=1` turns it off.
 * @param {import("./bootstrap.d.mts").CliProgram} program
 */
function useCompileCache(program) {
  try {
    createRequire(import.meta.url)("v8-compile-cache-lib").install({ cacheDir: path.join(CACHE_DIR, "..", "v8-compile-cache"), prefix: program });
  } catch {
    // Without the cache modules compile as usual.
  }
}

/**
 * The URL of the module that runs `program`: its entry in a fresh bundle (built now if
 * needed), or its source (with tsx registered).
 * @param {import("./bootstrap.d.mts").CliProgram} program
 * @returns {Promise<string>}
 */
export async function programUrl(program) {
  useCompileCache(program);
  const inherited = inheritedBundleDir(program);
  if (inherited) return pathToFileURL(path.join(inherited, `${program}.mjs`)).href;
  if (process.env.SST_CLI_BUNDLE !== "0") {
    const tools = toolchain();
    const entries = bundleEntries();
    let dir = freshBundleDir(CACHE_DIR, tools, entries);
    if (!dir) {
      try {
        await ensureTsx();
        const { freshCliBundle } = await import("./cache.ts");
        dir = await freshCliBundle({ cacheDir: CACHE_DIR, toolchain: tools, packagesDir: PACKAGES_DIR, entries });
      } catch (e) {
        process.stderr.write(`sst: could not bundle the CLI, running it from source (${/** @type {Error} */ (e).message})\n`);
      }
    }
    if (dir) {
      state().dir = dir;
      return pathToFileURL(path.join(dir, `${program}.mjs`)).href;
    }
  }
  await ensureTsx();
  return pathToFileURL(PROGRAMS[program]).href;
}

/** The variable through which a process running from the bundle hands it to a process it starts (`bundleDirEnv`). */
const BUNDLE_DIR_VAR = "SST_CLI_BUNDLE_DIR";

/**
 * The environment entry that lets a child process (sst dev's synth process) run from
 * the bundle this process runs from, without checking again that it is fresh: this
 * process checked it at its start, and running the same code in both is what matters
 * (30 ms of a cold start's critical path went to statting the ~800 sources again). Empty
 * when this process runs from source.
 * @returns {Record<string, string>}
 */
export function bundleDirEnv() {
  const dir = state().dir;
  return dir ? { [BUNDLE_DIR_VAR]: dir } : {};
}

/**
 * The bundle the parent process handed over (bundleDirEnv), if it still holds `program`.
 * The variable is removed either way: the app's code and its child processes never see it.
 * @param {import("./bootstrap.d.mts").CliProgram} program
 * @returns {string | undefined}
 */
function inheritedBundleDir(program) {
  const dir = process.env[BUNDLE_DIR_VAR];
  delete process.env[BUNDLE_DIR_VAR];
  if (!dir || process.env.SST_CLI_BUNDLE === "0" || !fs.existsSync(path.join(dir, `${program}.mjs`))) return undefined;
  state().dir = dir;
  return dir;
}

/**
 * The file a config's import of this package's `src/<rel>.ts` should load: the bundle's
 * entry for it when this process runs from the bundle, else the source.
 * @param {string} rel
 * @returns {string}
 */
export function sharedModulePath(rel) {
  const dir = state().dir;
  if (dir) {
    const bundled = path.join(dir, `sst/${rel}.mjs`);
    if (fs.existsSync(bundled)) return bundled;
  }
  return path.join(SRC, `${rel}.ts`);
}
