/**
 * Writes an app from a template: the files of every preset in its chain, the
 * package.json files with the dependencies the chain names, and an `sst.config.ts`
 * that adds the chain's stacks. `@@app` in file contents becomes the app name
 * (`@@@app/core` → `@my-app/core`), `@@normalizedapp` the name without dashes.
 */
import fs from "node:fs";
import path from "node:path";
import { presetChain, type PackageAdditions, type Preset } from "./presets.js";
import { versionResolver, type VersionOptions } from "./versions.js";

export interface GenerateOptions extends VersionOptions {
  template: string;
  /** The new app's folder; its name becomes the app's name. */
  destination: string;
}

/** SST uses the app name in CloudFormation stack names: letters, digits and dashes. */
export function appNameOf(destination: string): string {
  return path.basename(destination).replace(/_/g, "-").replace(/[^A-Za-z0-9-]/g, "");
}

export function generate(opts: GenerateOptions): { app: string; files: string[] } {
  const chain = presetChain(opts.template);
  const abstract = chain.at(-1)!.abstract;
  if (abstract) throw new Error(`create-sst: ${opts.template} is ${abstract}`);
  const dest = path.resolve(opts.destination);
  if (fs.existsSync(dest) && fs.readdirSync(dest).length > 0) throw new Error(`create-sst: ${dest} already exists and is not empty`);
  const app = appNameOf(dest);
  if (!app) throw new Error(`create-sst: "${path.basename(dest)}" leaves no letters or digits for an app name`);
  const version = versionResolver(opts);
  fs.mkdirSync(dest, { recursive: true });

  for (const preset of chain) if (preset.filesDir) copyTree(preset.filesDir, dest);
  writeRootPackage(dest, app, chain, version);
  for (const [dir, additions] of mergedPackageAdditions(chain)) addDependencies(path.join(dest, dir, "package.json"), additions, version);
  writeSstConfig(dest, app, opts.template, chain.flatMap((p) => p.stacks ?? []));

  const files = listFiles(dest);
  for (const file of files) substitute(file, app);
  return { app, files: files.map((f) => path.relative(dest, f)) };
}

function copyTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    // npm drops files named .gitignore from packages, so templates keep it as "gitignore".
    const dst = path.join(to, entry.name === "gitignore" ? ".gitignore" : entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(dst, { recursive: true });
      copyTree(src, dst);
    } else fs.copyFileSync(src, dst);
  }
}

/**
 * The app's package.json: SST v2's monorepo root, or — for a template that is one
 * package (the quickstarts, whose files hold their own package.json with the app's
 * scripts) — the template's own file; the chain's dependencies are added to either.
 */
function writeRootPackage(dest: string, app: string, chain: Preset[], version: (n: string) => string): void {
  const file = path.join(dest, "package.json");
  if (!fs.existsSync(file)) {
    const pkg: Record<string, any> = { name: app, version: "0.0.0", private: true, type: "module", scripts: {}, devDependencies: {}, workspaces: [] };
    for (const p of chain) pkg.workspaces.push(...(p.workspaces ?? []));
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  }
  addDependencies(file, mergeAdditions(chain), version);
}

/** A template whose files hold an sst.config.ts (its stacks inline, as SST v2's quickstarts) keeps it; the others get one that adds their stacks. */
function writeSstConfig(dest: string, app: string, template: string, stacks: { name: string; from: string }[]): void {
  const file = path.join(dest, "sst.config.ts");
  if (fs.existsSync(file)) {
    if (stacks.length > 0) throw new Error(`create-sst: ${template} has its own sst.config.ts and also lists stacks for one (${stacks.map((s) => s.name).join(", ")})`);
    return;
  }
  fs.writeFileSync(file, sstConfig(app, stacks));
}

function mergeAdditions(list: PackageAdditions[]): PackageAdditions {
  return {
    dependencies: list.flatMap((p) => p.dependencies ?? []),
    devDependencies: list.flatMap((p) => p.devDependencies ?? []),
    scripts: Object.assign({}, ...list.map((p) => p.scripts ?? {})),
  };
}

function mergedPackageAdditions(chain: Preset[]): Map<string, PackageAdditions> {
  const byDir = new Map<string, PackageAdditions[]>();
  for (const p of chain) for (const [dir, a] of Object.entries(p.packages ?? {})) byDir.set(dir, [...(byDir.get(dir) ?? []), a]);
  return new Map([...byDir].map(([dir, list]) => [dir, mergeAdditions(list)]));
}

function addDependencies(file: string, additions: PackageAdditions, version: (n: string) => string): void {
  if (!fs.existsSync(file)) throw new Error(`create-sst: the template adds dependencies to ${file}, which it does not create`);
  const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const key of ["dependencies", "devDependencies"] as const) {
    const names = additions[key] ?? [];
    if (names.length === 0) continue;
    pkg[key] ??= {};
    for (const name of names) pkg[key][name] = version(name);
  }
  if (Object.keys(additions.scripts ?? {}).length > 0) pkg.scripts = { ...pkg.scripts, ...additions.scripts };
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
}

/** The sst.config.ts SST v2's templates end up with. */
export function sstConfig(app: string, stacks: { name: string; from: string }[]): string {
  const imports = stacks.map((s) => `import { ${s.name} } from "${s.from}";\n`).join("");
  const body = stacks.length ? `stacks(app) {\n${stacks.map((s) => `    app.stack(${s.name});\n`).join("")}  }` : "stacks(app) {},";
  return `import { SSTConfig } from "sst";
${imports}
export default {
  config(_input) {
    return {
      name: "${app}",
      region: "us-east-1",
    };
  },
  ${body}
} satisfies SSTConfig;
`;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.name === "node_modules" || e.name === ".git") return [];
    return e.isDirectory() ? listFiles(full) : [full];
  });
}

function substitute(file: string, app: string): void {
  if (!/\.(ts|tsx|js|jsx|json|mjs)$/.test(file)) return;
  const text = fs.readFileSync(file, "utf8");
  const out = text.replace(/@@normalizedapp/g, app.replace(/[^a-zA-Z0-9]/g, "")).replace(/@@app/g, app);
  if (out !== text) fs.writeFileSync(file, out);
}
