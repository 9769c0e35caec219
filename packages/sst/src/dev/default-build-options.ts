/**
 * Build options for a function when the framework's bundler (src/build) is not
 * available: an ESM bundle of the handler's file for Node, with source maps. The
 * framework's `functionBuildOptions` is preferred (it honours `nodejs` settings).
 */
import fs from "node:fs";
import path from "node:path";
import type { BuildOptions } from "esbuild";
import type { DevFunctionDef } from "./function-builder.js";

const EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".jsx", ".mjs", ".cjs"];

/** "packages/functions/src/users/list.handler" → the absolute source file. */
export function resolveHandlerFile(handler: string, root: string): string {
  const base = handler.slice(0, handler.lastIndexOf("."));
  for (const ext of EXTENSIONS) {
    const file = path.resolve(root, base + ext);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`Cannot find the file of handler "${handler}" (looked for ${base}{${EXTENSIONS.join(",")}})`);
}

export function defaultBuildOptions(def: DevFunctionDef, root: string, outdir: string): BuildOptions {
  return {
    entryPoints: [resolveHandlerFile(def.handler, root)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    outdir,
    outExtension: { ".js": ".mjs" },
    // ESM bundles of CJS dependencies need a require().
    banner: { js: "import { createRequire as __sstCreateRequire } from 'module'; const require = __sstCreateRequire(import.meta.url);" },
    external: ["@aws-sdk/*"],
  };
}
