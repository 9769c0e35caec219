/**
 * An esbuild plugin for ESM bundles that leave a CommonJS package external: the bundle
 * loads it with a `require` function instead of `import`.
 *
 * Imported from ESM, a CommonJS module costs Node more than its `require`: its source is
 * read and parsed again (cjs-module-lexer) for its named exports, with every module it
 * re-exports, and every export is read once to fill the module namespace — which runs
 * every lazy getter of a package whose index loads its parts on first use (aws-cdk-lib's
 * root index: ~500 modules for `import { App } from "aws-cdk-lib"`, against 5 through
 * `require`). Through `require` the bundle reads exports where the code uses them, from
 * the same module cache an `import` elsewhere would share.
 */
import type { Plugin } from "esbuild";

export interface RequireInsteadOfImport {
  /** Plugin name (and esbuild namespace of the stand-in modules). */
  name: string;
  /** Import paths loaded through `require`. */
  filter: RegExp;
  /**
   * The function that loads them, as the bundle's code names it: `require` where the
   * bundle's banner defines one (its `require(…)` is then left external), or a name a
   * banner defines for this alone.
   */
  requireName: string;
}

export function requireInsteadOfImport(opts: RequireInsteadOfImport): Plugin {
  return {
    name: opts.name,
    setup(build) {
      build.onResolve({ filter: opts.filter }, (args) => {
        // The module standing in for the package requires it; that require stays external.
        if (args.namespace === opts.name) return { path: args.path, external: true };
        // `await import(…)` stays an import: a split bundle gives a dynamically imported
        // CommonJS module only a default export (`(await import("aws-cdk-lib")).App` would
        // be undefined), where Node gives the named ones too.
        if (args.kind === "dynamic-import") return undefined;
        return { path: args.path, namespace: opts.name };
      });
      build.onLoad({ filter: /.*/, namespace: opts.name }, (args) => ({ contents: `module.exports = ${opts.requireName}(${JSON.stringify(args.path)});`, loader: "js" }));
    },
  };
}
