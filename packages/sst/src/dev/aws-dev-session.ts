/**
 * `sst dev` with the AWS target — Live Lambda, as SST v2 has it. The app is deployed
 * to the stage in AWS (through the CDK toolkit, like `sst deploy`) with every function
 * replaced by a stub; each invocation comes over the bridge (SQS, see bridge/) to this
 * process, runs from source in the local Lambda runtime with the deployed function's
 * own environment and role credentials, and its answer goes back the same way. Saving
 * a handler rebuilds it and the next invocation runs the new code; saving a stack
 * redeploys. The function log, build reports and redeploys read as on the local cloud.
 */
import fs from "node:fs";
import path from "node:path";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Ui } from "../cli/ui.js";
import { loadProjectFor, synthProject, type Project } from "../cli/project.js";
import { exportForSynth, type AwsEnvironment } from "../deploy/aws/environment.js";
import { bootstrapSettings, ensureBootstrapped } from "../deploy/aws/bootstrap.js";
import { deployToAws } from "../deploy/aws/deploy.js";
import { loadToolkit } from "../deploy/aws/toolkit-loader.js";
import { changedOutputs, formatOutputs, writeOutputs, type StackOutputs } from "../deploy/outputs.js";
import { outputsFile } from "../deploy/state-paths.js";
import type { SynthResult } from "../deploy/project-like.js";
import { bridgeNames, liveLambdaContext, type BridgeNames } from "./bridge/names.js";
import { bridgeSqsClient, deleteReplyQueues, ensureRequestQueue } from "./bridge/queues.js";
import { BridgeServer, type BridgeAnswer, type BridgeInvocation } from "./bridge/server.js";
import { LiveRuntime } from "./bridge/live-runtime.js";
import { createDevBuilder } from "./build-options.js";
import { reportBuild, reportRedeployFailure } from "./build-report.js";
import { DevCodeResolver } from "./code-resolver.js";
import type { DevFunctionBuilder, BuildEvent } from "./function-builder.js";
import { attachInvocationLog } from "./invocation-log.js";
import { SerialTask } from "./serial-task.js";
import { watchTree, type TreeWatcher } from "./watcher.js";
import { ServiceProcesses } from "./service-processes.js";
import { PothosSync } from "./pothos-sync.js";
import { KyselyTypesSync, mayHaveTypedDatabase } from "./kysely-types.js";
import { awsTarget, localServiceSpecs } from "./local-services.js";

export interface AwsDevOptions {
  cwd: string;
  stage?: string;
  region?: string;
  verbose?: boolean;
  ui: Ui;
  env: AwsEnvironment;
  /** The project as the CLI loaded it to choose the target. */
  project: Project;
  /** --increase-timeout: stubs get Lambda's longest timeout (900 s), to sit on a breakpoint. */
  increaseTimeout?: boolean;
}

export class AwsDevSession {
  private watcher?: TreeWatcher;
  private detachLog?: () => void;
  private stopped = false;
  private configInputs = new Set<string>();
  private outputs: StackOutputs = {};
  private readonly redeploys = new SerialTask(() => this.redeploy());
  private bridge?: BridgeServer;
  /** Services' `dev.command`s, run on this machine against the stage on AWS. */
  private services?: ServiceProcesses;
  /** Api graphql routes' Pothos schemas, generated after deploys and on changes. */
  private readonly pothos: PothosSync;
  /** RDS `types`: made once a deployed template holds a typed RDS (kysely-types.ts). */
  private kyselyTypes?: KyselyTypesSync;

  private constructor(
    private project: Project,
    private readonly opts: AwsDevOptions,
    private readonly names: BridgeNames,
    private readonly sqs: SQSClient,
    private readonly runtime: LiveRuntime,
    private readonly builder: DevFunctionBuilder,
    private readonly resolver: DevCodeResolver,
  ) {
    this.pothos = new PothosSync(project.root, opts.ui);
  }

  /** Settles when the redeploy after the last stack change settled. */
  get lastRedeploy(): Promise<void> {
    return this.redeploys.last;
  }

  get requestQueue(): string {
    return this.names.requestQueue;
  }

