/**
 * Find and load sst.config.ts: bundle it (and the stack files it imports) with esbuild
 * into `.sst/`, import the bundle, delete it. Bare imports stay external; `sst`,
 * `aws-cdk-lib` and `constructs` are pinned to the copies this package uses, so the
 * config's constructs are the same classes the CLI synthesizes.
 */
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { esbuildError } from "../build/esbuild-error.js";
import { ensureTsx, sharedModulePath } from "../cli-bundle/bootstrap.mjs";
import { resolveStage } from "./stage.js";
import { loadEnvFiles } from "./env-files.js";
import { checkConfigOptions } from "./config-options.js";
import { explainMissingExport } from "./missing-export.js";
import type { ConfigOptions, Project, SSTConfig } from "./types.js";

export const CONFIG_FILES = ["sst.config.ts", "sst.config.mts", "sst.config.js", "sst.config.mjs"];

export function findConfig(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const f of CONFIG_FILES) {
      const p = path.join(dir, f);
      if (fs.existsSync(p)) return p;
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const requireHere = createRequire(import.meta.url);

/** SST_STAGE as the process was started with (loading a project sets it for the processes sst starts). */
const STAGE_FROM_ENVIRONMENT = process.env.SST_STAGE || undefined;

/**
 * Where `sst/...`, `aws-cdk-lib/...` and `constructs` resolve for this package. sst's own
 * modules are the ones this process runs: the CLI bundle's when it runs from it.
 */
export function pinnedModulePath(spec: string): string | undefined {
  if (spec === "sst") return sharedModulePath("index");
  if (spec === "sst/constructs") return sharedModulePath("constructs/index");
  const node = /^sst\/node\/([\w-]+)$/.exec(spec);
  if (node) return sharedModulePath(`node/${node[1]}/index`);
  const sub = /^sst\/constructs\/(.+?)(\.js)?$/.exec(spec);
  if (sub) return sharedModulePath(`constructs/${sub[1]}`);
  if (/^(aws-cdk-lib|constructs)(\/|$)/.test(spec)) {
    try { return requireHere.resolve(spec); } catch { return undefined; }
  }
  return undefined;
}

const pinPlugin: esbuild.Plugin = {
  name: "sst-pin-shared-modules",
  setup(build) {
    build.onResolve({ filter: /^(sst|aws-cdk-lib|constructs)(\/|$)/ }, (args) => {
      const p = pinnedModulePath(args.path);
      if (!p) return undefined;
      return { path: pathToFileURL(p).href, external: true };
    });
  },
};

const TYPESCRIPT = /\.[cm]?tsx?$/;

/**
 * Whether any of the config bundle's external package imports is TypeScript (a workspace
 * package of the app, say), which Node can only import through tsx: each is resolved as
 * the bundle resolved the rest, without following it further.
 */
async function importsTypeScript(packages: string[], resolveDir: string): Promise<boolean> {
  if (packages.length === 0) return false;
  let typescript = false;
  await esbuild.build({
    stdin: { contents: packages.map((p) => `import ${JSON.stringify(p)};`).join("\n"), resolveDir },
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
    plugins: [
      {
        name: "sst-probe-packages",
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.pluginData?.probing) return undefined;
            const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: { probing: true } });
            if (TYPESCRIPT.test(found.path)) typescript = true;
            return { path: args.path, external: true };
          });
        },
      },
    ],
  }).catch(() => undefined);
  return typescript;
}

export interface LoadedConfig { sstConfig: SSTConfig; inputs: string[]; }

export async function importConfig(configFile: string, outDir: string): Promise<LoadedConfig> {
  const root = path.dirname(configFile);
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `sst.config.${Date.now()}.${process.pid}.mjs`);
  let result: esbuild.BuildResult;
  try {
    result = await esbuild.build({
      entryPoints: [configFile],
      outfile,
      absWorkingDir: root,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      plugins: [pinPlugin],
      metafile: true,
      sourcemap: "inline",
      logLevel: "silent",
      banner: {
        js: `import { createRequire as __sstCreateRequire } from "node:module";\nconst require = __sstCreateRequire(import.meta.url);`,
      },
    });
  } catch (e) {
    throw esbuildError(e, root, `Could not load ${path.relative(process.cwd(), configFile) || configFile}:`);
  }
  // A CLI running from its bundle has no TypeScript loader until a config needs one.
  const externals = Object.values(result.metafile?.outputs ?? {}).flatMap((o) => o.imports.filter((i) => i.external && !i.path.includes(":")).map((i) => i.path));
  if (await importsTypeScript(Array.from(new Set(externals)), root)) await ensureTsx();
  // Errors thrown by stack code then point at the .ts source (the bundle has an inline map).
  process.setSourceMapsEnabled(true);
  const inputs = Object.keys(result.metafile?.inputs ?? {})
    .filter((i) => !i.includes("node_modules") && !i.includes(":"))
    .map((i) => path.resolve(root, i));
  let mod: any;
  try {
    mod = await import(pathToFileURL(outfile).href);
  } catch (e) {
    throw explainMissingExport(e, inputs, root);
  } finally {
    fs.rmSync(outfile, { force: true });
  }
  const sstConfig = (mod.default ?? mod) as SSTConfig;
  if (!sstConfig || typeof sstConfig.config !== "function" || typeof sstConfig.stacks !== "function") {
    throw new Error(`${configFile}: the default export must be an object with config() and stacks() functions`);
  }
  return { sstConfig, inputs };
}

export async function loadProject(opts: { cwd?: string; stage?: string; region?: string; profile?: string; role?: string } = {}): Promise<Project> {
  // As SST v2: CDK's deprecation warnings about props SST itself passes are noise.
  process.env.JSII_DEPRECATED ??= "quiet";
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const configFile = findConfig(cwd);
  if (!configFile) throw new Error(`Could not find a config file (${CONFIG_FILES.join(", ")}) in ${cwd} or any parent directory`);
  const root = path.dirname(configFile);
  const out = path.join(root, ".sst");
  const { sstConfig, inputs } = await importConfig(configFile, out);
  // The command line's globals, as SST v2 passed them: a config may choose per stage.
  const config: ConfigOptions = await sstConfig.config({ stage: opts.stage, region: opts.region, profile: opts.profile, role: opts.role });
  if (!config || typeof config.name !== "string" || !config.name) {
    throw new Error(`${configFile}: config() must return an object with a "name"`);
  }
  const stage = resolveStage({ explicit: opts.stage, fromConfig: config.stage ?? STAGE_FROM_ENVIRONMENT, outDir: out });
  // Processes sst starts (a site's build, `sst bind`) know the stage, as under SST v2.
  process.env.SST_STAGE = stage;
  // AWS_REGION before the default: a CI job that sets only AWS_REGION deploys there, as with SST v2.
  const region = opts.region ?? config.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1");
  const ssmPrefix = config.ssmPrefix ?? `/sst/${config.name}/${stage}/`;
  checkConfigOptions(configFile, config);
  loadEnvFiles(root, stage);
  return {
    root,
    config: { ...config, stage, region, ssmPrefix },
    stage,
    paths: {
      root,
      out,
      dist: path.join(out, "dist"),
      artifacts: path.join(out, "artifacts"),
      types: path.join(out, "types"),
    },
    sstConfig,
    configInputs: inputs,
  };
}
