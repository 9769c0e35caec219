/**
 * Bundle a Node.js function for Lambda with esbuild: ESM `index.mjs` (or CJS
 * `index.cjs`), platform node, target from the runtime, `@aws-sdk/*` left to the
 * Lambda runtime, everything else bundled.
 */
import fs from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import type { BuildOptions } from "esbuild";
import type { BundleResult, FunctionDefinitionRecord } from "./types.js";
import { resolveHandler, splitHandler } from "./handler.js";
import { esbuildError } from "./esbuild-error.js";
import { fallbackNodePaths } from "./node-paths.js";
import { installPackages } from "./install-packages.js";
import { awsSdkV2EndpointPlugin, AWS_SDK_V2_PLUGIN_NAME } from "./aws-sdk-v2.js";
import { buildSyncWithAwsSdkV2Endpoint, bundlesAwsSdkV2 } from "./aws-sdk-v2-sync.js";

/** A `require` for CommonJS dependencies bundled into ESM output. */
const REQUIRE_BANNER =
  `import { createRequire as __sstCreateRequire } from "node:module";\n` +
  `const require = __sstCreateRequire(import.meta.url);`;

/** "nodejs22.x" → "node22". */
export function nodeTarget(runtime: string): string {
  const m = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!m) throw new Error(`Unsupported runtime "${runtime}": only Node.js runtimes (e.g. "nodejs22.x") can be bundled`);
  return `node${m[1]}`;
}

export function bundleEntryName(def: FunctionDefinitionRecord): string {
  return def.nodejs?.format === "cjs" ? "index.cjs" : "index.mjs";
}

/**
 * Where a bundle's entry goes. "index": `index.mjs` at the bundle's root (the dev loop).
 * "source": the handler's own path, as SST v2 lays out deployed bundles, so the
 * Lambda handler reads like the one written ("packages/functions/src/list.handler").
 */
export type BundleLayout = "index" | "source";

/** The entry file (relative to the bundle) and the Lambda handler string for a layout. */
export function bundleEntry(def: FunctionDefinitionRecord, root: string, layout: BundleLayout = "index"): { file: string; handler: string } {
  const { base, exportName } = splitHandler(def.handler);
  const ext = def.nodejs?.format === "cjs" ? ".cjs" : ".mjs";
  if (layout === "index") return { file: bundleEntryName(def), handler: `index.${exportName}` };
  const rel = path.relative(root, path.resolve(root, path.dirname(base)));
  const dir = !rel.startsWith("..") && !path.isAbsolute(def.handler) ? rel : "";
  // A Lambda handler has one dot, between the file and the export.
  const name = path.basename(base).replace(/\./g, "-");
  const file = path.join(dir, name + ext).split(path.sep).join("/");
  return { file, handler: `${file.slice(0, -ext.length)}.${exportName}` };
}

export function functionBuildOptions(def: FunctionDefinitionRecord, root: string, outdir: string, layout: BundleLayout = "index"): BuildOptions {
  const { file } = resolveHandler(root, def.handler, `Function "${def.id}"`);
  const nodejs = def.nodejs ?? {};
  const format = nodejs.format ?? "esm";
  const sourcemap = nodejs.sourcemap === undefined || nodejs.sourcemap === true ? "linked" : nodejs.sourcemap;
  const banner = [format === "esm" ? REQUIRE_BANNER : "", nodejs.banner ?? ""].filter(Boolean).join("\n");
  const base: BuildOptions = {
    entryPoints: [file],
    outfile: path.join(outdir, bundleEntry(def, root, layout).file),
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format,
    target: nodeTarget(def.runtime),
    // Prefer ESM builds of dependencies, like SST v2.
    mainFields: format === "esm" ? ["module", "main"] : ["main", "module"],
    external: [...(def.bundleAwsSdk ? [] : ["@aws-sdk/*"]), ...(nodejs.install ?? [])],
    nodePaths: fallbackNodePaths(),
    sourcemap: sourcemap === false ? false : sourcemap,
    minify: nodejs.minify ?? false,
    keepNames: true,
    loader: nodejs.loader,
    banner: banner ? { js: banner } : undefined,
    metafile: true,
    logLevel: "silent",
  };
  const extra = nodejs.esbuild ?? {};
  return {
    ...base,
    ...extra,
    external: [...(base.external ?? []), ...(extra.external ?? [])],
    loader: { ...(base.loader ?? {}), ...(extra.loader ?? {}) },
    plugins: [awsSdkV2EndpointPlugin(), ...(extra.plugins ?? [])],
  };
}

