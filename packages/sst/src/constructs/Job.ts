/**
 * SST's Job: long-running work (up to 8 hours) started from a function with
 * `Job.<id>.run({ payload })` (`sst/node/job`). As in SST v2:
 *   - a CodeBuild project (`JobProject`, named `{stage}-{app}-{id}`) runs the bundled
 *     handler through a small wrapper that reads the payload from `SST_PAYLOAD`;
 *   - a manager function (`Manager`) is what the app binds to and invokes; it starts a
 *     build (`SST_JOB_PROVIDER=codebuild`) or, under `sst dev`, invokes the job's own
 *     function asynchronously (`SST_JOB_PROVIDER=lambda`), which runs from source.
 * Locally, under `sst dev` jobs run as that function (so at most 15 minutes); a stage
 * deployed to the local cloud runs them on its CodeBuild, as processes on this machine.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as ec2 from "aws-cdk-lib/aws-ec2";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { Function as Fn, type NodeJSProps } from "./Function.js";
import {
  SST_CONSTRUCT, bindingEnvironment, bindingReferencedSecrets, bindingStatements,
  type BindingProps, type BindingResource, type SSTConstruct,
} from "./util/binding.js";
import { attachPermissionsToRole, type Permissions } from "./util/permission.js";
import { toCdkDuration, type SSTDuration } from "./util/duration.js";
import { callSite, captureEnclosing, propError, sentenceError, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { addLocalNotice } from "./util/local-notice.js";
import { findHandler } from "../build/handler.js";
import { bundleInto } from "../build/bundle.js";
import type { CopyFile } from "../build/types.js";
import { containerContext, imageAssetOptions, type ContainerProps } from "./util/container-image.js";

export type JobMemorySize = "3 GB" | "7 GB" | "15 GB" | "145 GB";

export interface JobContainerProps extends Omit<ContainerProps, "cmd"> {
  /** The command CodeBuild runs in the image. */
  cmd: string[];
}

export interface JobProps {
  /** `path/to/file.export`, relative to the app's root. */
  handler: string;
  /** @default "x86_64" */
  architecture?: "x86_64" | "arm_64";
  /** @default "nodejs18.x" */
  runtime?: "nodejs" | "nodejs16.x" | "nodejs18.x" | "nodejs20.x" | "container";
  /** CodeBuild compute size. @default "3 GB" */
  memorySize?: JobMemorySize;
  /** Between 5 minutes and 8 hours. @default "8 hours" */
  timeout?: SSTDuration;
  copyFiles?: CopyFile[];
  nodejs?: NodeJSProps;
  /** `runtime: "container"`: the image (the handler folder's Dockerfile) and the command to run. */
  container?: JobContainerProps;
  /** Under sst dev, run the job from source. @default true */
  enableLiveDev?: boolean;
  environment?: Record<string, string>;
  bind?: BindingResource[];
  permissions?: Permissions;
  /** Retention of the project's log group. @default logs kept forever */
  logRetention?: Lowercase<keyof typeof logs.RetentionDays>;
  cdk?: { id?: string; vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection; securityGroups?: ec2.ISecurityGroup[] };
}

const JOB_PROPS = new Set([
  "handler", "architecture", "runtime", "memorySize", "timeout", "copyFiles", "nodejs", "container",
  "enableLiveDev", "environment", "bind", "permissions", "logRetention", "cdk",
]);

const COMPUTE_TYPES: Record<JobMemorySize, codebuild.ComputeType> = {
  "3 GB": codebuild.ComputeType.SMALL,
  "7 GB": codebuild.ComputeType.MEDIUM,
  "15 GB": codebuild.ComputeType.LARGE,
  "145 GB": codebuild.ComputeType.X2_LARGE,
};

/** The Lambda base images SST v2 runs Node.js jobs in, by architecture and runtime. */
const IMAGES: Record<"x86_64" | "arm_64", Record<string, string>> = {
  x86_64: {
    nodejs: "amazon/aws-lambda-nodejs:16",
    "nodejs16.x": "amazon/aws-lambda-nodejs:16",
    "nodejs18.x": "amazon/aws-lambda-nodejs:18",
    "nodejs20.x": "amazon/aws-lambda-nodejs:20",
  },
  arm_64: {
    nodejs: "amazon/aws-lambda-nodejs:16.2023.07.13.14",
    "nodejs16.x": "amazon/aws-lambda-nodejs:16.2023.07.13.14",
    "nodejs18.x": "amazon/aws-lambda-nodejs:18.2023.12.14.13",
    "nodejs20.x": "amazon/aws-lambda-nodejs:20.2023.12.14.13",
  },
};

