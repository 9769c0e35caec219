/**
 * AWS CodeBuild (awsJson1_1, X-Amz-Target "CodeBuild_20161006.<Operation>"): projects,
 * and builds that really run — the buildspec's commands as processes on this machine
 * (build-runner.ts), with the source from S3, the project's and the start's environment
 * variables, the service role's credentials and the build's log stream in CloudWatch
 * Logs. What SST's Job starts with `Job.<id>.run()`.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { unzipSync } from "fflate";
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID, type AwsRequest, type AwsResponse, type CallContext, type Principal, type Service } from "../../types.js";
import type { Kernel, ServiceDeps } from "../../kernel/kernel.js";
import { bodyToBuffer } from "../../kernel/body-bytes.js";
import { LogShipper } from "../../kernel/log-shipper.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import { jsonServiceErrors } from "../../wire/json-service-errors.js";
import type { OperationSpecs } from "../../wire/operations.js";
import codebuildModel from "../../wire/models/codebuild.js";
import { parseBuildSpec, type BuildSpec } from "./buildspec.js";
import { runBuild, type RunningBuild } from "./build-runner.js";
import { CodeBuildStore, type Build, type BuildStatus, type EnvironmentVariable, type Project } from "./store.js";

const DEFAULT_TIMEOUT_MINUTES = 60;
const MAX_TIMEOUT_MINUTES = 2160;


const invalid = (message: string) => new AwsError("InvalidInputException", message, 400);
const notFound = (message: string) => new AwsError("ResourceNotFoundException", message, 400);
const HOST_NODE_MAJOR = Number(process.versions.node.split(".")[0]);
const nowSeconds = () => Date.now() / 1000;

function required(input: any, field: string): void {
  if (input[field] === undefined || input[field] === null) {
    throw new AwsError("ValidationException", `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`, 400);
  }
}

export class CodeBuildService implements Service {
  readonly signingName = "codebuild";
  private readonly store: CodeBuildStore;
  private readonly kernel: Kernel;
  private readonly running = new Map<string, RunningBuild>();
  private readonly shipper: LogShipper;
  private readonly api: OperationService;

  constructor({ kernel }: ServiceDeps) {
    this.kernel = kernel;
    this.store = new CodeBuildStore(kernel.openDatabase("codebuild"));
    this.shipper = new LogShipper(() => kernel.clients.logs, { createGroups: true });
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: codebuildModel,
      operations: this.operations(),
      errors: jsonServiceErrors({ validation: "ValidationException", internal: "InternalFailure" }),
    });
  }

  /** Each operation's IAM check (CodeBuild authorizes on the project) and implementation. */
  private operations(): OperationSpecs<typeof codebuildModel, CallContext> {
    const onProject = (action: string) => (i: { name?: string; projectName?: string }, ctx: CallContext) => ({ action: `codebuild:${action}`, resource: this.projectArn(ctx, String(i.name ?? i.projectName)) });
    /** A build id is "<project>:<uuid>": its project is the resource. */
    const onBuilds = (action: string) => (i: { ids: string[] }, ctx: CallContext) => ({ action: `codebuild:${action}`, resource: i.ids.map((id) => this.projectArn(ctx, id.split(":")[0]!)) });
    return {
      CreateProject: { iam: onProject("CreateProject"), run: (i, ctx) => this.CreateProject(i, ctx) },
      UpdateProject: { iam: onProject("UpdateProject"), run: (i, ctx) => this.UpdateProject(i, ctx) },
      DeleteProject: { iam: onProject("DeleteProject"), run: (i) => this.DeleteProject(i) },
      BatchGetProjects: {
        iam: (i, ctx) => ({ action: "codebuild:BatchGetProjects", resource: i.names.map((n) => (n.startsWith("arn:") ? n : this.projectArn(ctx, n))) }),
        run: (i, ctx) => this.BatchGetProjects(i, ctx),
      },
      ListProjects: { iam: () => ({ action: "codebuild:ListProjects", resource: "*" }), run: () => this.ListProjects() },
      StartBuild: { iam: onProject("StartBuild"), run: (i, ctx) => this.StartBuild(i, ctx) },
      StopBuild: { iam: (i, ctx) => ({ action: "codebuild:StopBuild", resource: this.projectArn(ctx, i.id.split(":")[0]!) }), run: (i) => this.StopBuild(i) },
      BatchGetBuilds: { iam: onBuilds("BatchGetBuilds"), run: (i) => this.BatchGetBuilds(i) },
      ListBuildsForProject: { iam: onProject("ListBuildsForProject"), run: (i, ctx) => this.ListBuildsForProject(i, ctx) },
    };
  }

  /** Builds the local cloud was running when it stopped can't be resumed: they end as FAULT. */
  start(): void {
    for (const b of this.store.unfinishedBuilds()) {
      this.store.putBuild({ ...b, buildStatus: "FAULT", buildComplete: true, endTime: nowSeconds(), currentPhase: "COMPLETED" });
    }
  }

  async close(): Promise<void> {
    const pending = [...this.running.values()];
    for (const r of pending) r.stop();
    await Promise.allSettled(pending.map((r) => r.done));
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    return this.api.call(operation, input, ctx);
  }

  private projectArn(ctx: CallContext, name: string): string {
    return `arn:aws:codebuild:${ctx.region}:${ACCOUNT_ID}:project/${name}`;
  }

  private buildArn(ctx: CallContext, id: string): string {
    return `arn:aws:codebuild:${ctx.region}:${ACCOUNT_ID}:build/${id}`;
  }

  private requireProject(ctx: CallContext, name: string): Project {
    const p = this.store.project(name);
    if (!p) throw notFound(`Project cannot be found: ${this.projectArn(ctx, name)}`);
    return p;
  }

  /** The project's fields as given, checked as CodeBuild checks them, over `base` (UpdateProject). */
  private projectFrom(input: any, ctx: CallContext, base?: Project): Project {
    const merged = { ...base, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as any;
    for (const field of ["source", "artifacts", "environment", "serviceRole"]) required(merged, field);
    if (!merged.source.type) throw invalid("Invalid source: source type must be specified");
    if (!merged.environment.image) throw invalid("Invalid build environment: image must be specified");
    if (!merged.environment.computeType) throw invalid("Invalid build environment: computeType must be specified");
    const timeout = merged.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES;
    if (!Number.isInteger(timeout) || timeout < 5 || timeout > MAX_TIMEOUT_MINUTES) {
      throw invalid(`Invalid timeoutInMinutes: ${timeout}; it must be between 5 and ${MAX_TIMEOUT_MINUTES}`);
    }
    const now = nowSeconds();
    return {
      ...merged,
      arn: this.projectArn(ctx, merged.name),
      timeoutInMinutes: timeout,
      queuedTimeoutInMinutes: merged.queuedTimeoutInMinutes ?? 480,
      created: base?.created ?? now,
      lastModified: now,
    };
  }

  private async CreateProject(input: any, ctx: CallContext) {
    required(input, "name");
    const name = String(input.name);
    if (this.store.project(name)) throw new AwsError("ResourceAlreadyExistsException", `Project already exists: ${this.projectArn(ctx, name)}`, 400);
    const project = this.projectFrom(input, ctx);
    this.store.putProject(project);
    return { project };
  }

  private async UpdateProject(input: any, ctx: CallContext) {
    required(input, "name");
    const project = this.projectFrom(input, ctx, this.requireProject(ctx, String(input.name)));
    this.store.putProject(project);
    return { project };
  }

  private async DeleteProject(input: any) {
    required(input, "name");
    this.store.deleteProject(String(input.name));
    return {};
  }

  private async BatchGetProjects(input: any, ctx: CallContext) {
    required(input, "names");
    const projects: Project[] = [];
    const projectsNotFound: string[] = [];
    for (const n of input.names as string[]) {
      const name = n.startsWith("arn:") ? n.split("/").slice(1).join("/") : n;
      const p = this.store.project(name);
      if (p) projects.push(p);
      else projectsNotFound.push(n);
    }
    return { projects, projectsNotFound };
  }

  private async ListProjects() {
    return { projects: this.store.projectNames() };
  }

  private async StartBuild(input: any, ctx: CallContext) {
    required(input, "projectName");
    const name = String(input.projectName);
    const project = this.requireProject(ctx, name);
    const timeoutInMinutes = input.timeoutInMinutesOverride ?? project.timeoutInMinutes;
    if (!Number.isInteger(timeoutInMinutes) || timeoutInMinutes < 5 || timeoutInMinutes > MAX_TIMEOUT_MINUTES) {
      throw invalid(`Invalid timeoutInMinutesOverride: ${timeoutInMinutes}; it must be between 5 and ${MAX_TIMEOUT_MINUTES}`);
    }
    const uuid = randomUUID();
    const id = `${name}:${uuid}`;
    const overrides: EnvironmentVariable[] = input.environmentVariablesOverride ?? [];
    const variables = [...(project.environment.environmentVariables ?? []).filter((v) => !overrides.some((o) => o.name === v.name)), ...overrides];
    const source = { ...project.source, ...(input.buildspecOverride ? { buildspec: input.buildspecOverride } : {}), ...(input.sourceLocationOverride ? { location: input.sourceLocationOverride } : {}) };
    const cw = project.logsConfig?.cloudWatchLogs;
    const build: Build = {
      id,
      arn: this.buildArn(ctx, id),
      buildNumber: this.store.nextBuildNumber(name),
      startTime: nowSeconds(),
      currentPhase: "SUBMITTED",
      buildStatus: "IN_PROGRESS",
      projectName: name,
      phases: [{ phaseType: "SUBMITTED", phaseStatus: "SUCCEEDED", startTime: nowSeconds(), endTime: nowSeconds(), durationInSeconds: 0 }],
      source,
      environment: { ...project.environment, environmentVariables: variables },
      serviceRole: project.serviceRole,
      logs: { groupName: cw?.groupName ?? `/aws/codebuild/${name}`, streamName: cw?.streamName ? `${cw.streamName}/${uuid}` : uuid },
      timeoutInMinutes,
      buildComplete: false,
      initiator: initiatorOf(ctx.principal),
    };
    this.store.putBuild(build);
    this.execute(build, ctx).catch(() => undefined);
    return { build };
  }

  private async StopBuild(input: any) {
    required(input, "id");
    const build = this.store.build(String(input.id));
    if (!build) throw notFound(`Build ${input.id} does not exist`);
    const running = this.running.get(build.id);
    if (running) {
      running.stop();
      await running.done;
    }
    return { build: this.store.build(build.id) };
  }

  private async BatchGetBuilds(input: any) {
    required(input, "ids");
    const builds: Build[] = [];
    const buildsNotFound: string[] = [];
    for (const id of input.ids as string[]) {
      const b = this.store.build(id);
      if (b) builds.push(b);
      else buildsNotFound.push(id);
    }
    return { builds, buildsNotFound };
  }

  private async ListBuildsForProject(input: any, ctx: CallContext) {
    required(input, "projectName");
    this.requireProject(ctx, String(input.projectName));
    const ids = this.store.buildIds(String(input.projectName));
    return input.sortOrder === "ASCENDING" ? { ids: ids.reverse() } : { ids };
  }

  /** Provisions the build (source, buildspec, environment) and runs it to its end. */
  private async execute(initial: Build, ctx: CallContext): Promise<void> {
    let build = initial;
    const save = (change: Partial<Build>) => {
      build = { ...build, ...change };
      this.store.putBuild(build);
    };
    const log = (line: string) => this.shipper.write(build.logs.groupName, build.logs.streamName, { timestamp: Date.now(), message: line });
    const startPhase = (phaseType: string) => save({ currentPhase: phaseType, phases: [...build.phases, { phaseType, startTime: nowSeconds() }] });
    const endPhase = (status: BuildStatus, message?: string) => {
      const phases = build.phases.slice();
      const last = { ...phases[phases.length - 1] };
      last.endTime = nowSeconds();
      last.durationInSeconds = Math.round(last.endTime - last.startTime);
      last.phaseStatus = status;
      if (message) last.contexts = [{ statusCode: status === "SUCCEEDED" ? "" : "COMMAND_EXECUTION_ERROR", message }];
      phases[phases.length - 1] = last;
      save({ phases });
    };
    const finish = (status: BuildStatus) => {
      startPhase("COMPLETED");
      save({ buildStatus: status, buildComplete: true, endTime: nowSeconds() });
      log(`[Container] Build ${status === "SUCCEEDED" ? "succeeded" : `ended: ${status}`}`);
    };

    const dir = path.join(this.kernel.dataDir("codebuild"), "builds", build.id.split(":").pop()!, "src");
    let spec: BuildSpec;
    let env: Record<string, string>;
    startPhase("DOWNLOAD_SOURCE");
    try {
      await this.downloadSource(build.source, dir);
      spec = parseBuildSpec(this.buildSpecText(build.source, dir));
      env = await this.environment(build, spec, dir, ctx);
      endPhase("SUCCEEDED");
    } catch (err) {
      const message = (err as Error).message;
      log(`[Container] ${message}`);
      endPhase("FAILED", message);
      finish("FAILED");
      return;
    }
    const run = runBuild({
      spec,
      dir,
      env,
      timeoutMs: build.timeoutInMinutes * 60_000,
      hooks: { log, phaseStarted: startPhase, phaseEnded: (_p, status, message) => endPhase(status, message) },
    });
    this.running.set(build.id, run);
    try {
      finish(await run.done);
    } finally {
      this.running.delete(build.id);
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  }

  private async downloadSource(source: Project["source"], dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    if (source.type === "NO_SOURCE") return;
    if (source.type !== "S3") throw new Error(`CLIENT_ERROR: source type ${source.type} is not supported by the local cloud (S3 and NO_SOURCE are)`);
    const location = source.location ?? "";
    const slash = location.indexOf("/");
    if (slash <= 0) throw new Error(`CLIENT_ERROR: invalid S3 source location "${location}" (expected bucket/key)`);
    const out = await this.kernel.clients.s3.call("GetObject", { Bucket: location.slice(0, slash), Key: location.slice(slash + 1) }).catch((err: any) => {
      throw new Error(`CLIENT_ERROR: error while downloading the source from ${location}: ${err?.code ?? err?.name}: ${err?.message}`);
    });
    const body = await bodyToBuffer(out.Body);
    if (location.endsWith(".zip") || body.subarray(0, 4).toString("binary") === "PK\u0003\u0004") {
      unpackZip(body, dir);
    } else {
      fs.writeFileSync(path.join(dir, path.basename(location)), body);
    }
  }

  /** An inline buildspec, or the file the project names (buildspec.yml by default) in the source. */
  private buildSpecText(source: Project["source"], dir: string): string {
    const given = source.buildspec?.trim();
    if (given && given.includes("\n")) return given;
    if (given && /^\s*[{]/.test(given)) return given;
    const file = path.join(dir, given || "buildspec.yml");
    if (!fs.existsSync(file)) throw new Error(`YAML_FILE_ERROR: stat ${file}: no such file or directory`);
    return fs.readFileSync(file, "utf8");
  }

  /**
   * The build's environment, lowest precedence first: the buildspec's variables, the
   * project's, the start's overrides (merged into the build already); then CodeBuild's own
   * and the service role's credentials, which a build cannot override.
   */
  private async environment(build: Build, spec: BuildSpec, dir: string, ctx: CallContext): Promise<Record<string, string>> {
    const iam = this.kernel.identity;
    const creds = iam.issueSessionCredentials(build.serviceRole, `AWSCodeBuild-${build.id.split(":").pop()}`, Math.min(43_200, build.timeoutInMinutes * 60 + 900));
    const role: Principal = this.kernel.lookupAccessKey(creds.accessKeyId)?.principal ?? ctx.principal;
    // Builds run on this machine's Node.js, not the image's: the AWS SDK's warning about the
    // host's version says nothing about the build, so it is muted (as for Lambda functions).
    const env: Record<string, string> = { ...(HOST_NODE_MAJOR < 22 ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } : {}), ...spec.variables };
    for (const [name, parameter] of Object.entries(spec.parameterStore)) env[name] = await this.parameter(parameter, role, ctx);
    for (const v of build.environment.environmentVariables ?? []) {
      if (v.type === "SECRETS_MANAGER") throw new Error(`CLIENT_ERROR: environment variable ${v.name} reads Secrets Manager, which the local cloud does not have`);
      env[v.name] = v.type === "PARAMETER_STORE" ? await this.parameter(v.value, role, ctx) : String(v.value);
    }
    return {
      ...env,
      AWS_REGION: ctx.region,
      AWS_DEFAULT_REGION: ctx.region,
      AWS_ENDPOINT_URL: this.kernel.endpoint,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
      CODEBUILD_BUILD_ID: build.id,
      CODEBUILD_BUILD_ARN: build.arn,
      CODEBUILD_BUILD_NUMBER: String(build.buildNumber),
      CODEBUILD_BUILD_IMAGE: build.environment.image,
      CODEBUILD_INITIATOR: build.initiator,
      CODEBUILD_SRC_DIR: dir,
      CODEBUILD_START_TIME: String(Math.round(build.startTime * 1000)),
      CODEBUILD_LOG_PATH: build.logs.streamName,
    };
  }

  /** A PARAMETER_STORE variable, read with the service role's rights as CodeBuild reads it. */
  private async parameter(name: string, role: Principal, ctx: CallContext): Promise<string> {
    try {
      const out = await this.kernel.clients.ssm.call("GetParameter", { Name: name, WithDecryption: true }, { ...ctx, principal: role });
      return String(out.Parameter?.Value ?? "");
    } catch (err: any) {
      throw new Error(`CLIENT_ERROR: could not read parameter ${name}: ${err?.code ?? err?.name}: ${err?.message}`);
    }
  }
}

function initiatorOf(p: Principal): string {
  const parts = p.arn.split(":").slice(5).join(":").split("/");
  return p.admin ? "root" : parts.slice(1).join("/") || parts[0];
}

/** The source zip into the build's directory; entries that would land outside it ("zip slip") are skipped. */
function unpackZip(zip: Buffer, dir: string): void {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    throw new Error(`CLIENT_ERROR: the source is not a readable zip: ${(err as Error).message}`);
  }
  for (const [name, data] of Object.entries(files)) {
    const target = path.resolve(dir, name);
    if (!target.startsWith(dir + path.sep)) continue;
    if (name.endsWith("/")) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, data);
  }
}
