/**
 * Templates are folders under `templates/`: a `preset.json` (what the template adds to
 * the app's package.json files and sst.config.ts) and a `files/` tree copied into the
 * app. A template may extend another; the chain is applied base first, so a template's
 * files overwrite its base's.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../templates");

export interface PackageAdditions {
  dependencies?: string[];
  devDependencies?: string[];
  /** npm scripts the template adds (SST v2's presets patched some in, e.g. graphql/rds's `migrate`). */
  scripts?: Record<string, string>;
}

export interface Preset extends PackageAdditions {
  /** e.g. "standard/api" */
  name: string;
  extends?: string;
  description?: string;
  /** Set on a template that only exists to be extended: why it cannot be generated alone. */
  abstract?: string;
  workspaces?: string[];
  /** Additions to the package.json of workspace packages, by folder. */
  packages?: Record<string, PackageAdditions>;
  /** Stack functions `sst.config.ts` imports and adds, in order. */
  stacks?: { name: string; from: string }[];
  /** The template's own files, if it has any. */
  filesDir?: string;
}

export function loadPreset(name: string): Preset {
  const dir = path.join(TEMPLATES_DIR, name);
  const manifest = path.join(dir, "preset.json");
  if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(name) || !fs.existsSync(manifest)) {
    throw new Error(`Template not found for ${name}. Templates: ${listTemplates().join(", ")}`);
  }
  const raw = JSON.parse(fs.readFileSync(manifest, "utf8"));
  const filesDir = path.join(dir, "files");
  return { ...raw, name, filesDir: fs.existsSync(filesDir) ? filesDir : undefined };
}

/** The template and its bases, base first. */
export function presetChain(name: string): Preset[] {
  const chain: Preset[] = [];
  const seen = new Set<string>();
  for (let next: string | undefined = name; next; ) {
    if (seen.has(next)) throw new Error(`Template ${name} extends itself through ${next}`);
    seen.add(next);
    const preset = loadPreset(next);
    chain.unshift(preset);
    next = preset.extends;
  }
  return chain;
}

/** Every template name, e.g. ["base/example", …, "standard/api"]. */
export function listTemplates(dir = TEMPLATES_DIR, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "files") continue;
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (fs.existsSync(path.join(dir, entry.name, "preset.json"))) out.push(name);
    out.push(...listTemplates(path.join(dir, entry.name), name));
  }
  return out.sort();
}
