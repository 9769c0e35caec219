/**
 * Running a site's build command, as SST v2 does (in the site's folder, with the
 * site's environment; values only known at deploy time become `{{ KEY }}`
 * placeholders that the S3 uploader replaces) — and skipping it when nothing it reads
 * changed: the same command, the same environment, the same files under the site's
 * folder (by path and content; outputs, dependencies and caches are not inputs) and
 * its outputs still there.
 */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Token } from "aws-cdk-lib";

export interface SiteBuild {
  /** `StaticSite "Web"`, for messages. */
  owner: string;
  sitePath: string;
  command: string;
  environment: Record<string, string>;
  /** Folders under sitePath the build writes (not inputs; must exist afterwards). */
  outputs: string[];
  /** Where the record of the last build is kept. */
  recordFile: string;
  /** Extra environment SST adds (SST=1 for SSR sites). */
  extraEnv?: Record<string, string>;
}

/** Never inputs to a build: dependencies, VCS data, build caches. */
const NOT_INPUTS = new Set(["node_modules", ".git", ".sst", ".next", ".open-next", ".turbo", ".cache", ".svelte-kit", ".vercel", ".output", ".astro"]);

/** Tokens (values CloudFormation resolves) are `{{ KEY }}` during the build. */
export function buildEnvironment(env: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? {})) out[k] = Token.isUnresolved(v) ? `{{ ${k} }}` : v;
  return out;
}

function inputsSignature(root: string, outputs: Set<string>): string {
  const hash = createHash("sha256");
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (NOT_INPUTS.has(e.name) || outputs.has(r)) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, r);
      else if (e.isFile() || e.isSymbolicLink()) {
        try {
          // Content, not modification time: a file saved again unchanged is no change.
          hash.update(`${r}\0`).update(fs.readFileSync(full)).update("\n");
        } catch { /* a dangling link is not an input */ }
      }
    }
  };
  walk(root, "");
  return hash.digest("hex");
}

/**
 * Where the record of a site folder's last build is kept: by the folder, not the stage
 * (placeholders make the build the same for every stage) nor the construct (two sites
 * built from one folder with the same command and environment — an app deployed both
 * regionally and at the edge — share the build; another command or environment builds
 * again).
 */
export function siteBuildRecord(artifactsDir: string, sitePath: string): string {
  return path.join(artifactsDir, "site-builds", `${path.basename(sitePath)}-${createHash("sha1").update(sitePath).digest("hex").slice(0, 12)}.json`);
}

/** Build the site unless nothing changed since the last build. Returns whether it ran. */
/**
 * SST v2's sentence: `There was a problem building the "Web" StaticSite.` for a static
 * site, `… the "Web" site.` for the SSR ones (`owner` is `StaticSite "Web"`).
 */
export function problemBuilding(owner: string): string {
  const m = /^(\w+) "(.*)"$/.exec(owner);
  if (!m) return `There was a problem building the ${owner} site.`;
  return `There was a problem building the "${m[2]}" ${m[1] === "StaticSite" ? "StaticSite" : "site"}.`;
}

export function runSiteBuild(b: SiteBuild, log: (line: string) => void = (l) => console.log(l)): boolean {
  const env = { ...(b.extraEnv ?? {}), ...buildEnvironment(b.environment) };
  const outputs = new Set(b.outputs.map((o) => path.posix.normalize(o.split(path.sep).join("/")).replace(/^\.\/|\/$/g, "")));
  const signature = () =>
    createHash("sha256").update(JSON.stringify({ command: b.command, env, inputs: inputsSignature(b.sitePath, outputs) })).digest("hex");
  const before = signature();
  const previous = readRecord(b.recordFile);
  const outputsExist = b.outputs.every((o) => fs.existsSync(path.join(b.sitePath, o)));
  if (previous === before && outputsExist && process.env.SST_SITE_REBUILD !== "1") {
    log(`Skipped building ${b.owner}: nothing changed since the last build`);
    return false;
  }
  log(`Building ${b.owner} (${b.command} in ${path.relative(process.cwd(), b.sitePath) || "."})`);
  try {
    execSync(b.command, { cwd: b.sitePath, stdio: "inherit", env: { ...process.env, ...env } });
  } catch (err) {
    fs.rmSync(b.recordFile, { force: true });
    const status = (err as { status?: number }).status;
    throw new Error(`${problemBuilding(b.owner)} ${b.owner}: "${b.command}" ${status !== undefined ? `exited with code ${status}` : "failed"} (its output is above)`);
  }
  fs.mkdirSync(path.dirname(b.recordFile), { recursive: true });
  // Recorded after the build, so a build that touches its own inputs (generated
  // types) does not count as a change next time.
  fs.writeFileSync(b.recordFile, signature());
  return true;
}

function readRecord(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
