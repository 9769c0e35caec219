/**
 * Which build options the dev builder uses: the framework's `functionBuildOptions`
 * (src/build) when it exists, so dev bundles like deploy does; else our default.
 */
import path from "node:path";
import { DevFunctionBuilder, type BuildEvent, type BuildOptionsFor, type DevFunctionDef } from "./function-builder.js";
import { defaultBuildOptions } from "./default-build-options.js";
import { withSdkThroughRequire } from "./sdk-through-require.js";
import type { ProjectLike } from "../deploy/project-like.js";

export async function devBuildOptions(root: string): Promise<{ buildOptions: BuildOptionsFor; prepareVersion?: (def: DevFunctionDef, dir: string) => void }> {
  let mod: any;
  try {
    mod = await import("../build/index.js");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw err;
  }
  if (typeof mod?.functionBuildOptions !== "function") return { buildOptions: (def, root, outdir) => withSdkThroughRequire(defaultBuildOptions(def, root, outdir)) };
  return {
    // The handler's source path ("src/thumb.mjs"), as deploy and SST v2's dev lay bundles
    // out: code that reads a copyFiles file relative to its module finds it here too.
    buildOptions: (def, root, outdir) => withSdkThroughRequire(mod.functionBuildOptions(def, root, outdir, "source")),
    // copyFiles land at the bundle's root, as they do in the deployed zip.
    prepareVersion:
      typeof mod.copyFilesInto === "function"
        ? (def, dir) => {
            if (Array.isArray(def.copyFiles) && def.copyFiles.length) mod.copyFilesInto(def, root, dir);
          }
        : undefined,
  };
}

/**
 * The dev builder of a project (both targets): bundles under `.sst/artifacts/dev/` with
 * the framework's build options; every build — the first (on first invocation) and each
 * rebuild on save — is reported to `onEvent`.
 */
export async function createDevBuilder(project: ProjectLike, onEvent: (e: BuildEvent) => void): Promise<DevFunctionBuilder> {
  return new DevFunctionBuilder({
    root: project.root,
    outRoot: path.join(project.paths.artifacts ?? path.join(project.paths.out, "artifacts"), "dev"),
    ...(await devBuildOptions(project.root)),
    onEvent,
  });
}
