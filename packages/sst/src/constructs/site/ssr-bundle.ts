/**
 * Bundling a server-rendering handler the way SST v2 bundles an SsrFunction that has
 * no prebuilt bundle (astro-sst's `dist/server/entry`, svelte-kit-sst's lambda
 * handler, Remix's build behind SST's wrapper): one esbuild pass, ESM by default,
 * everything bundled (the AWS SDK too) except native packages, the output laid out
 * under the handler's own folder so the Lambda handler keeps the path it was given
 * (`packages/web/dist/server/entry.handler`).
 *
 * Native packages (sharp, pg-native) stay external like SST v2's; when the code does
 * import one, it is copied from the project's node_modules (SST v2 downloads it with
 * `npm install`; builds here run offline).
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";
import { copyFilesInto, esbuildError, fallbackNodePaths, findHandler, nodeTarget } from "../../build/index.js";
import { buildSyncWithAwsSdkV2Endpoint, bundlesAwsSdkV2 } from "../../build/aws-sdk-v2-sync.js";
import { installPackages } from "../../build/install-packages.js";
import type { CopyFile, NodeJSProps } from "../../build/types.js";

export interface SsrHandlerBundle {
  /** The site's id, for messages. */
  site: string;
  /** The app's root: handler and copyFiles are relative to it. */
  root: string;
  /** `path/to/file.export`, relative to root. */
  handler: string;
  runtime: string;
  nodejs?: NodeJSProps;
  copyFiles?: CopyFile[];
  /** Emptied, then holds the bundle. */
  outdir: string;
}

/** Packages with native code: never bundled, copied in when imported. */
const NATIVE = ["sharp", "pg-native"];

const ESM_BANNER = [
  `import { createRequire as __sstCreateRequire } from "node:module";`,
  `import { fileURLToPath as __sstFileURLToPath } from "node:url";`,
  `const require = __sstCreateRequire(import.meta.url);`,
  `const __filename = __sstFileURLToPath(import.meta.url);`,
  `const __dirname = __sstFileURLToPath(new URL(".", import.meta.url));`,
].join("\n");

/** Bundles the handler into `outdir`; returns the folder and the Lambda handler string. */
export function bundleSsrHandler(b: SsrHandlerBundle): { dir: string; handler: string } {
  const { file, exportName, tried } = findHandler(b.root, b.handler);
  if (!file) {
    throw new Error(`There was a problem bundling the SSR function for the "${b.site}" Site: no file for handler "${b.handler}" (tried ${tried.join(", ")}). Did the site's build run?`);
  }
  const nodejs = b.nodejs ?? {};
  const esm = (nodejs.format ?? "esm") === "esm";
  const extension = esm ? ".mjs" : ".cjs";
  const parsed = path.parse(b.handler);
  const relDir = path.relative(b.root, path.resolve(b.root, parsed.dir));
  const inside = !relDir.startsWith("..") && !path.isAbsolute(b.handler);
  // A Lambda handler has one dot, between the file and the export.
  const baseName = parsed.name.replace(".", "-");
  const outfile = path.join(b.outdir, inside ? relDir : "", baseName + extension);
  const handler = [...(inside && relDir ? relDir.split(path.sep) : []), `${baseName}.${exportName}`].join("/");

  const { external = [], ...override } = nodejs.esbuild ?? {};
  const banner = [esm ? ESM_BANNER : "", nodejs.banner ?? ""].filter(Boolean).join("\n");
  fs.rmSync(b.outdir, { recursive: true, force: true });
  fs.mkdirSync(b.outdir, { recursive: true });
  let result: esbuild.BuildResult;
  try {
    const options: esbuild.BuildOptions = {
      entryPoints: [file],
      outfile,
      absWorkingDir: b.root,
      bundle: true,
      platform: "node",
      format: esm ? "esm" : "cjs",
      target: nodeTarget(b.runtime),
      mainFields: esm ? ["module", "main"] : ["main", "module"],
      external: [...NATIVE, ...(nodejs.install ?? []), ...external],
      nodePaths: fallbackNodePaths(),
      keepNames: true,
      // SST v2 uploads the map apart from the code; here it is left out of the zip.
      sourcemap: nodejs.sourcemap === true ? "linked" : nodejs.sourcemap || false,
      minify: nodejs.minify,
      loader: nodejs.loader,
      banner: banner ? { js: banner } : undefined,
      metafile: true,
      logLevel: "silent",
      ...override,
    };
    result = esbuild.buildSync(options);
    // aws-sdk v2 ignores AWS_ENDPOINT_URL: bundled, it gets the line that points it at the local cloud.
    if (bundlesAwsSdkV2(result)) result = buildSyncWithAwsSdkV2Endpoint(options);
  } catch (e) {
    throw esbuildError(e, b.root, `There was a problem bundling the SSR function for the "${b.site}" Site`);
  }
  const imported = new Set<string>();
  for (const input of Object.values(result.metafile?.inputs ?? {})) for (const i of input.imports) imported.add(i.path);
  const install = [...(nodejs.install ?? []), ...NATIVE.filter((p) => imported.has(p) && !external.includes(p))];
  copyPackages(b, install);
  copyFilesInto({ id: b.site, handler: b.handler, runtime: b.runtime, copyFiles: b.copyFiles }, b.root, b.outdir);
  return { dir: b.outdir, handler };
}

/**
 * Copies each package as the project has it installed into the bundle's node_modules,
 * with what it loads at run time (sharp's dependencies and platform binary).
 */
function copyPackages(b: SsrHandlerBundle, names: string[]): void {
  if (names.length === 0) return;
  const require = createRequire(path.join(b.root, "package.json"));
  for (const name of names) {
    try {
      require.resolve(`${name}/package.json`, { paths: [b.root, ...fallbackNodePaths()] });
    } catch {
      throw new Error(`There was a problem bundling the SSR function for the "${b.site}" Site: it imports "${name}", which is not installed in the project (it is copied into the function, not downloaded)`);
    }
  }
  installPackages(names, b.root, b.outdir, `${b.site} (SSR)`);
}
