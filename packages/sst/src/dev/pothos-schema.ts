/**
 * Prints the GraphQL schema a Pothos schema file builds (the `pothos.schema` of an Api
 * `graphql` route), without running the app's resolvers or their dependencies: the file
 * is bundled with esbuild, its own relative imports and `internalPackages` inlined,
 * Pothos and graphql left to the app's node_modules, and every other package replaced
 * by an inert stand-in (any property, call or `new` of it gives the stand-in again). So
 * a type file that imports a database client or `sst/node/table` at its top still
 * evaluates, while the resolvers that would use them are never called: building the
 * schema only records them.
 *
 * The bundle is run by a child `node` (the app's code never runs inside `sst dev`, and
 * each extraction starts from fresh modules); it lives beside the schema file for as
 * long as that takes, so `@pothos/*` and `graphql` resolve as the app's functions
 * resolve them, and the printed schema is lexicographically sorted, as SST v2 prints it.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import { builtinModules } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import esbuild from "esbuild";

const run = promisify(execFile);

/** Files the extractor writes beside a schema while it runs (watchers skip them). */
export const POTHOS_TEMP_PREFIX = ".sst-pothos-";

/** Packages the schema build needs for real: Pothos itself and graphql. */
const REAL_PACKAGE = /^(@pothos\/|graphql$|graphql\/)/;
const STAND_IN = "sst-pothos-stand-in";
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

// Its prototype is itself, so the ES module view esbuild makes of it (an object whose
// prototype is the module's) finds every named import on it too.
const STAND_IN_SOURCE = `
const handler = {
  get: (_t, key) => (key === "then" ? undefined : key === Symbol.toPrimitive ? () => "" : standIn),
  getPrototypeOf: () => standIn,
  apply: () => standIn,
  construct: () => standIn,
};
const standIn = new Proxy(function () {}, handler);
module.exports = standIn;
`;

export interface PothosExtractOptions {
  /** The schema module (exports `schema`). */
  schema: string;
  /** Packages bundled with the schema rather than stood in for (workspace packages that define types). */
  internalPackages?: string[];
}

/** The schema's SDL; rejects with the bundler's or the schema's own error. */
export async function extractPothosSchema(opts: PothosExtractOptions): Promise<string> {
  const schemaFile = path.resolve(opts.schema);
  const dir = path.dirname(schemaFile);
  const internal = new Set(opts.internalPackages ?? []);
  const bundleFile = path.join(dir, `${POTHOS_TEMP_PREFIX}${randomBytes(6).toString("hex")}.mjs`);
  const result = await esbuild.build({
    stdin: {
      contents: [
        `import { schema } from ${JSON.stringify(schemaFile)};`,
        `import { printSchema, lexicographicSortSchema } from "graphql";`,
        `if (!schema) throw new Error(${JSON.stringify(`${opts.schema} exports no "schema"`)});`,
        `export default printSchema(lexicographicSortSchema(schema));`,
      ].join("\n"),
      resolveDir: dir,
      sourcefile: "pothos-extract.mjs",
      loader: "js",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "pothos-stand-ins",
        setup(build) {
          // bare specifiers only: relative and absolute imports are the app's own code
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (BUILTINS.has(args.path) || REAL_PACKAGE.test(args.path)) return { path: args.path, external: true };
            const name = /^(@[^/]+\/[^/]+|[^/]+)/.exec(args.path)?.[1] ?? args.path;
            if (internal.has(name)) return undefined;
            return { path: STAND_IN, namespace: STAND_IN };
          });
          build.onLoad({ filter: /.*/, namespace: STAND_IN }, () => ({ contents: STAND_IN_SOURCE, loader: "js" }));
        },
      },
    ],
  });
  await fs.writeFile(bundleFile, result.outputFiles[0].contents);
  try {
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", "const m = await import(process.argv[1]); process.stdout.write(m.default);", pathToFileURL(bundleFile).href],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    );
    return stdout;
  } catch (err: any) {
    // the schema's own error, not node's wrapper around it
    const stderr = String(err?.stderr ?? "").trim();
    throw new Error(stderr ? lastErrorLines(stderr) : err?.message ?? String(err));
  } finally {
    await fs.rm(bundleFile, { force: true });
  }
}

/** The error message of a failed child run: from its first "Error" line on, without node's stack frames into the bundle. */
function lastErrorLines(stderr: string): string {
  const lines = stderr.split("\n");
  const start = lines.findIndex((l) => /^\w*Error\b/.test(l));
  return lines.slice(start < 0 ? 0 : start).filter((l) => !/^\s+at /.test(l)).join("\n").trim();
}
