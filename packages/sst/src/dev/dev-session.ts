/**
 * The `sst dev` loop: load the app, start the local cloud on the stage's state,
 * deploy the dev assembly, run functions from source (rebuilt on save), redeploy when
 * the config or a stack changes, and print what functions do.
 */
import path from "node:path";
import type { Ui } from "../cli/ui.js";
import { CliError } from "../cli/command.js";
import { userCodeLocation } from "../cli/error-location.js";
import { loadProjectFor, synthProject, type Project } from "../cli/project.js";
import { importLocalCloud, startCloud, type CloudHandle } from "../deploy/local-cloud.js";
import { deployToLocal, describeDeployEvent } from "../deploy/local.js";
import { formatOutputs, writeOutputs, type StackOutputs } from "../deploy/outputs.js";
import { fallbackPrefix } from "../deploy/secrets.js";
import { findLiveServer, findSiblingServerOnPort, removeServerInfo, writeServerInfo } from "../deploy/server-file.js";
import { localStateDir, outputsFile } from "../deploy/state-paths.js";
import type { SynthResult } from "../deploy/project-like.js";
import { devBuildOptions } from "./build-options.js";
import { DevCodeResolver } from "./code-resolver.js";
import { DevFunctionBuilder, type BuildEvent } from "./function-builder.js";
import { attachInvocationLog } from "./invocation-log.js";
import { prewarmFunctions } from "./prewarm.js";
import { watchTree, type TreeWatcher } from "./watcher.js";
import { EnvReads, readSynthCache, snapshotInputs, writeSynthCache, type InputSnapshot, type SynthCacheQuery } from "../project/synth-cache.js";

/** What the session is built from; tests swap in fakes. */
export interface DevDeps {
  loadProject: typeof loadProjectFor;
  synth: typeof synthProject;
  startCloud: typeof startCloud;
  defaultPort(): Promise<number>;
  /** The synth cache (src/project/synth-cache.ts): a start on an unchanged app skips loading the config and synth. */
  synthCache: {
    read: typeof readSynthCache;
    snapshot: typeof snapshotInputs;
    write: typeof writeSynthCache;
  };
}

const realDeps: DevDeps = {
  loadProject: loadProjectFor,
  synth: synthProject,
  startCloud,
  defaultPort: async () => (await importLocalCloud()).DEFAULT_PORT,
  synthCache: { read: readSynthCache, snapshot: snapshotInputs, write: writeSynthCache },
};

export interface DevOptions {
  deps?: Partial<DevDeps>;
  cwd: string;
  stage?: string;
  region?: string;
  port?: number;
  verbose?: boolean;
  ui: Ui;
}

export class DevSession {
  private watcher?: TreeWatcher;
  private detachLog?: () => void;
  private redeploying?: Promise<void>;
  private redeployAgain = false;
  private stopped = false;
  private configInputs = new Set<string>();
  private outputs: StackOutputs = {};
  /** Resolves when the deploy after the last config change finished (for tests and tools). */
  lastRedeploy: Promise<void> = Promise.resolve();

  private constructor(
    readonly project: Project,
    readonly cloud: CloudHandle,
    readonly stateDir: string,
    private readonly builder: DevFunctionBuilder,
    private readonly resolver: DevCodeResolver,
    private readonly opts: DevOptions,
    private readonly deps: DevDeps,
  ) {}

