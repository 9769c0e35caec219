/**
 * Which build options the dev builder uses: the framework's `functionBuildOptions`
 * (src/build) when it exists, so dev bundles like deploy does; else our default.
 */
import type { BuildOptionsFor, DevFunctionDef } from "./function-builder.js";
import { defaultBuildOptions } from "./default-build-options.js";

export async function devBuildOptions(root: string): Promise<{ buildOptions: BuildOptionsFor; prepareVersion?: (def: DevFunctionDef, dir: string) => void }> {
  let mod: any;
  try {
    mod = await import("../build/index.js");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw err;
  }
  if (typeof mod?.functionBuildOptions !== "function") return { buildOptions: defaultBuildOptions };
  return {
    buildOptions: mod.functionBuildOptions,
    // copyFiles land next to the bundle, as they do in the deployed zip.
    prepareVersion:
      typeof mod.copyFilesInto === "function"
        ? (def, dir) => {
            if (Array.isArray(def.copyFiles) && def.copyFiles.length) mod.copyFilesInto(def, root, dir);
          }
        : undefined,
  };
}
