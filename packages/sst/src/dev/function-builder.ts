/**
 * Builds functions from source for `sst dev`. Each function gets its own incremental
 * esbuild context, created on its first invocation and kept, with a metafile so we
 * know which source files it is made of. When a file changes, only the functions
 * whose inputs include it rebuild. A failed rebuild keeps the last good output
 * serving, so a typo mid-edit never takes a function down.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { BuildContext, BuildOptions, Metafile } from "esbuild";
import { FunctionBuildError, buildErrorLines } from "./build-errors.js";

export interface DevFunctionDef {
  id: string;
  /** Relative to the app root, e.g. "packages/functions/src/users/list.handler". */
  handler: string;
  runtime: string;
  nodejs?: unknown;
  copyFiles?: unknown;
}

export type BuildOptionsFor = (def: DevFunctionDef, root: string, outdir: string) => BuildOptions;

export interface FunctionArtifact {
  /** Absolute path of the bundled entry file. */
  file: string;
  exportName: string;
  /** Changes whenever the bundle's contents change. */
  version: string;
  /**
   * A module beside the bundle that imports only the AWS SDK packages the bundle leaves
   * external: what the Lambda runtime's standby environment loads ahead of the next
   * build (the slow part of a cold start), without running any of the function's code.
   */
  preload?: string;
  /** Set for code that is not JavaScript ("python3.12"), with the folder it runs in. */
  runtime?: string;
  taskRoot?: string;
}

/** The module name of an SDK import a standby may load ahead: the AWS SDK's own packages only. */
const SDK_PACKAGE = /^@(aws-sdk|smithy)\/[a-z0-9-]+(\/[a-z0-9-/]+)?$/;

export type BuildEvent =
  | {
      type: "built";
      id: string;
      handler: string;
      durationMs: number;
      version: string;
      changed: boolean;
      /** A rebuild (on save) of a function that had built before, as opposed to its first build. */
      rebuild: boolean;
    }
  | { type: "failed"; id: string; handler: string; durationMs: number; errors: string[]; /** A previous good build keeps serving. */ servingPrevious: boolean };

type Esbuild = typeof import("esbuild");

interface Entry {
  def: DevFunctionDef;
  defKey: string;
  ctx?: BuildContext;
  artifact?: FunctionArtifact;
  inputs: Set<string>;
  /** Builds of one function run one at a time, in order. */
  queue: Promise<unknown>;
  disposed: boolean;
  /** Errors of the last failed build, until a build succeeds. */
  lastErrors?: string[];
  /** The stand-in served while the function has never built successfully. */
  errorArtifact?: FunctionArtifact;
  /** esbuild's absWorkingDir: metafile paths are relative to it. */
  ctxWorkingDir?: string;
  /** A Python function's source folder (set once it built): it runs from there, and any change in it reloads it. */
  pythonSrc?: string;
}

/** "packages/functions/src/users/list.handler" → "handler". */
export function exportNameOf(handler: string): string {
  const base = handler.slice(handler.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1) : "handler";
}

/** A directory name for a function id (ids can be construct paths with "/"). */
export function artifactDirName(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]+/g, "-");
}

/** esbuild's module, loaded once per process; its service process starts with its first call. */
let esbuildModule: Promise<Esbuild> | undefined;
const loadEsbuild = (): Promise<Esbuild> => (esbuildModule ??= import("esbuild"));

/**
 * Loads esbuild and starts its service process ahead of the first function build (the
 * first request after Ready builds its function: loading esbuild's JavaScript and
 * spawning its binary measured 30–60 ms of that on this machine). For a moment this
 * process has nothing else to do: `sst dev` waiting for its synth process.
 */
export function startEsbuildService(): void {
  loadEsbuild()
    .then((esbuild) => esbuild.transform(""))
    .catch(() => {});
}

export class DevFunctionBuilder {
  private readonly entries = new Map<string, Entry>();
  /** Loaded with the first Python function: apps without one never load it. */
  private python?: typeof import("./python-source.js");

  constructor(
    private readonly opts: {
      root: string;
      /** e.g. `<root>/.sst/artifacts/dev`; each function builds into `<outRoot>/<id>/.build/`, good builds are kept in `<outRoot>/<id>/<version>/`. */
      outRoot: string;
      buildOptions: BuildOptionsFor;
      /** Runs once per new version snapshot, e.g. to copy a function's `copyFiles` next to its code. */
      prepareVersion?: (def: DevFunctionDef, versionDir: string) => void;
      onEvent?: (event: BuildEvent) => void;
    },
  ) {}