  static async start(opts: AwsDevOptions): Promise<AwsDevSession> {
    const started = performance.now();
    const { ui, env } = opts;
    loadToolkit().catch(() => {}); // overlaps the synth; deployToAws awaits it
    // A cached dev project has no config module to synthesize with.
    const project = typeof opts.project.sstConfig?.stacks === "function" ? opts.project : await loadProjectFor({ cwd: opts.cwd, global: { stage: opts.stage, region: opts.region, verbose: !!opts.verbose } });
    ui.line(`SST v${(await import("../cli/version.js")).sstVersion()}`);
    ui.line("");
    ui.info(`App:     ${project.config.name}`);
    ui.line(`   Stage:   ${project.stage}`);
    ui.line(`   Region:  ${env.region}`);
    ui.line(`   Account: ${env.account}`);
    const names = bridgeNames(project.config.name, project.stage);
    ui.line(`   Live Lambda: SQS queue ${names.requestQueue}`);
    ui.line("");

    await ensureBootstrapped(env, { ui, settings: bootstrapSettings(project.config) });
    const sqs = await bridgeSqsClient(env);
    const requestUrl = await ensureRequestQueue(sqs, names);
    let session: AwsDevSession | undefined;
    const builder = await createDevBuilder(project, (e) => session?.onBuilt(e));
    const resolver = new DevCodeResolver(builder);
    const runtime = await LiveRuntime.create({ region: env.region, account: env.account, taskRoot: project.root });
    runtime.setCodeResolver(resolver.resolve);
    session = new AwsDevSession(project, opts, names, sqs, runtime, builder, resolver);
    try {
      await session.begin(requestUrl);
    } catch (err) {
      await session.stop();
      throw err;
    }
    ui.line(`Ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return session;
  }

  private synth(project: Project): Promise<SynthResult> {
    exportForSynth(this.opts.env);
    return synthProject(project, { mode: "dev", context: liveLambdaContext({ increaseTimeout: this.opts.increaseTimeout }) });
  }

  private async begin(requestUrl: string): Promise<void> {
    const { ui } = this.opts;
    this.detachLog = attachInvocationLog(this.runtime.events, ui, (n) => this.resolver.label(n), { verbose: this.opts.verbose });
    this.runtime.events.on("lambda:end", (e: { functionName: string; status: string }) => {
      if (e.status === "success") this.kyselyTypes?.functionSucceeded(e.functionName);
    });
    const synth = await this.synth(this.project);
    this.configInputs = new Set((this.project.configInputs ?? []).map((f) => path.resolve(this.project.root, f)));
    await this.builder.setFunctions(synth.functions);
    // Serve before deploying: a stub deployed earlier may be called while the stacks update.
    this.bridge = new BridgeServer(this.sqs, requestUrl, (inv) => this.invoke(inv), {
      onConnection: (state, detail) =>
        state === "lost" ? ui.error(`Live Lambda: lost the connection to ${this.names.requestQueue} (${detail}); retrying`) : ui.line(`|  Live Lambda: reconnected`),
      debug: (m) => ui.debug(m),
    });
    this.bridge.start();
    this.watcher = watchTree(this.project.root, { onChange: (files) => this.onFilesChanged(files) });
    await this.redeploys.run(this.deploy(synth, true));
  }

  /** Runs one invocation from the bridge, if it is a function of this app as synthesized now. */
  private async invoke(inv: BridgeInvocation): Promise<BridgeAnswer> {
    const id = inv.header.env.SST_FUNCTION_ID;
    if (!id || !this.builder.has(id))
      return {
        status: "error",
        error: {
          errorType: "LiveLambdaError",
          errorMessage: `sst dev does not know the function ${inv.header.functionName} (SST_FUNCTION_ID ${id ?? "missing"}): it is not in the app as synthesized now. Save a stack file to redeploy.`,
        },
      };
    return this.runtime.run(inv);
  }

  private async deploy(synth: SynthResult, first: boolean): Promise<void> {
    const { ui, env } = this.opts;
    const t0 = performance.now();
    if (!first) ui.line("|  Stacks: Deploying...");
    const result = await deployToAws(synth, env, { ui, progress: false, toolkitStackName: bootstrapSettings(this.project.config).toolkitStackName });
    writeOutputs(outputsFile(this.project), result.outputs);
    const changed = first ? result.outputs : changedOutputs(this.outputs, result.outputs);
    this.outputs = result.outputs;
    const n = Object.keys(result.outputs).length;
    ui.success(`Deployed ${n} stack${n === 1 ? "" : "s"} in ${Math.round(performance.now() - t0)}ms`);
    for (const l of formatOutputs(changed)) ui.line(l);
    await this.pothos.deployed(synth.stacks);
    await this.syncKyselyTypes(synth);
    await this.runServices();
  }

  /** After a deploy: the typed RDS constructs of the deployed stacks (their outputs resolved) get their types. */
  private async syncKyselyTypes(synth: SynthResult): Promise<void> {
    const typed: string[] = [];
    for (const stack of synth.stacks as { stackName?: string; templateFile?: string }[]) {
      const text = stack.templateFile ? await fs.promises.readFile(stack.templateFile, "utf8").catch(() => "") : "";
      if (stack.stackName && mayHaveTypedDatabase(text)) typed.push(stack.stackName);
    }
    if (!typed.length && !this.kyselyTypes) return;
    try {
      const { clientConfig } = await import("../deploy/aws/environment.js");
      const { CloudFormationClient, DescribeStacksCommand } = await import("@aws-sdk/client-cloudformation");
      const config = clientConfig(this.opts.env);
      const cfn = new CloudFormationClient(config);
      try {
        const stacks = await Promise.all(typed.map(async (StackName) => (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0] ?? {}));
        this.kyselyTypes ??= new KyselyTypesSync(this.project.root, this.opts.ui, config);
        this.kyselyTypes.deployed(stacks);
      } finally {
        cfn.destroy();
      }
    } catch (err) {
      this.opts.ui.error(`Kysely: Could not read the deployed stacks for RDS types: ${(err as Error).message}`);
    }
  }

  /** Starts, restarts or stops the Services' `dev.command`s to match what was just deployed. */
  private async runServices(): Promise<void> {
    if (this.stopped) return;
    try {
      const { clientConfig } = await import("../deploy/aws/environment.js");
      const { sdkSsm } = await import("../deploy/local-target.js");
      const config = clientConfig(this.opts.env);
      const specs = await localServiceSpecs(sdkSsm({ ...config, maxAttempts: 3 }), { ssmPrefix: this.project.config.ssmPrefix, appRoot: this.project.root }, awsTarget(config));
      if (specs.length === 0 && !this.services) return;
      this.services ??= new ServiceProcesses(this.opts.ui);
      await this.services.sync(specs);
    } catch (err) {
      this.opts.ui.error(`Could not start the Services' dev.command: ${(err as Error).message}`);
    }
  }