function prepareDir(outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
}

function finish(def: FunctionDefinitionRecord, root: string, outdir: string, metafile: esbuild.Metafile | undefined, layout: BundleLayout = "index"): BundleResult {
  copyFilesInto(def, root, outdir);
  installPackages(def.nodejs?.install ?? [], root, outdir, def.handler);
  const { exportName } = resolveHandler(root, def.handler);
  const inputs = Object.keys(metafile?.inputs ?? {})
    .filter((i) => !i.includes(":"))
    .map((i) => path.resolve(root, i));
  const entry = bundleEntry(def, root, layout);
  return { dir: outdir, file: path.join(outdir, entry.file), exportName, handler: entry.handler, inputs };
}

export async function bundleFunction(def: FunctionDefinitionRecord, root: string, outdir: string, layout: BundleLayout = "index"): Promise<BundleResult> {
  prepareDir(outdir);
  return bundleInto(def, root, outdir, layout);
}

/** Bundles into `outdir` as it is (a build hook may already have written files there). */
export async function bundleInto(def: FunctionDefinitionRecord, root: string, outdir: string, layout: BundleLayout = "index"): Promise<BundleResult> {
  const opts = functionBuildOptions(def, root, outdir, layout);
  fs.mkdirSync(outdir, { recursive: true });
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build(opts);
  } catch (e) {
    throw esbuildError(e, root, `Failed to build function "${def.handler}"`);
  }
  return finish(def, root, outdir, result.metafile, layout);
}

/** Synchronous variant for construct constructors (no esbuild plugins). */
export function bundleFunctionSync(def: FunctionDefinitionRecord, root: string, outdir: string): BundleResult {
  const opts = functionBuildOptions(def, root, outdir);
  // esbuild cannot run plugins synchronously: a bundle that holds aws-sdk v2 is rebuilt
  // with its endpoint line in a child esbuild (aws-sdk-v2-sync.ts).
  const plugins = (opts.plugins ?? []).filter((p) => p.name !== AWS_SDK_V2_PLUGIN_NAME);
  if (plugins.length > 0) {
    throw new Error(`Function "${def.handler}": esbuild plugins are not supported when bundling at synth`);
  }
  delete opts.plugins;
  prepareDir(outdir);
  let result: esbuild.BuildResult;
  try {
    result = esbuild.buildSync(opts);
    if (bundlesAwsSdkV2(result)) result = buildSyncWithAwsSdkV2Endpoint(opts);
  } catch (e) {
    throw esbuildError(e, root, `Failed to build function "${def.handler}"`);
  }
  return finish(def, root, outdir, result.metafile);
}

/** copyFiles: `from` relative to the root, `to` relative to the bundle (default: same as from). */
export function copyFilesInto(def: FunctionDefinitionRecord, root: string, outdir: string): void {
  for (const { from, to } of def.copyFiles ?? []) {
    // The destination is checked first, as SST v2 does: it is wrong whatever the source.
    if (to !== undefined && path.isAbsolute(to)) throw new Error(`Function "${def.handler}": copyFiles: Copy destination path "${to}" must be relative`);
    const src = path.resolve(root, from);
    if (!fs.existsSync(src)) throw new Error(`Function "${def.handler}": copyFiles source "${from}": no such file or directory (${src})`);
    const dest = path.resolve(outdir, to ?? from);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.cpSync(src, dest, { recursive: true });
  }
}

