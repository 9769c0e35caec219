/**
 * Synthesizes a parity app with this framework the way the reference was made with
 * sst@2.49.8: stage "ref", deploy mode, account 000000000000, and the bootstrap
 * bucket the reference's local cloud reported (see README.md in this folder).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadProject } from "../../project/load.js";
import { synth } from "../../project/synth.js";
import type { Template } from "./template-diff.js";

export const REFERENCE_STAGE = "ref";
export const REFERENCE_ACCOUNT = "000000000000";
/** The SSTBootstrap bucket of the local cloud the reference was built against. */
export const REFERENCE_BOOTSTRAP_BUCKET = "sstbootstrap-ref-bucket";

export const PARITY_DIR = path.dirname(new URL(import.meta.url).pathname);

export interface BuiltApp {
  /** Stack name → template. */
  templates: Record<string, Template>;
  dir: string;
  notices: string[];
  synth: import("../../project/types.js").SynthResult;
}

/**
 * Copies `appDir` to a temp folder, synthesizes it, and returns its templates. Stacks
 * named in `leaveOut` are synthesized as `sst deploy <filter>` leaves them (nothing
 * built: a site's framework build belongs to the slow test tier).
 */
export async function buildOurs(appDir: string, leaveOut: string[] = []): Promise<BuiltApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `parity-${path.basename(appDir)}-`));
  fs.cpSync(appDir, dir, { recursive: true, filter: (src) => !/\/(node_modules|\.sst)(\/|$)/.test(src) });
  const project = await loadProject({ cwd: dir, stage: REFERENCE_STAGE });
  const result = await synth(project, {
    mode: "deploy",
    account: REFERENCE_ACCOUNT,
    bootstrap: { bucket: REFERENCE_BOOTSTRAP_BUCKET },
    ...(leaveOut.length > 0 ? { isActiveStack: (name: string) => !leaveOut.includes(name) } : {}),
  });
  const templates: Record<string, Template> = {};
  for (const s of result.stacks) if (!leaveOut.includes(s.stackName)) templates[s.stackName] = JSON.parse(fs.readFileSync(s.templateFile, "utf8"));
  return { templates, dir, notices: (result.notices ?? []).map((n) => `${n.construct} ${n.prop}`), synth: result };
}

/** The reference templates of an app, by stack name. */
export function referenceTemplates(app: string): Record<string, Template> {
  const dir = path.join(PARITY_DIR, "fixtures", app);
  const out: Record<string, Template> = {};
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".template.json"))) {
    out[f.replace(/\.template\.json$/, "")] = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
  }
  return out;
}