  private onFilesChanged(files: string[]): void {
    if (this.stopped) return;
    this.opts.ui.debug(`changed: ${files.map((f) => path.relative(this.project.root, f)).join(", ")}`);
    if (files.some((f) => this.configInputs.has(f))) this.redeploys.schedule();
    this.pothos.filesChanged(files);
    this.builder.filesChanged(files).catch((err) => this.opts.ui.error(`Rebuild failed: ${(err as Error).message}`));
  }

  onBuilt(e: BuildEvent): void {
    if (reportBuild(this.opts.ui, e) && !this.stopped)
      for (const name of this.resolver.functionNames(e.id))
        this.runtime.prewarm(name).catch((err) => this.opts.ui.debug(`pre-warm of ${e.handler} failed: ${(err as Error).message}`));
  }

  private async redeploy(): Promise<void> {
    const { ui } = this.opts;
    ui.line("|  Stacks: Building...");
    try {
      const project = await loadProjectFor({ cwd: this.opts.cwd, global: { stage: this.opts.stage, region: this.opts.region, verbose: !!this.opts.verbose } });
      const synth = await this.synth(project);
      if (this.stopped) return;
      this.project = project;
      this.configInputs = new Set((project.configInputs ?? []).map((f) => path.resolve(project.root, f)));
      await this.builder.setFunctions(synth.functions);
      await this.deploy(synth, false);
    } catch (err) {
      reportRedeployFailure(ui, err, this.opts.cwd);
    }
  }

  /** Stops serving; invocations in flight answer first. The stubs' reply queues are deleted. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.close();
    await this.redeploys.stop();
    await this.kyselyTypes?.idle();
    await this.services?.stopAll();
    await this.bridge?.stop();
    this.detachLog?.();
    this.runtime.close();
    await this.builder.dispose();
    await deleteReplyQueues(this.sqs, this.names).catch((err) => this.opts.ui.debug(`Could not delete the reply queues: ${(err as Error).message}`));
    this.sqs.destroy();
  }
}
