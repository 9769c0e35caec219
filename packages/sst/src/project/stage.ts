/**
 * The stage: explicit option > the config's stage > the personal stage remembered in
 * `.sst/stage` > the OS username (written to `.sst/stage`, as SST v2 does).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function sanitizeStage(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return s || "dev";
}

export function readPersonalStage(outDir: string): string | undefined {
  try {
    const v = fs.readFileSync(path.join(outDir, "stage"), "utf8").trim();
    return v || undefined;
  } catch {
    return undefined;
  }
}

export function writePersonalStage(outDir: string, stage: string): void {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "stage"), stage);
}

export function resolveStage(opts: { explicit?: string; fromConfig?: string; outDir: string }): string {
  if (opts.explicit) return validateStage(opts.explicit);
  if (opts.fromConfig) return validateStage(opts.fromConfig);
  const personal = readPersonalStage(opts.outDir);
  if (personal) return personal;
  let user = "";
  try { user = os.userInfo().username; } catch { user = process.env.USER ?? ""; }
  const stage = sanitizeStage(user);
  writePersonalStage(opts.outDir, stage);
  return stage;
}

function validateStage(stage: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(stage)) {
    throw new Error(`Invalid stage name "${stage}": use letters, numbers and hyphens, starting with a letter`);
  }
  return stage;
}
