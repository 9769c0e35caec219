/**
 * The synth cache of `sst dev`: a second start on an unchanged app reuses the cloud
 * assembly in `.sst/dist` and the function registry instead of importing the config
 * (and with it aws-cdk-lib and every construct) and synthesizing again — about a
 * second on the seed app. The engine then finds nothing changed and deploys nothing.
 *
 * `.sst/synth-cache.json` records, next to the assembly, what the synth was made from
 * and what it made. It is used only when all of it still holds:
 *  - the key: cache format, app mode, config file, the --stage/--region options, the
 *    personal stage in `.sst/stage`, CDK_DEFAULT_ACCOUNT, and the toolchain (this sst
 *    package's sources and version, aws-cdk-lib's and constructs' versions);
 *  - the content of every file esbuild bundled into the config (sst.config.ts and the
 *    stacks it imports) and of the app's package.json and lockfile (dependencies are
 *    left external by the config bundle, so their versions stand in for them);
 *  - each function's handler still resolves to the same file (synth checks they exist);
 *  - the files synth wrote (the assembly and `.sst/types/index.ts`) are unchanged, so
 *    an `sst build` (deploy mode, same `.sst/dist`) in between is a miss;
 *  - every environment variable read while the config loaded and the app synthesized
 *    (`EnvReads`) has the value it had then (`GOOGLE_CLIENT_ID: process.env…` in a stack).
 * Known blind spots, as with any such cache: stack code whose output depends on the
 * clock or on files it reads at synth time.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { findHandler } from "../build/handler.js";
import { SST_PACKAGE_ROOT } from "../build/node-paths.js";
import type { ProjectLike, SynthResult } from "../deploy/project-like.js";
import { findConfig } from "./load.js";
import { readPersonalStage } from "./stage.js";

/** Bump when the file's shape or its meaning changes. */
const FORMAT = 2;
export const SYNTH_CACHE_FILE = "synth-cache.json";

/** What a start asks for: the same as the loader's options plus the app mode. */
export interface SynthCacheQuery {
  cwd: string;
  stage?: string;
  region?: string;
  mode: "dev" | "deploy" | "remove";
}

/** A project as the cache keeps it: everything but the loaded config module. */
export type CachedProject = ProjectLike & { stage: string; configInputs: string[] };

export interface CachedSynth {
  project: CachedProject;
  synth: SynthResult;
}

/** Content hashes of a project's config inputs, taken right after loading it. */
export interface InputSnapshot {
  files: Record<string, string | null>;
  /** Environment variables the config and synth read, with their values (null: unset). */
  env?: Record<string, string | null>;
}

/**
 * Records the environment variables code reads while `during(fn)` runs, and the values
 * read. A variable written before it is read is an output, not an input, and copies of
 * the whole environment (`{ ...process.env }` for a child process) are not reads of
 * each variable: neither is recorded.
 */
export class EnvReads {
  readonly values: Record<string, string | null> = {};
  private readonly written = new Set<string>();

  async during<T>(fn: () => Promise<T>): Promise<T> {
    const original = process.env;
    if ((original as any)[RECORDING]) return fn();
    let copying = false;
    const note = (key: string | symbol, value: unknown) => {
      if (typeof key !== "string" || copying || this.written.has(key) || key in this.values) return;
      this.values[key] = value === undefined ? null : String(value);
    };
    process.env = new Proxy(original, {
      get: (target, key) => {
        if (key === RECORDING) return true;
        const value = Reflect.get(target, key);
        note(key, value);
        return value;
      },
      has: (target, key) => {
        note(key, Reflect.get(target, key));
        return Reflect.has(target, key);
      },
      set: (target, key, value) => {
        if (typeof key === "string" && !(key in this.values)) this.written.add(key);
        return Reflect.set(target, key, value);
      },
      ownKeys: (target) => {
        // What follows in this synchronous run is the copy reading every key.
        copying = true;
        queueMicrotask(() => (copying = false));
        return Reflect.ownKeys(target);
      },
    });
    try {
      return await fn();
    } finally {
      process.env = original;
    }
  }
}

const RECORDING = Symbol("sst.recordingEnvReads");

interface CacheFile {
  format: number;
  key: string;
  inputs: Record<string, string | null>;
  env: Record<string, string | null>;
  handlers: Record<string, string | null>;
  outputs: Record<string, string>;
  project: CachedProject;
  synth: SynthResult;
}

/**
 * Hashes the config inputs now — right after the loader read them, before the slow
 * synth — so an edit made during synth is not mistaken for what was synthesized.
 */
export function snapshotInputs(project: ProjectLike): InputSnapshot {
  const files: Record<string, string | null> = {};
  for (const f of inputFiles(project)) files[f] = hashFile(f);
  return { files };
}

