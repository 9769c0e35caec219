/**
 * Bundles the sst CLI (and the local cloud and console it runs) into one ESM module graph
 * with esbuild, so a start loads a handful of files instead of resolving and transpiling
 * hundreds of .ts modules one by one through tsx's loader thread.
 *
 Every npm package stays outside, loaded as before: bare imports stay bare, and the
 * bundle lives inside this package, so Node resolves them from the same node_modules.
 * One build holds every entry a process may load — the CLI, the synth process, and what
 * a config imports (`sst`, `sst/constructs`, …; project/load.ts pins those to the
 * bundle's entries) — split into shared chunks, so each module exists once in a process
 * whichever entry reached it first: one copy of each class and of each module's state.
 *
 * Each bundled module keeps its own location: `import.meta.url` is replaced, per file,
 * by the URL of its source, so files found relative to a module (support code, workers,
 * package.json) are found as when it runs from source.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { requireInsteadOfImport } from "../build/require-instead-of-import.js";

export interface CliBundleSources {
  /** The repository's packages directory (the workspace packages live below it). */
  packagesDir: string;
  /** The bundle's entry modules: output name (`main` → `main.mjs`) → source file. */
  entries: Record<string, string>;
}

export interface BuiltCliBundle {
  /** Every source file the bundle was made from. */
  inputs: string[];
}

const SOURCE_FILE = /\.(ts|mts|js|mjs)$/;
const LOADERS: Record<string, esbuild.Loader> = { ts: "ts", mts: "ts", js: "js", mjs: "js" };

function isWorkspaceSource(file: string, packagesDir: string): boolean {
  return file.startsWith(packagesDir + path.sep) && !file.split(path.sep).includes("node_modules");
}

/**
 * Bare imports of npm packages stay external (as written); workspace packages (symlinked
 * into node_modules) are followed into their sources.
 */
function externalPackages(packagesDir: string): esbuild.Plugin {
  return {
    name: "sst-cli-externals",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.resolving) return undefined;
        if (args.kind === "entry-point") return undefined;
        if (args.path.startsWith("node:")) return { path: args.path, external: true };
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { resolving: true } });
        if (resolved.errors.length > 0 || resolved.external || !resolved.path) return { path: args.path, external: true };
        const file = resolved.path;
        if (!isWorkspaceSource(file, packagesDir)) return { path: args.path, external: true };
        return { path: file };
      });
    },
  };
}

/** Each workspace module with `import.meta.url` bound to its own source's URL. */
function ownLocation(packagesDir: string): esbuild.Plugin {
  return {
    name: "sst-cli-own-location",
    setup(build) {
      build.onLoad({ filter: SOURCE_FILE }, async (args) => {
        if (!isWorkspaceSource(args.path, packagesDir)) return undefined;
        const source = await fs.promises.readFile(args.path, "utf8");
        const loader = LOADERS[path.extname(args.path).slice(1)]!;
        if (!source.includes("import.meta")) return { contents: source, loader };
        // define (not a text replace) touches only code: strings that mention import.meta.url
        // (banners written into user bundles) stay as they are.
        const out = await esbuild.transform(source, {
          loader,
          format: "esm",
          target: "node20",
          sourcefile: args.path,
          define: {
            "import.meta.url": JSON.stringify(pathToFileURL(args.path).href),
            "import.meta.dirname": JSON.stringify(path.dirname(args.path)),
            "import.meta.filename": JSON.stringify(args.path),
          },
        });
        return { contents: out.code, loader: "js" };
      });
    },
  };
}

/** The name the bundle's banner gives its `require` (one no bundled module uses). */
const CJS_REQUIRE = "__sstRequireCjs";
const cdkThroughRequire = requireInsteadOfImport({ name: "sst-cli-cdk-require", filter: /^(aws-cdk-lib|constructs)(\/|$)/, requireName: CJS_REQUIRE });

export async function buildCliBundle(sources: CliBundleSources, outDir: string): Promise<BuiltCliBundle> {
  const result = await esbuild.build({
    entryPoints: sources.entries,
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    metafile: true,
    write: true,
    absWorkingDir: path.dirname(sources.packagesDir),
    logLevel: "silent",
    outExtension: { ".js": ".mjs" },
    // Classes and functions keep their names where bundling renames them (two modules'
    // top-level `Stack`s): error names, messages and anything reading `.name` stay as
    // from source.
    keepNames: true,
    chunkNames: "chunks/[name]-[hash]",
    // aws-cdk-lib and constructs (CommonJS) are loaded with `require`, from each file's own
    // location as an import would resolve them: `import { App } from "aws-cdk-lib"`
    // materialized the whole lazy root index (~500 modules) in every synth process.
    banner: { js: `import { createRequire as __sstCreateRequire } from "node:module";\nconst ${CJS_REQUIRE} = __sstCreateRequire(import.meta.url);` },
    plugins: [cdkThroughRequire, externalPackages(sources.packagesDir), ownLocation(sources.packagesDir)],
  });
  const inputs = new Set<string>();
  for (const input of Object.keys(result.metafile!.inputs)) {
    const file = path.resolve(path.dirname(sources.packagesDir), input);
    if (isWorkspaceSource(file, sources.packagesDir)) inputs.add(file);
  }
  // How the bundle is made is part of what it was made from: a change here rebuilds it.
  for (const own of ["./build.ts", "../build/require-instead-of-import.ts"]) inputs.add(fileURLToPath(new URL(own, import.meta.url)));
  return { inputs: [...inputs].sort() };
}