  static async start(opts: DevOptions): Promise<DevSession> {
    const started = performance.now();
    const { ui } = opts;
    const deps: DevDeps = { ...realDeps, ...opts.deps };
    const lap = (what: string) => ui.debug(`${what}: ${Math.round(performance.now() - started)}ms`);
    const cacheQuery: SynthCacheQuery = { cwd: opts.cwd, stage: opts.stage, region: opts.region, mode: "dev" };
    // Nothing changed since the last synth: reuse it, and never import the config or aws-cdk-lib.
    const cached = deps.synthCache.read(cacheQuery);
    let snapshot: InputSnapshot | undefined;
    let project: Project;
    const envReads = new EnvReads();
    if (cached) {
      project = cached.project;
      lap("synth cache hit");
    } else {
      project = await envReads.during(() => deps.loadProject({ cwd: opts.cwd, global: { stage: opts.stage, region: opts.region, verbose: !!opts.verbose } }));
      snapshot = deps.synthCache.snapshot(project);
      lap("project loaded");
    }
    const stateDir = localStateDir(project);
    const running = await findLiveServer(stateDir);
    if (running)
      throw new CliError(
        `sst dev is already running for app "${project.config.name}" stage "${project.stage}" (pid ${running.pid}, ${running.endpoint}). Stop it first.`,
      );

    const port = opts.port ?? (await deps.defaultPort());
    // Cloud first, then synth. Overlapping them was measured slower (3.9–4.7 s vs
    // 3.5 s to ready on the seed app): both are CPU-bound on one thread, and the cloud's
    // many small async steps queue behind synth's long synchronous stretches. Loading the
    // cloud's modules while the config loads did not help either (5 alternating cold
    // starts: median 2.55 s with, 2.57 s without).
    const { cloud, portTakenBy } = await deps.startCloud({ dir: stateDir, port, region: project.config.region });
    lap("local cloud started");
    if (portTakenBy) {
      const sibling = await findSiblingServerOnPort(path.dirname(stateDir), portTakenBy);
      const holder = sibling ? `sst dev of stage "${sibling.stage}" (pid ${sibling.pid})` : "another program";
      ui.info(`Port ${portTakenBy} is in use by ${holder}; using port ${cloud.port}`);
    }
    // Claim the state right away, so a second `sst dev` of this stage sees us even during synth.
    writeServerInfo(stateDir, {
      pid: process.pid,
      port: cloud.port,
      endpoint: cloud.endpoint,
      app: project.config.name,
      stage: project.stage,
      startedAt: new Date().toISOString(),
    });
    let synthResult: SynthResult;
    try {
      if (cached) synthResult = cached.synth;
      else {
        synthResult = await envReads.during(() => deps.synth(project, { mode: "dev" }));
        lap("synthesized");
        if (deps.synthCache.write(cacheQuery, project, synthResult, { ...snapshot!, env: envReads.values })) lap("synth cached");
      }
    } catch (err) {
      // A stack error: nothing was deployed; leave nothing running.
      await cloud.stop().catch(() => {});
      removeServerInfo(stateDir);
      throw err;
    }

    let session: DevSession | undefined = undefined;
    const builder = new DevFunctionBuilder({
      root: project.root,
      outRoot: path.join(project.paths.artifacts ?? path.join(project.paths.out, "artifacts"), "dev"),
      ...(await devBuildOptions(project.root)),
      // Every build is reported: first builds (on first invocation) and rebuilds on save.
      onEvent: (e) => session?.onBuilt(e),
    });
    const resolver = new DevCodeResolver(builder);
    session = new DevSession(project, cloud, stateDir, builder, resolver, opts, deps);
    try {
      await session.begin(synthResult);
    } catch (err) {
      await session.stop();
      throw err;
    }
    ui.line(`Ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    await session.openConsole(); // SST Console: its URL after "Ready"
    return session;
  }

  private async begin(synthResult: SynthResult): Promise<void> {
    const { ui } = this.opts;
    await this.builder.setFunctions(synthResult.functions);
    if (typeof this.cloud.lambda?.setCodeResolver !== "function")
      throw new Error("This local cloud has no Lambda service, so functions cannot run from source");
    this.cloud.lambda.setCodeResolver(this.resolver.resolve);
    this.detachLog = attachInvocationLog(this.cloud.events, ui, (n) => this.resolver.label(n), { verbose: this.opts.verbose });
    this.cloud.events.on("ssm:changed", this.onSsmChanged);
    this.configInputs = new Set((this.project.configInputs ?? []).map((f) => path.resolve(this.project.root, f)));

    ui.line(`SST v${await version()}`);
    ui.line("");
    ui.info(`App:     ${this.project.config.name}`);
    ui.line(`   Stage:   ${this.project.stage}`);
    ui.line(`   Region:  ${this.cloud.region}`);
    ui.line(`   Local cloud: ${this.cloud.endpoint} (credentials test/test)`);
    ui.line("");

    // Watch before deploying, so an edit made during the first deploy is not lost: a
    // stack change then queues a redeploy behind it.
    this.watcher = watchTree(this.project.root, { onChange: (files) => this.onFilesChanged(files) });
    await this.serialize(this.deploy(synthResult, true));
  }

  /** Deploys a synth result and prints the outputs. On the first deploy an error is fatal; later ones keep the old deployment. */
  private async deploy(synthResult: SynthResult, first: boolean): Promise<void> {
    const { ui } = this.opts;
    const t0 = performance.now();
    if (!first) ui.line("|  Stacks: Deploying...");
    const outputs = await deployToLocal(this.cloud, synthResult, {
      onEvent: (e) => ui.debug(`|  ${describeDeployEvent(e)}`),
    });
    writeOutputs(outputsFile(this.project), outputs);
    const changed = first ? outputs : changedOutputs(this.outputs, outputs);
    this.outputs = outputs;
    ui.success(`Deployed ${Object.keys(outputs).length} stack${Object.keys(outputs).length === 1 ? "" : "s"} in ${Math.round(performance.now() - t0)}ms`);
    for (const l of formatOutputs(changed)) ui.line(l);
    if (first) for (const url of await this.apiUrls()) ui.line(`   API: ${url}`);
  }

  /** Endpoints of the HTTP APIs in the local cloud (if its API Gateway is there). */
  private async apiUrls(): Promise<string[]> {
    try {
      const apigw = (this.cloud as any).apigateway;
      const out = await apigw?.call?.("GetApis", {});
      return (out?.Items ?? []).map((a: any) => a.ApiEndpoint).filter(Boolean);
    } catch {
      return [];
    }
  }

  private onFilesChanged(files: string[]): void {
    if (this.stopped) return;
    this.opts.ui.debug(`changed: ${files.map((f) => path.relative(this.project.root, f)).join(", ")}`);
    if (files.some((f) => this.configInputs.has(f))) this.scheduleRedeploy();
    this.builder
      .filesChanged(files)
      .catch((err) => this.opts.ui.error(`Rebuild failed: ${(err as Error).message}`));
  }

  /** Prints a build result (called by the builder for every build). */
  onBuilt(e: BuildEvent): void {
    const { ui } = this.opts;
    if (e.type === "failed") {
      ui.error(`Build failed: ${e.handler}${e.servingPrevious ? " (still running the last good build)" : ""}`);
      for (const l of e.errors) ui.line(`   ${l}`);
      return;
    }
    if (!e.changed) return;
    // No recycle needed: the Lambda runtime asks the resolver on every invocation and
    // ends warm workers whose code version is stale.
    ui.line(`|  Built ${e.handler} ${Math.round(e.durationMs)}ms`);
    if (e.rebuild && !this.stopped)
      prewarmFunctions(this.cloud, this.resolver.functionNames(e.id), (err) => ui.debug(`pre-warm of ${e.handler} failed: ${err.message}`));
  }

  private readonly onSsmChanged = (e: { name: string }) => {
    const { name } = e ?? {};
    if (typeof name !== "string") return;
    if (!name.startsWith(this.project.config.ssmPrefix) && !name.startsWith(fallbackPrefix(this.project.config.name))) return;
    if (!/\/Secret\//.test(name)) return;
    void this.cloud.lambda?.recycle();
    this.opts.ui.line(`|  ${name} changed: functions will use the new value on their next invocation`);
  };

  /** Serializes redeploys; changes during one deploy trigger exactly one more. */
  private scheduleRedeploy(): void {
    if (this.redeploying) {
      this.redeployAgain = true;
      return;
    }
    this.lastRedeploy = this.serialize(this.redeploy());
  }

  /** Marks `deploy` as the deploy in progress; when it settles, runs the redeploy that changes meanwhile asked for. */
  private serialize(deploy: Promise<void>): Promise<void> {
    this.redeploying = deploy.finally(() => {
      this.redeploying = undefined;
      if (this.redeployAgain && !this.stopped) {
        this.redeployAgain = false;
        this.scheduleRedeploy();
      }
    });
    return this.redeploying;
  }

  private async redeploy(): Promise<void> {
    const { ui } = this.opts;
    ui.line("|  Stacks: Building...");
    try {
      const envReads = new EnvReads();
      const project = await envReads.during(() => this.deps.loadProject({ cwd: this.opts.cwd, global: { stage: this.opts.stage, region: this.opts.region, verbose: !!this.opts.verbose } }));
      const snapshot = this.deps.synthCache.snapshot(project);
      const synthResult = await envReads.during(() => this.deps.synth(project, { mode: "dev" }));
      if (this.stopped) return;
      this.deps.synthCache.write({ cwd: this.opts.cwd, stage: this.opts.stage, region: this.opts.region, mode: "dev" }, project, synthResult, { ...snapshot, env: envReads.values });
      this.configInputs = new Set((project.configInputs ?? []).map((f) => path.resolve(project.root, f)));
      await this.builder.setFunctions(synthResult.functions);
      await this.deploy(synthResult, false);
    } catch (err) {
      ui.error(`Deploy failed (the previous deployment keeps running):`);
      const message = String((err as Error)?.message ?? err);
      const where = userCodeLocation(err, this.opts.cwd);
      for (const l of (where && !message.includes(where) ? `${where}: ${message}` : message).split("\n")) ui.line(`   ${l}`);
    }
  }

  // SST Console ---------------------------------------------------------------------
  private console?: { url: string; close(): void };

  /** Mounts the Console (packages/console) on the cloud's port under /_console/ and prints its URL; dev runs on without it if it fails. */
  private async openConsole(): Promise<void> {
    try {
      const { mountConsole } = await import("@sst-local/console");
      const { name: app, ssmPrefix } = this.project.config;
      const handlerOf = (id: string) => this.builder.handlerOf(id);
      this.console = mountConsole(this.cloud as any, { app, stage: this.project.stage, ssmPrefix, handlerOf });
      this.opts.ui.line(`   Console: ${this.console.url}`);
    } catch (err) {
      this.opts.ui.debug(`Console not available: ${(err as Error).message}`);
    }
  }

  /** Stop watching, dispose builds, stop the cloud, remove server.json. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.close();
    this.detachLog?.();
    this.cloud.events.off("ssm:changed", this.onSsmChanged);
    this.console?.close();
    await this.redeploying?.catch(() => {});
    await this.builder.dispose();
    await this.cloud.stop();
    removeServerInfo(this.stateDir);
  }
}

function changedOutputs(before: StackOutputs, after: StackOutputs): StackOutputs {
  const out: StackOutputs = {};
  for (const [stack, outputs] of Object.entries(after))
    if (JSON.stringify(before[stack]) !== JSON.stringify(outputs)) out[stack] = outputs;
  return out;
}

async function version(): Promise<string> {
  return (await import("../cli/version.js")).sstVersion();
}