/** Records a successful synth. Best effort: a cache that cannot be written is no cache. */
export function writeSynthCache(query: SynthCacheQuery, project: ProjectLike, synth: SynthResult, snapshot: InputSnapshot): boolean {
  const configFile = findConfig(query.cwd);
  if (!configFile || !project.paths.out) return false;
  const file = path.join(project.paths.out, SYNTH_CACHE_FILE);
  try {
    const entry: CacheFile = {
      format: FORMAT,
      key: cacheKey(query, configFile),
      inputs: snapshot.files,
      env: snapshot.env ?? {},
      handlers: handlerFiles(project.root, synth),
      outputs: hashOutputs(project, synth),
      project: {
        root: project.root,
        stage: project.stage,
        config: project.config,
        paths: project.paths,
        configInputs: project.configInputs ?? [],
      },
      synth: { assemblyDir: synth.assemblyDir, stacks: synth.stacks, functions: synth.functions, notices: synth.notices },
    };
    // Write then rename: a crash mid-write must not leave a truncated cache.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, file);
    return true;
  } catch {
    fs.rmSync(file, { force: true });
    return false;
  }
}

/** The cached project and synth, when everything they were made from still holds; else undefined. */
export function readSynthCache(query: SynthCacheQuery): CachedSynth | undefined {
  const configFile = findConfig(query.cwd);
  if (!configFile) return undefined;
  const file = path.join(path.dirname(configFile), ".sst", SYNTH_CACHE_FILE);
  let entry: CacheFile;
  try {
    entry = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  try {
    if (entry?.format !== FORMAT || entry.key !== cacheKey(query, configFile)) return undefined;
    const { project, synth } = entry;
    // The recorded input list must be the one the project names (plus the fixed extras).
    const expected = inputFiles(project);
    if (expected.length !== Object.keys(entry.inputs).length) return undefined;
    for (const f of expected) if (!(f in entry.inputs) || hashFile(f) !== entry.inputs[f]) return undefined;
    for (const [name, value] of Object.entries(entry.env ?? {})) if ((process.env[name] ?? null) !== value) return undefined;
    if (!sameRecord(handlerFiles(project.root, synth), entry.handlers)) return undefined;
    if (!sameRecord(hashOutputs(project, synth), entry.outputs)) return undefined;
    return { project, synth };
  } catch {
    // A malformed cache file is a miss, never an error.
    return undefined;
  }
}

/** Config inputs plus the app's dependency manifests, absolute and sorted. */
function inputFiles(project: ProjectLike): string[] {
  const files = new Set((project.configInputs ?? []).map((f) => path.resolve(project.root, f)));
  for (const f of ["package.json", "package-lock.json", "pnpm-lock.yaml", "yarn.lock", "bun.lockb"]) files.add(path.join(project.root, f));
  return [...files].sort();
}

function cacheKey(query: SynthCacheQuery, configFile: string): string {
  const outDir = path.join(path.dirname(configFile), ".sst");
  return sha1(
    JSON.stringify({
      mode: query.mode,
      configFile,
      stage: query.stage ?? null,
      region: query.region ?? null,
      personalStage: readPersonalStage(outDir) ?? null,
      account: process.env.CDK_DEFAULT_ACCOUNT ?? null,
      toolchain: toolchainFingerprint(),
    }),
  );
}

/** Each function's handler → the file it resolves to now (synth fails on a missing one). */
function handlerFiles(root: string, synth: SynthResult): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const def of Object.values(synth.functions ?? {})) {
    try {
      out[def.handler] = findHandler(root, def.handler).file ?? null;
    } catch {
      out[def.handler] = null;
    }
  }
  return out;
}

/** Every file of the assembly, and the generated types: what synth wrote. */
function hashOutputs(project: ProjectLike, synth: SynthResult): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out[full] = sha1(fs.readFileSync(full));
    }
  };
  walk(synth.assemblyDir);
  const types = project.paths.types && path.join(project.paths.types, "index.ts");
  if (types) out[types] = hashFile(types) ?? "missing";
  return out;
}

/**
 * Computes what the cache key needs of this sst installation (its sources' hash) ahead of
 * the first write: `sst dev` calls it while the synth process synthesizes, so the write
 * between synth and deploy does not hash sst's sources on the path to Ready.
 */
export function prepareSynthCacheKey(): void {
  toolchainFingerprint();
}

let toolchain: string | undefined;
/** This sst package's sources and the CDK libraries' versions: a change in any may change the synth. */
function toolchainFingerprint(): string {
  if (toolchain) return toolchain;
  const hash = crypto.createHash("sha1");
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "fixtures" && e.name !== "node_modules") walk(full);
      } else if (/\.[cm]?[jt]sx?$/.test(e.name) && !/\.test\.[cm]?[jt]s$/.test(e.name)) hash.update(full).update(fs.readFileSync(full));
    }
  };
  walk(path.join(SST_PACKAGE_ROOT, "src"));
  hash.update(fs.readFileSync(path.join(SST_PACKAGE_ROOT, "package.json")));
  const require = createRequire(path.join(SST_PACKAGE_ROOT, "package.json"));
  for (const dep of ["aws-cdk-lib", "constructs"]) {
    try {
      hash.update(dep).update(String(require(`${dep}/package.json`).version));
    } catch {
      hash.update(`${dep}:unresolved`);
    }
  }
  return (toolchain = hash.digest("hex"));
}

function hashFile(file: string): string | null {
  try {
    return sha1(fs.readFileSync(file));
  } catch {
    return null;
  }
}

function sha1(data: string | Buffer): string {
  return crypto.createHash("sha1").update(data).digest("hex");
}

function sameRecord(a: Record<string, string | null>, b: Record<string, string | null> | undefined): boolean {
  if (!b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => k in b && a[k] === b[k]);
}