  /** Replace the known functions (after a synth). Functions whose definition changed are rebuilt from scratch on next use. */
  async setFunctions(defs: Record<string, DevFunctionDef>): Promise<void> {
    const stale: Entry[] = [];
    for (const [id, entry] of this.entries) {
      const def = defs[id];
      if (!def || JSON.stringify(def) !== entry.defKey) {
        stale.push(entry);
        this.entries.delete(id);
      }
    }
    for (const [id, def] of Object.entries(defs)) {
      if (!this.entries.has(id)) this.entries.set(id, newEntry(def));
    }
    await Promise.all(stale.map((e) => disposeEntry(e)));
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  handlerOf(id: string): string | undefined {
    return this.entries.get(id)?.def.handler;
  }

  /** Functions that have been built at least once (and are therefore watched). */
  builtIds(): string[] {
    return [...this.entries].filter(([, e]) => e.ctx || e.pythonSrc).map(([id]) => id);
  }

  /** Source files (absolute) that went into a function's last build. */
  inputsOf(id: string): string[] {
    return [...(this.entries.get(id)?.inputs ?? [])];
  }

  /**
   * The function's code, building it first if it never built. When it has never built
   * successfully, the code is a stand-in module that throws the build errors when
   * loaded: the invocation then fails like any function error, with the file:line of
   * the problem, instead of the Lambda service failing (and the SDK retrying).
   */
  /** The function's code when it is at hand (built, or its build failed): no waiting. */
  readyArtifact(id: string): FunctionArtifact | undefined {
    const entry = this.entries.get(id);
    return entry?.artifact ?? entry?.errorArtifact;
  }

  async artifact(id: string): Promise<FunctionArtifact> {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`Unknown function "${id}"`);
    if (entry.artifact) return entry.artifact;
    if (entry.errorArtifact) return entry.errorArtifact;
    await this.enqueue(entry);
    if (entry.artifact) return entry.artifact;
    entry.errorArtifact = this.writeErrorArtifact(entry);
    return entry.errorArtifact;
  }

