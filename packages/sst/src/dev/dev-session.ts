/**
 * The `sst dev` loop: load the app, start the local cloud on the stage's state,
 * deploy the dev assembly, run functions from source (rebuilt on save), redeploy when
 * the config or a stack changes, and print what functions do.
 */
import path from "node:path";
import type { Ui } from "../cli/ui.js";
import { CliError } from "../cli/command.js";
import type { Project } from "../cli/project.js";
import { importLocalCloud, startCloud, type CloudHandle } from "../deploy/local-cloud.js";
import { deployToLocal, describeDeployEvent } from "../deploy/local.js";
import { changedOutputs, formatOutputs, writeOutputs, type StackOutputs } from "../deploy/outputs.js";
import { fallbackPrefix } from "../deploy/secrets.js";
import { findLiveServer, findSiblingServerOnPort, readServerInfo, removeServerInfo, writeServerInfo } from "../deploy/server-file.js";
import { localStateDir, outputsFile } from "../deploy/state-paths.js";
import { resetLocalState } from "../deploy/reset-state.js";
import type { SynthResult } from "../deploy/project-like.js";
import { createDevBuilder } from "./build-options.js";
import { DevCodeResolver } from "./code-resolver.js";
import { startEsbuildService, type DevFunctionBuilder, type BuildEvent } from "./function-builder.js";
import { attachInvocationLog } from "./invocation-log.js";
import { attachCognitoCodeLog } from "./cognito-codes.js";
import { localDatabases, newDatabaseLines } from "./database-urls.js";
import { prewarmFunctions } from "./prewarm.js";
import { watchTree, type TreeWatcher } from "./watcher.js";
import { SerialTask } from "./serial-task.js";
import type { SynthInProgress } from "./synth-process.js";
import { LOCAL_DEV_SYNTH_CONTEXT } from "./local-synth-context.js";
import { reportBuild, reportRedeployFailure } from "./build-report.js";
import { ServiceProcesses } from "./service-processes.js";
import { PothosSync } from "./pothos-sync.js";
import { KyselyTypesSync } from "./kysely-types.js";
import { localCloudTarget, localServiceSpecs } from "./local-services.js";
import type { EnvReads, SynthCacheQuery } from "../project/synth-cache.js";
import { loadDevProject, realProjectDeps, withFakes, type DevProject, type DevProjectDeps } from "./dev-project.js";

export { loadDevProject, type DevProject } from "./dev-project.js";

/** What the session is built from; tests swap in fakes. */
export interface DevDeps extends DevProjectDeps {
  startCloud: typeof startCloud;
  defaultPort(): Promise<number>;
}

const realDeps: DevDeps = {
  ...realProjectDeps,
  startCloud,
  defaultPort: async () => (await importLocalCloud()).DEFAULT_PORT,
};

export interface DevOptions {
  deps?: Partial<DevDeps>;
  cwd: string;
  stage?: string;
  region?: string;
  port?: number;
  verbose?: boolean;
  /** Delete the stage's local state before starting (`sst dev --reset`). */
  reset?: boolean;
  ui: Ui;
  /** The project, when the caller loaded it already (to choose the target): see loadDevProject. */
  preloaded?: DevProject;
}

const devDeps = (opts: Pick<DevOptions, "deps">): DevDeps => withFakes(realDeps, opts.deps);

/** The synth process's result, its environment reads joined to `envReads`; undefined when it can't leave that process. */
async function synthesizedElsewhere(elsewhere: SynthInProgress, envReads: EnvReads): Promise<SynthResult | undefined> {
  const done = await elsewhere.synthesized;
  if (!done) return undefined;
  Object.assign(envReads.values, done.envValues);
  return done.synth;
}

/**
 * Synthesizes in this process: with the project loaded here, or — when only the synth
 * process loaded it and its result can't leave that process (a function's build options
 * hold code) — loaded here again.
 */
async function synthHere(deps: DevDeps, opts: Pick<DevOptions, "cwd" | "stage" | "region" | "verbose">, project: Project, elsewhere: SynthInProgress | undefined, envReads: EnvReads): Promise<SynthResult> {
  const loaded = elsewhere ? await envReads.during(() => deps.loadProject({ cwd: opts.cwd, global: { stage: opts.stage, region: opts.region, verbose: !!opts.verbose } })) : project;
  return envReads.during(() => deps.synth(loaded, { mode: "dev", context: { ...LOCAL_DEV_SYNTH_CONTEXT } }));
}

