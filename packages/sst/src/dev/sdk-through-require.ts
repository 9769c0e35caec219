/**
 * In `sst dev`'s ESM bundles, the AWS SDK (left external, as the Lambda runtime ships
 * it) is loaded with `require` instead of `import`. The SDK is CommonJS: imported from
 * ESM, Node parses each of its modules once more to find their named exports
 * (cjs-module-lexer) and detects each module's format, 20–40 % of loading it, on every
 * cold start of an environment (the first request after Ready, a save with no standby
 * ready). Through `require` it loads as any CommonJS dependency does, from the same
 * module cache (a standby's preload of it still counts). Deploy bundles are unchanged.
 */
import type { BuildOptions } from "esbuild";
import { requireInsteadOfImport } from "../build/require-instead-of-import.js";

const sdkThroughRequire = requireInsteadOfImport({ name: "sst-sdk-require", filter: /^@aws-sdk\//, requireName: "require" });

/** `options` with the SDK loaded through `require`: ESM output that leaves `@aws-sdk/*` external (and defines `require`, as both dev builds' banners do). */
export function withSdkThroughRequire(options: BuildOptions): BuildOptions {
  if (options.format !== "esm" || !(options.external ?? []).includes("@aws-sdk/*")) return options;
  return { ...options, plugins: [...(options.plugins ?? []), sdkThroughRequire] };
}
