export * from "./types.js";
export { functionBuildOptions, bundleFunction, bundleInto, bundleFunctionSync, nodeTarget, bundleEntryName, bundleEntry, copyFilesInto, type BundleLayout } from "./bundle.js";
export { resolveHandler, findHandler, splitHandler, HANDLER_EXTENSIONS } from "./handler.js";
export { esbuildError, formatEsbuildMessages } from "./esbuild-error.js";
export { fallbackNodePaths, SST_PACKAGE_ROOT } from "./node-paths.js";