export class DevSession {
  private watcher?: TreeWatcher;
  /** Api graphql routes' Pothos schemas, generated after deploys and on changes (pothos-sync.ts). */
  private readonly pothos: PothosSync;
  /** RDS `types`: kysely types of the databases, after deploys and migrations (kysely-types.ts). */
  private readonly kyselyTypes: KyselyTypesSync;
  private detachLog?: () => void;
  private readonly redeploys = new SerialTask(() => this.redeploy());
  private stopped = false;
  private readonly printedNotices = new Set<string>();
  /** The local Postgres connection strings printed this session (database-urls.ts). */
  private readonly printedDatabases = new Set<string>();
  private configInputs = new Set<string>();
  private outputs: StackOutputs = {};
  /** Services' `dev.command`s, run on this machine. */
  readonly services: ServiceProcesses;
  /** Resolves when the deploy after the last config change finished (for tests and tools). */
  get lastRedeploy(): Promise<void> {
    return this.redeploys.last;
  }

  private constructor(
    readonly project: Project,
    readonly cloud: CloudHandle,
    readonly stateDir: string,
    private readonly builder: DevFunctionBuilder,
    private readonly resolver: DevCodeResolver,
    private readonly opts: DevOptions,
    private readonly deps: DevDeps,
  ) {
    this.services = new ServiceProcesses(opts.ui);
    this.pothos = new PothosSync(project.root, opts.ui);
    this.kyselyTypes = new KyselyTypesSync(project.root, opts.ui, {
      region: cloud.region,
      endpoint: cloud.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
  }

  static async start(opts: DevOptions): Promise<DevSession> {
    const started = performance.now();
    const { ui } = opts;
    const deps = devDeps(opts);
    const lap = (what: string) => ui.debug(`${what}: ${Math.round(performance.now() - started)}ms`);
    const cacheQuery: SynthCacheQuery = { cwd: opts.cwd, stage: opts.stage, region: opts.region, mode: "dev" };
    // Nothing changed since the last synth: reuse it, and never import the config or aws-cdk-lib.
    const { project, cached, snapshot, envReads, elsewhere } = opts.preloaded ?? (await loadDevProject(opts));
    lap(cached ? "synth cache hit" : "project loaded");
    const stateDir = localStateDir(project);
    const running = await findLiveServer(stateDir);
    if (running)
      throw new CliError(
        `sst dev is already running for app "${project.config.name}" stage "${project.stage}" (pid ${running.pid}, ${running.endpoint}). Stop it first.`,
      );
    if (opts.reset && (await resetLocalState(stateDir))) ui.info(`Removed the local state of stage "${project.stage}" (${stateDir}); starting empty`);

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
      // This process waits for the synth process now: hash what the cache write will need
      // meanwhile, and start esbuild's service for the first function build.
      if (!cached && elsewhere) {
        deps.synthCache.prepare?.();
        startEsbuildService();
      }
      if (cached) synthResult = cached.synth;
      else {
        synthResult = (elsewhere && (await synthesizedElsewhere(elsewhere, envReads))) || (await synthHere(deps, opts, project, elsewhere, envReads));
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
    const builder = await createDevBuilder(project, (e) => session?.onBuilt(e));
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
    const detachInvocations = attachInvocationLog(this.cloud.events, ui, (n) => this.resolver.label(n), { verbose: this.opts.verbose });
    const detachCodes = attachCognitoCodeLog(this.cloud.events, ui, () => this.cloud.cognitoidp?.localDomains() ?? []);
    this.detachLog = () => {
      detachInvocations();
      detachCodes();
    };
    this.cloud.events.on("ssm:changed", this.onSsmChanged);
    this.cloud.events.on("lambda:end", this.onLambdaEnd);
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
    await this.redeploys.run(this.deploy(synthResult, true));
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
    this.printNotices(synthResult);
    await this.pothos.deployed(synthResult.stacks);
    this.kyselyTypes.deployed(await this.deployedStacks());
    if (first) for (const url of await this.apiUrls()) ui.line(`   API: ${url}`);
    for (const line of newDatabaseLines(await localDatabases(this.cloud as never), this.printedDatabases)) ui.line(line);
    await this.runServices();
  }

  /** Starts, restarts or stops the Services' `dev.command`s to match what was just deployed. */
  private async runServices(): Promise<void> {
    if (this.stopped) return;
    try {
      const ssm = (operation: string, input: any) => this.cloud.ssm.call(operation, input);
      const specs = await localServiceSpecs(ssm, { ssmPrefix: this.project.config.ssmPrefix, appRoot: this.project.root }, localCloudTarget({ endpoint: this.cloud.endpoint, region: this.cloud.region ?? this.project.config.region }));
      await this.services.sync(specs);
    } catch (err) {
      this.opts.ui.error(`Could not start the Services' dev.command: ${(err as Error).message}`);
    }
  }

  /** Once per construct and prop for the session: what the local cloud does instead of what the app asks for. */
  private printNotices(synthResult: SynthResult): void {
    const fresh = (synthResult.notices ?? []).filter((n) => !this.printedNotices.has(`${n.path}\u0000${n.prop}`));
    if (fresh.length === 0) return;
    this.opts.ui.info("Not served locally (deployed to AWS as written):");
    for (const n of fresh) {
      this.printedNotices.add(`${n.path}\u0000${n.prop}`);
      this.opts.ui.line(`   ${n.construct} uses ${n.prop}: ${n.local}`);
    }
  }

  /** This app's stacks as the local cloud describes them (outputs resolved). */
  private async deployedStacks(): Promise<{ StackName?: string; Outputs?: { OutputKey?: string; OutputValue?: string }[] }[]> {
    const prefix = `${this.project.stage}-${this.project.config.name}-`;
    try {
      const described = await this.cloud.cloudformation.call("DescribeStacks", {});
      return (described?.Stacks ?? []).filter((s: { StackName?: string }) => String(s.StackName ?? "").startsWith(prefix));
    } catch (err) {
      // Only what follows a deploy (RDS types) needs them; the deploy itself stands.
      this.opts.ui.debug(`DescribeStacks after the deploy failed: ${(err as Error).message}`);
      return [];
    }
  }

  private readonly onLambdaEnd = (e: { functionName: string; status: string }): void => {
    if (e.status === "success") this.kyselyTypes.functionSucceeded(e.functionName);
  };

  /** Resolves when the RDS types generations under way are done (tests, tools). */
  kyselyTypesIdle(): Promise<void> {
    return this.kyselyTypes.idle();
  }

  /** Resolves when the pothos schema generations under way are done (tests, tools). */
  pothosIdle(): Promise<void> {
    return this.pothos.idle();
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
    if (files.some((f) => this.configInputs.has(f))) this.redeploys.schedule();
    this.pothos.filesChanged(files);
    this.builder
      .filesChanged(files)
      .catch((err) => this.opts.ui.error(`Rebuild failed: ${(err as Error).message}`));
  }

  /** Prints a build result (called by the builder for every build). */
  onBuilt(e: BuildEvent): void {
    const { ui } = this.opts;
    if (reportBuild(ui, e) && !this.stopped)
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

  private async redeploy(): Promise<void> {
    const { ui } = this.opts;
    ui.line("|  Stacks: Building...");
    try {
      // With a synth process, a fresh one each time: the edited config and stacks load anew, and nothing of the old ones stays here.
      const { project, snapshot, envReads, elsewhere } = await loadDevProject({ ...this.opts, deps: this.deps }, false, true);
      const synthResult = (elsewhere && (await synthesizedElsewhere(elsewhere, envReads))) || (await synthHere(this.deps, this.opts, project, elsewhere, envReads));
      if (this.stopped) return;
      this.deps.synthCache.write({ cwd: this.opts.cwd, stage: this.opts.stage, region: this.opts.region, mode: "dev" }, project, synthResult, { ...snapshot!, env: envReads.values });
      this.configInputs = new Set((project.configInputs ?? []).map((f) => path.resolve(project.root, f)));
      await this.builder.setFunctions(synthResult.functions);
      await this.deploy(synthResult, false);
    } catch (err) {
      reportRedeployFailure(ui, err, this.opts.cwd);
    }
  }

  // SST Console ---------------------------------------------------------------------
  private console?: { url: string; close(): Promise<void> };

  /**
   * Starts the Console (packages/console) on its own port, prints its URL (with this run's
   * token) and records it in server.json for `sst console`; dev runs on without it if it fails.
   */
  private async openConsole(): Promise<void> {
    try {
      const { startConsole } = await import("@sst-local/console");
      const { name: app, ssmPrefix } = this.project.config;
      const handlerOf = (id: string) => this.builder.handlerOf(id);
      this.console = await startConsole(this.cloud as any, { app, stage: this.project.stage, ssmPrefix, handlerOf });
      const info = readServerInfo(this.stateDir);
      if (info?.pid === process.pid) writeServerInfo(this.stateDir, { ...info, consoleUrl: this.console.url });
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
    this.cloud.events.off("lambda:end", this.onLambdaEnd);
    await this.kyselyTypes.idle();
    await this.console?.close();
    await this.redeploys.stop();
    await this.services.stopAll();
    await this.builder.dispose();
    await this.cloud.stop();
    removeServerInfo(this.stateDir);
  }
}

async function version(): Promise<string> {
  return (await import("../cli/version.js")).sstVersion();
}