  /**
   * Rebuilds every built function that uses one of `files` (absolute paths). A function
   * that has never built has no reliable input list (esbuild gives no metafile on
   * failure), so any change retries it.
   */
  async filesChanged(files: string[]): Promise<BuildEvent[]> {
    const changed = files.map((f) => path.resolve(f));
    const affected = [...this.entries.values()].filter((e) =>
      e.pythonSrc
        ? changed.some((f) => this.python!.isPythonSourceChange(e.pythonSrc!, f)) || (!e.artifact && e.errorArtifact)
        : e.ctx && (changed.some((f) => e.inputs.has(f)) || (!e.artifact && e.errorArtifact)),
    );
    const events = await Promise.all(affected.map((e) => this.enqueue(e)));
    return events.filter((e): e is BuildEvent => Boolean(e));
  }

  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => disposeEntry(e)));
  }

  private enqueue(entry: Entry): Promise<BuildEvent | undefined> {
    const run = entry.queue.then(() => (entry.disposed ? undefined : this.build(entry)));
    entry.queue = run.catch(() => {});
    return run;
  }

  private async build(entry: Entry): Promise<BuildEvent> {
    const started = performance.now();
    const { id, handler } = entry.def;
    try {
      const previous = entry.artifact?.version ?? entry.errorArtifact?.version;
      if (PYTHON.test(entry.def.runtime)) entry.artifact = await this.pythonArtifact(entry);
      else {
        if (!entry.ctx) entry.ctx = await this.createContext(entry);
        const result = await entry.ctx.rebuild();
        entry.artifact = this.readArtifact(entry, result.metafile!);
      }
      entry.lastErrors = undefined;
      entry.errorArtifact = undefined;
      const event: BuildEvent = {
        type: "built",
        id,
        handler,
        durationMs: performance.now() - started,
        version: entry.artifact.version,
        changed: previous !== entry.artifact.version,
        rebuild: previous !== undefined,
      };
      this.opts.onEvent?.(event);
      return event;
    } catch (err) {
      entry.lastErrors = buildErrorLines(err);
      // Refresh the stand-in so the next invocation reports the current errors.
      if (!entry.artifact && entry.errorArtifact) entry.errorArtifact = this.writeErrorArtifact(entry);
      const event: BuildEvent = {
        type: "failed",
        id,
        handler,
        durationMs: performance.now() - started,
        errors: entry.lastErrors,
        servingPrevious: Boolean(entry.artifact),
      };
      this.opts.onEvent?.(event);
      return event;
    }
  }

  /** Python runs from its source folder: nothing is built, the artifact names the file and its version. */
  private async pythonArtifact(entry: Entry): Promise<FunctionArtifact> {
    this.python ??= await import("./python-source.js");
    try {
      const { artifact, srcDir } = this.python.pythonDevBuild(this.opts.root, entry.def);
      entry.pythonSrc = srcDir;
      return artifact;
    } catch (err) {
      // Watched from the handler's folder until it can run, so fixing it is noticed.
      entry.pythonSrc ??= path.dirname(path.resolve(this.opts.root, entry.def.handler));
      throw err;
    }
  }

  private async createContext(entry: Entry): Promise<BuildContext> {
    const esbuild = await loadEsbuild();
    const outdir = path.join(this.functionDir(entry.def.id), BUILD_DIR);
    const base = this.opts.buildOptions(entry.def, this.opts.root, outdir);
    entry.ctxWorkingDir = base.absWorkingDir ?? this.opts.root;
    return esbuild.context({
      absWorkingDir: this.opts.root,
      ...base,
      write: true,
      metafile: true,
      logLevel: "silent",
    });
  }

  /**
   * Finds the entry's output in the metafile, records its inputs, and snapshots the
   * outputs into `<outRoot>/<id>/<version>/`. The snapshot matters: esbuild deletes its
   * outputs when an incremental rebuild fails, and an immutable file per version also
   * gives each version its own module URL in the Lambda worker.
   */
  private readArtifact(entry: Entry, metafile: Metafile): FunctionArtifact {
    const cwd = entry.ctxWorkingDir ?? this.opts.root;
    entry.inputs = new Set(Object.keys(metafile.inputs).map((i) => path.resolve(cwd, i.replace(/^[a-z-]+:/, ""))));
    const outputs = Object.keys(metafile.outputs).map((f) => path.resolve(cwd, f));
    const js = Object.entries(metafile.outputs).filter(([f]) => /\.(m?js|cjs)$/.test(f));
    const [entryOut] = js.find(([, o]) => o.entryPoint) ?? js[0] ?? [];
    if (!entryOut) throw new Error(`esbuild produced no JavaScript for ${entry.def.handler}`);
    const entryFile = path.resolve(cwd, entryOut);
    const hash = crypto.createHash("sha1");
    for (const f of outputs.sort()) hash.update(f).update(fs.readFileSync(f));
    const version = hash.digest("hex").slice(0, 12);
    const functionDir = this.functionDir(entry.def.id);
    const buildDir = path.join(functionDir, BUILD_DIR);
    const versionDir = path.join(functionDir, version);
    const inVersion = (f: string) => path.join(versionDir, f.startsWith(buildDir + path.sep) ? path.relative(buildDir, f) : path.basename(f));
    if (!fs.existsSync(versionDir)) {
      for (const f of outputs) {
        fs.mkdirSync(path.dirname(inVersion(f)), { recursive: true });
        fs.copyFileSync(f, inVersion(f));
      }
      this.opts.prepareVersion?.(entry.def, versionDir);
    }
    pruneVersions(functionDir, [version, entry.artifact?.version]);
    const sdkImports = [...new Set((metafile.outputs[entryOut]?.imports ?? []).filter((i) => i.external && SDK_PACKAGE.test(i.path)).map((i) => i.path))];
    let preload: string | undefined;
    if (sdkImports.length) {
      preload = path.join(versionDir, "sdk-preload.mjs");
      // Through `require`, as the bundle loads them (sdk-through-require.ts): no ESM parse of
      // the CommonJS SDK. Exported, so the standby can warm them up (the runtime's sdk-warmup.mjs).
      const text = `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\nexport const sdkModules = [\n${sdkImports.map((m) => `  require(${JSON.stringify(m)}),\n`).join("")}];\n`;
      if (!fs.existsSync(preload) || fs.readFileSync(preload, "utf8") !== text) fs.writeFileSync(preload, text);
    }
    return { file: inVersion(entryFile), exportName: exportNameOf(entry.def.handler), version, preload };
  }

  /** A module that throws the function's build errors when loaded, versioned by their text. */
  private writeErrorArtifact(entry: Entry): FunctionArtifact {
    const error = new FunctionBuildError(entry.def.handler, entry.lastErrors ?? ["build failed"]);
    const version = `error-${crypto.createHash("sha1").update(error.message).digest("hex").slice(0, 12)}`;
    const file = path.join(this.functionDir(entry.def.id), `${version}.mjs`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      `const error = new Error(${JSON.stringify(error.message)});
error.name = "BuildError";
throw error;
`,
    );
    return { file, exportName: exportNameOf(entry.def.handler), version };
  }

  private functionDir(id: string): string {
    return path.join(this.opts.outRoot, artifactDirName(id));
  }
}

/** Runtimes run from source by the Python bootstrap, not bundled. */
const PYTHON = /^python/;

/** esbuild writes here; good builds are copied out into a directory per version. */
const BUILD_DIR = ".build";

/** Removes version snapshots other than `keep` (the current one and the one before, which a worker may still be loading). */
function pruneVersions(functionDir: string, keep: (string | undefined)[]): void {
  for (const name of fs.readdirSync(functionDir)) {
    if (name === BUILD_DIR || keep.includes(name)) continue;
    fs.rmSync(path.join(functionDir, name), { recursive: true, force: true });
  }
}

function newEntry(def: DevFunctionDef): Entry {
  return { def, defKey: JSON.stringify(def), inputs: new Set(), queue: Promise.resolve(), disposed: false };
}

async function disposeEntry(entry: Entry): Promise<void> {
  entry.disposed = true;
  await entry.queue;
  await entry.ctx?.dispose().catch(() => {});
  entry.ctx = undefined;
}