const MANAGER_CODE = fileURLToPath(new URL("../../support/job-manager/", import.meta.url));
const WRAPPER = "handler-wrapper.mjs";
/** The longest a Lambda invocation runs: a job run as a function under sst dev stops there. */
const LOCAL_MAX_SECONDS = 900;

export class Job extends Construct implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Job";
  /** The function `Job.<id>.run()` invokes. @internal */
  readonly _jobManager: lambda.Function;
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: JobProps;
  private readonly project: codebuild.Project;
  private readonly liveDevJob?: Fn;

  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, props?.cdk?.id || id);
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = { kind: "Job", id, site: callSite() };
    checkKnownProps(this.ref, props, JOB_PROPS);
    if (!props?.handler) throw sentenceError(this.ref, "handler", `No handler defined for the "${id}" Job`);
    this.props = props;
    const app = App.of(this);
    const stack = cdk.Stack.of(this);
    const active = !Stack.isSSTStack(stack) || stack.isActive;
    const liveDev = app.mode === "dev" && props.enableLiveDev !== false;

    this.checkRuntime();
    this.checkMemorySize();
    this.project = this.createProject(app);
    if (active && liveDev) this.liveDevJob = this.createLiveDevFunction();
    this._jobManager = this.createManager();
    if (active && !liveDev && app.mode !== "remove") this.buildProjectCode(app);

    this.createLogRetention();
    this.attachPermissions(props.permissions ?? []);
    this.bind(props.bind ?? []);
    for (const [k, v] of Object.entries(props.environment ?? {})) this.addEnvironmentForCodeBuild(k, v);
    addLocalNotice(this, {
      construct: `Job "${id}"`,
      prop: "runtime",
      local: props.runtime === "container"
        ? `a container job is deployed as written for AWS (CodeBuild runs the image built from ${props.handler}); locally there is no Docker to build or run the image: under sst dev the job's function answers with an error saying so, and \`sst deploy\` to the local cloud stops at the image asset`
        : liveDev
        ? `under sst dev the job runs from source as the function "${this.node.id}", so for at most ${LOCAL_MAX_SECONDS / 60} minutes; deployed, it runs on the local cloud's CodeBuild as a process with this machine's Node.js (the image is not pulled, the memory size and vpc are not applied)`
        : `it runs on the local cloud's CodeBuild as a process with this machine's Node.js (the image is not pulled, the memory size and vpc are not applied)`,
    });
  }

  get cdk(): { codeBuildProject: codebuild.Project } {
    return { codeBuildProject: this.project };
  }

  /** Bind SST constructs to the job (its environment and permissions, in CodeBuild and under sst dev). */
  bind(constructs: BindingResource[]): void {
    this.liveDevJob?.bind(constructs);
    const referenced = constructs.flatMap((r) => bindingReferencedSecrets(r));
    for (const r of [...constructs, ...referenced]) {
      for (const [k, v] of Object.entries(bindingEnvironment(r))) this.addEnvironmentForCodeBuild(k, v);
      attachPermissionsToRole(this.project.role as iam.Role, bindingStatements(r));
    }
  }

  attachPermissions(permissions: Permissions): void {
    this.liveDevJob?.attachPermissions(permissions);
    attachPermissionsToRole(this.project.role as iam.Role, permissions);
  }

  addEnvironment(name: string, value: string): void {
    this.liveDevJob?.addEnvironment(name, value);
    this.addEnvironmentForCodeBuild(name, value);
  }

  /** @internal */
  getConstructMetadata() {
    return { type: "Job" as const, data: { handler: this.props.handler } };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "job",
      variables: { functionName: { type: "plain", value: this._jobManager.functionName } },
      permissions: { "lambda:*": [this._jobManager.functionArn] },
    };
  }

  private checkRuntime(): void {
    const { runtime, container } = this.props;
    if (runtime === undefined || runtime in IMAGES.x86_64) return;
    if (runtime === "container") {
      if (!container) throw sentenceError(this.ref, "container", `No commands defined for the ${this.node.id} Job.`);
      return;
    }
    throw propError(this.ref, "runtime", `"${runtime}" is not a Job runtime (nodejs, nodejs16.x, nodejs18.x, nodejs20.x, container)`);
  }

  private checkMemorySize(): void {
    const { architecture, memorySize } = this.props;
    if (memorySize !== undefined && !(memorySize in COMPUTE_TYPES)) {
      throw sentenceError(this.ref, "memorySize", `Invalid memory size value for the ${this.node.id} Job. Use "3 GB", "7 GB", "15 GB" or "145 GB".`);
    }
    if (architecture === "arm_64" && (memorySize === "7 GB" || memorySize === "145 GB")) {
      throw sentenceError(this.ref, "memorySize", `ARM architecture only supports "3 GB" and "15 GB" memory sizes for the ${this.node.id} Job.`);
    }
  }

  private timeout(): cdk.Duration {
    let value: cdk.Duration;
    try {
      value = toCdkDuration(this.props.timeout ?? "8 hours", "timeout");
    } catch (e) {
      throw propError(this.ref, "timeout", (e as Error).message);
    }
    const seconds = value.toSeconds();
    if (seconds < 5 * 60 || seconds > 8 * 3600) {
      throw sentenceError(this.ref, "timeout", `Invalid timeout value for the ${this.node.id} Job. It must be between 5 minutes and 8 hours.`);
    }
    return value;
  }

  private createProject(app: App): codebuild.Project {
    const { cdk: cdkProps, memorySize } = this.props;
    return new codebuild.Project(this, "JobProject", {
      projectName: app.logicalPrefixedName(this.node.id),
      environment: { computeType: COMPUTE_TYPES[memorySize ?? "3 GB"] },
      environmentVariables: {
        SST_APP: { value: app.name },
        SST_STAGE: { value: app.stage },
        SST_SSM_PREFIX: { value: app.ssmPrefix },
      },
      timeout: this.timeout(),
      // The commands are set once the handler is bundled (buildProjectCode).
      buildSpec: codebuild.BuildSpec.fromObject({ version: "0.2", phases: { build: { commands: [] } } }),
      vpc: cdkProps?.vpc,
      securityGroups: cdkProps?.securityGroups,
      subnetSelection: cdkProps?.vpcSubnets,
    });
  }

  /** sst dev: the job's handler as a function of its own, run from source; the manager invokes it. */
  private createLiveDevFunction(): Fn {
    const { handler, copyFiles, nodejs, architecture, environment } = this.props;
    const seconds = Math.min(this.timeout().toSeconds(), LOCAL_MAX_SECONDS);
    return new Fn(this, this.node.id, {
      handler, copyFiles, nodejs, architecture,
      runtime: this.props.runtime === "container" ? "container" : "nodejs18.x",
      container: this.props.container,
      memorySize: 1024,
      timeout: seconds,
      environment: { ...environment, SST_DEBUG_JOB: "true" },
      _doNotAllowOthersToBind: true,
    });
  }

  private createManager(): lambda.Function {
    const runner = this.liveDevJob;
    return new lambda.Function(this, "Manager", {
      code: lambda.Code.fromAsset(MANAGER_CODE),
      handler: "index.handler",
      runtime: lambda.Runtime.NODEJS_18_X,
      timeout: cdk.Duration.seconds(10),
      memorySize: 1024,
      environment: {
        SST_JOB_PROVIDER: runner ? "lambda" : "codebuild",
        SST_JOB_RUNNER: runner ? runner.functionArn : this.project.projectName,
      },
      initialPolicy: [
        runner
          ? new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["lambda:InvokeFunction"], resources: [runner.functionArn] })
          : new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["codebuild:StartBuild", "codebuild:StopBuild"], resources: [this.project.projectArn] }),
      ],
    });
  }

  /** When the app finishes: bundle the handler with a wrapper and point the project at it. */
  private buildProjectCode(app: App): void {
    const reportAs = captureEnclosing();
    app.deferredTasks.add(async () => {
      try {
        await this.bundleForCodeBuild(app);
      } catch (e) {
        throw reportAs(e);
      }
    });
  }

  private async bundleForCodeBuild(app: App): Promise<void> {
    const { handler, architecture, runtime, nodejs, copyFiles } = this.props;
    if (runtime === "container") {
      try {
        this.useContainerImage(app);
      } catch (e) {
        throw new Error(`Failed to build job "${handler}" (Job "${this.id}")\n${(e as Error).message}`);
      }
      return;
    }
    const found = findHandler(app.appPath, handler);
    if (!found.file) {
      throw sentenceError(this.ref, "handler", `Could not find file for handler "${handler}". Tried:\n${found.tried.map((t) => `  ${t}`).join("\n")}`);
    }
    const out = path.join(app.artifactsDir, this.node.addr);
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    let result;
    try {
      result = await bundleInto({ id: this.node.addr, handler, runtime: "nodejs18.x", nodejs, copyFiles, bundleAwsSdk: true }, app.appPath, out, "source");
    } catch (e) {
      throw new Error(`Failed to build job "${handler}" (Job "${this.id}")\n${(e as Error).message}`);
    }
    fs.writeFileSync(path.join(out, WRAPPER), wrapperSource(path.relative(out, result.file), result.exportName));

    const code = lambda.Code.fromAsset(out).bind(this);
    const bucket = code.s3Location?.bucketName;
    const key = code.s3Location?.objectKey;
    const image = codebuild.LinuxBuildImage.fromDockerRegistry(IMAGES[architecture ?? "x86_64"][runtime ?? "nodejs18.x"]);
    const cfn = this.project.node.defaultChild as codebuild.CfnProject;
    cfn.environment = {
      ...(cfn.environment as codebuild.CfnProject.EnvironmentProperty),
      type: architecture === "arm_64" ? "ARM_CONTAINER" : "LINUX_CONTAINER",
      image: image.imageId,
    };
    cfn.source = {
      type: "S3",
      location: `${bucket}/${key}`,
      buildSpec: ["version: 0.2", "phases:", "  build:", "    commands:", `      - node ${WRAPPER}`].join("\n"),
    };
    this.attachPermissions([
      new iam.PolicyStatement({
        effect: iam.Effect.ALLOW,
        actions: ["s3:*"],
        resources: [`arn:${cdk.Stack.of(this).partition}:s3:::${bucket}/${key}`],
      }),
    ]);
  }

  /**
   * A container job: CodeBuild runs the image built from the handler folder (pulled
   * with the project's role) and the `container.cmd` command, as SST v2 sets it up.
   */
  private useContainerImage(app: App): void {
    const { handler, architecture, container } = this.props;
    const directory = containerContext(app.appPath, handler, container);
    const image = codebuild.LinuxBuildImage.fromAsset(this, "ContainerImage", { directory, ...imageAssetOptions(architecture, { ...container, cmd: undefined }) });
    image.repository?.grantPull(this.project.role!);
    const cfn = this.project.node.defaultChild as codebuild.CfnProject;
    cfn.environment = {
      ...(cfn.environment as codebuild.CfnProject.EnvironmentProperty),
      type: architecture === "arm_64" ? "ARM_CONTAINER" : "LINUX_CONTAINER",
      image: image.imageId,
      imagePullCredentialsType: "SERVICE_ROLE",
    };
    const command = container!.cmd.map((arg) => (arg.includes(" ") ? `"${arg}"` : arg)).join(" ");
    cfn.source = {
      type: "NO_SOURCE",
      buildSpec: ["version: 0.2", "phases:", "  build:", "    commands:", `      - ${command}`].join("\n"),
    };
  }

  private createLogRetention(): void {
    const { logRetention } = this.props;
    if (!logRetention) return;
    const retention = logs.RetentionDays[logRetention.toUpperCase() as keyof typeof logs.RetentionDays];
    if (retention === undefined) throw propError(this.ref, "logRetention", `"${logRetention}" is not a retention (e.g. "one_week", "one_month", "infinite")`);
    new logs.LogRetention(this, "LogRetention", {
      logGroupName: `/aws/codebuild/${this.project.projectName}`,
      retention,
      logRetentionRetryOptions: { maxRetries: 100 },
    });
  }

  private addEnvironmentForCodeBuild(name: string, value: string): void {
    const env = (this.project.node.defaultChild as codebuild.CfnProject).environment as codebuild.CfnProject.EnvironmentProperty;
    (env.environmentVariables as codebuild.CfnProject.EnvironmentVariableProperty[]).push({ name, value });
  }
}

/** The script CodeBuild runs: the handler with the payload given to `Job.<id>.run()`. */
function wrapperSource(bundleFile: string, exportName: string): string {
  const importPath = `./${bundleFile.split(path.sep).join("/")}`;
  return [
    `import { ${exportName} } from ${JSON.stringify(importPath)};`,
    `console.log("// Start of the job //");`,
    `const result = await ${exportName}(JSON.parse(process.env.SST_PAYLOAD ?? "{}"));`,
    `console.log("Result:", result);`,
    `console.log("//  End of the job  //");`,
    `process.exit(0);`,
    ``,
  ].join("\n");
}
