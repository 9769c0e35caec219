/**
 * SST's Function: an aws-lambda Function built from a handler path, with SST v2's
 * props, defaults and modes.
 *   - deploy: placeholder code at construction; the handler is bundled when the app
 *     finishes (with every other function, side by side) and the code, handler and
 *     runtime are swapped in. Bundles mirror the source path, so the Lambda handler
 *     reads "packages/functions/src/list.handler" as in SST v2.
 *   - dev: the code is a stub and the definition is recorded for the dev loop, which
 *     runs the handler from source (SST_FUNCTION_ID tells them apart).
 *     `enableLiveDev: false` builds and deploys the real code instead.
 *   - remove, and stacks outside `sst deploy <filter>`: placeholder code, no build.
 */
import path from "node:path";
import fs from "node:fs";
import zlib from "node:zlib";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as ssm from "aws-cdk-lib/aws-ssm";
import { Asset } from "aws-cdk-lib/aws-s3-assets";
import type { BuildOptions, Loader } from "esbuild";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { toCdkDuration, toMB, type SSTDuration, type SSTSize } from "./util/duration.js";
import {
  SST_CONSTRUCT, bindingEnvironment, bindingStatements, bindingReferencedSecrets, boundConstruct,
  type BindingProps, type SSTConstruct, type BindingResource,
} from "./util/binding.js";
import { attachPermissionsToRole, type Permissions } from "./util/permission.js";
import { callSite, captureEnclosing, propError, sentenceError, type ConstructRef } from "./util/construct-error.js";
import { checkKnownProps } from "./util/props-check.js";
import { addLocalNotice } from "./util/local-notice.js";
import { FUNCTION_PROPS, LOCAL_BEHAVIOUR } from "./function-props.js";
import type { CopyFile, FunctionDefinitionRecord } from "../build/types.js";
import { findHandler } from "../build/handler.js";
import { bundleInto, copyFilesInto } from "../build/bundle.js";
import { bridgeNames, LIVE_LAMBDA_CONTEXT, REQUEST_QUEUE_ENV, stubPolicyStatements } from "../dev/bridge/names.js";
import { liveLambdaStubDir, STUB_HANDLER } from "../dev/bridge/stub-asset.js";
import { buildPython, type PythonBuildProps } from "../build/python-build.js";
import { buildGo, type GoBuildProps } from "../build/go-build.js";
import { containerContext, imageAssetOptions, type ContainerProps } from "./util/container-image.js";

export type { CopyFile, FunctionDefinitionRecord };

/** SST v2's runtimes (and the Node.js ones Lambda added since). */
export type Runtime =
  | "nodejs16.x" | "nodejs18.x" | "nodejs20.x" | "nodejs22.x" | "nodejs24.x"
  | "container" | "rust" | "go" | "go1.x"
  | "python3.7" | "python3.8" | "python3.9" | "python3.10" | "python3.11" | "python3.12"
  | "dotnetcore3.1" | "dotnet6" | "dotnet8" | "java8" | "java11" | "java17" | "java21";

const NODE_RUNTIMES: Record<string, lambda.Runtime> = {
  "nodejs16.x": lambda.Runtime.NODEJS_16_X,
  "nodejs18.x": lambda.Runtime.NODEJS_18_X,
  "nodejs20.x": lambda.Runtime.NODEJS_20_X,
  "nodejs22.x": lambda.Runtime.NODEJS_22_X,
  "nodejs24.x": new lambda.Runtime("nodejs24.x", lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
};

/** Every runtime SST v2 deploys, with the Lambda runtime it writes in the template. */
const RUNTIMES: Record<string, lambda.Runtime> = {
  ...NODE_RUNTIMES,
  container: lambda.Runtime.FROM_IMAGE,
  rust: lambda.Runtime.PROVIDED_AL2023,
  go: lambda.Runtime.PROVIDED_AL2023,
  "go1.x": lambda.Runtime.PROVIDED_AL2023,
  "python3.7": lambda.Runtime.PYTHON_3_7,
  "python3.8": lambda.Runtime.PYTHON_3_8,
  "python3.9": lambda.Runtime.PYTHON_3_9,
  "python3.10": lambda.Runtime.PYTHON_3_10,
  "python3.11": lambda.Runtime.PYTHON_3_11,
  "python3.12": lambda.Runtime.PYTHON_3_12,
  "dotnetcore3.1": lambda.Runtime.DOTNET_CORE_3_1,
  dotnet6: lambda.Runtime.DOTNET_6,
  dotnet8: lambda.Runtime.DOTNET_8,
  java8: lambda.Runtime.JAVA_8,
  java11: lambda.Runtime.JAVA_11,
  java17: lambda.Runtime.JAVA_17,
  java21: lambda.Runtime.JAVA_21,
};

const isNodeRuntime = (runtime: string) => runtime in NODE_RUNTIMES;

export const DEFAULT_RUNTIME = "nodejs22.x";
export const DEFAULT_TIMEOUT_SECONDS = 10;
export const DEFAULT_MEMORY_MB = 1024;
export const DEFAULT_DISK_MB = 512;

export interface NodeJSProps {
  /** Extra esbuild loaders, by file extension. */
  loader?: Record<string, Loader>;
  /** Packages left out of the bundle and installed into its node_modules instead. */
  install?: string[];
  /** Inserted at the top of the bundle. */
  banner?: string;
  /** Extra esbuild options (`external` is added to SST's). */
  esbuild?: BuildOptions;
  /** @default false */
  minify?: boolean;
  /** @default "esm" */
  format?: "cjs" | "esm";
  /** Sourcemaps of deployed bundles (uploaded to the bootstrap bucket, not shipped). @default true */
  sourcemap?: boolean | "inline" | "linked";
  /** Split dynamically imported modules into their own chunks. @default false */
  splitting?: boolean;
}

export interface FunctionHooks {
  /** Runs before the function is bundled for deploy, with its props and the bundle directory. */
  beforeBuild?: (props: FunctionProps, out: string) => Promise<void>;
  /** Runs after the function is bundled for deploy. */
  afterBuild?: (props: FunctionProps, out: string) => Promise<void>;
}

export interface FunctionUrlCorsProps {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: (keyof Omit<typeof lambda.HttpMethod, "ALL"> | "*")[];
  allowOrigins?: string[];
  exposeHeaders?: string[];
  maxAge?: SSTDuration;
}

export interface FunctionUrlProps {
  /** @default "none" */
  authorizer?: "none" | "iam";
  /** @default true (all origins, methods and headers) */
  cors?: boolean | FunctionUrlCorsProps;
  /** Stream the response. @default false */
  streaming?: boolean;
}

export interface FunctionNameProps { stack: Stack; functionProps: FunctionProps; }

export interface FunctionProps
  extends Omit<lambda.FunctionOptions, "functionName" | "memorySize" | "timeout" | "tracing" | "layers" | "architecture" | "logRetention" | "ephemeralStorageSize"> {
  /** `path/to/file.export`, relative to the app's root. Required. */
  handler?: string;
  /** @default "nodejs22.x" */
  runtime?: Runtime;
  /** @default "10 seconds" */
  timeout?: SSTDuration;
  /** @default "1 GB" */
  memorySize?: SSTSize;
  /** Ephemeral storage. @default "512 MB" */
  diskSize?: SSTSize;
  environment?: Record<string, string>;
  bind?: BindingResource[];
  permissions?: Permissions;
  nodejs?: NodeJSProps;
  /** Go build options (`go build` flags), as SST v2's. */
  go?: GoBuildProps["go"];
  /** Java build options. Java functions are not built by this SST (see docs/constructs.md). */
  java?: Record<string, unknown>;
  /** Python build options: `noDocker`, `installCommands`. */
  python?: PythonBuildProps["python"] & Record<string, unknown>;
  /** Container image options: `cmd`, `file`, `buildArgs`, `buildSsh`, `cacheFrom`, `cacheTo`. */
  container?: ContainerProps;
  /** Files copied into the bundle: `from` relative to the app root, `to` relative to the bundle. */
  copyFiles?: CopyFile[];
  hooks?: FunctionHooks;
  /** @default a CloudFormation-generated name */
  functionName?: string | ((props: FunctionNameProps) => string);
  /** @default "x86_64" */
  architecture?: "x86_64" | "arm_64";
  /** X-Ray tracing. @default "active" */
  tracing?: "active" | "pass_through" | "disabled";
  /** Under sst dev, run from source (true) or deploy the bundled code (false). @default true */
  enableLiveDev?: boolean;
  /** A function URL. @default none */
  url?: boolean | FunctionUrlProps;
  /** Layer ARNs or ILayerVersions. @default none */
  layers?: (string | lambda.ILayerVersion)[];
  /** Deny the function writing to CloudWatch Logs. @default false */
  disableCloudWatchLogs?: boolean;
  /** Write bound secrets' values into the environment at deploy time. @default false */
  prefetchSecrets?: boolean;
  /** @default logs kept forever */
  logRetention?: Lowercase<keyof typeof logs.RetentionDays>;
  /** @internal */
  _doNotAllowOthersToBind?: boolean;
}

export type FunctionInlineDefinition = string | Function;
export type FunctionDefinition = string | Function | FunctionProps;

const FUNCTION_MARK = Symbol.for("sst.Function");
/** Set on a non-Node.js function under sst dev: the stub names the runtime it does not run. */
export const NOT_RUN_LOCALLY_ENV = "SST_DEV_RUNTIME_NOT_RUN";
const STUB_DIR = fileURLToPath(new URL("../../support/dev-stub/", import.meta.url));
const PLACEHOLDER = "export function placeholder() {}";

export class Function extends lambda.Function implements SSTConstruct {
  readonly id: string;
  readonly constructType = "Function";
  readonly _isLiveDevEnabled: boolean;
  /** @internal */
  readonly _doNotAllowOthersToBind?: boolean;
  /** @internal Shown in metadata instead of the handler (sites' server functions). */
  _overrideMetadataHandler?: string;
  /** The SST_FUNCTION_ID and the key of this function's definition record: the construct address. */
  readonly functionId: string;
  readonly handlerPath: string;
  /** @internal */
  readonly ref: ConstructRef;
  private readonly props: FunctionProps;
  private functionUrl?: lambda.FunctionUrl;
  private missingSourcemap?: boolean;
  private readonly allBindings: BindingResource[] = [];

  static isFunction(x: unknown): x is Function {
    return !!x && typeof x === "object" && (x as any)[FUNCTION_MARK] === true;
  }

  constructor(scope: Construct, id: string, propsIn: FunctionProps) {
    const app = App.of(scope);
    const stack = cdk.Stack.of(scope);
    const ref: ConstructRef = { kind: "Function", id, site: callSite() };
    if (!propsIn || typeof propsIn !== "object") throw propError(ref, "", `needs props with a "handler"`);
    checkKnownProps(ref, propsIn, FUNCTION_PROPS);
    if ("ephemeralStorageSize" in propsIn) throw propError(ref, "ephemeralStorageSize", `is set with "diskSize" in SST`);

    // App defaults, then stack defaults, then the props: later ones win.
    const defaults = Stack.isSSTStack(stack) ? stack.defaultFunctionProps : app.defaultFunctionProps.map((d) => (typeof d === "function" ? d(stack as Stack) : d));
    let props: FunctionProps = { ...propsIn };
    for (const d of defaults.slice().reverse()) props = Function.mergeProps(d, props);
    props.runtime ??= DEFAULT_RUNTIME;

    if (!props.handler) throw sentenceError(ref, "handler", `No handler defined for the "${id}" Lambda function`);
    // An unknown runtime fails when the app finishes, as in SST v2 (its build picks the
    // runtime's builder then); until then the function holds Node.js placeholder code.
    const nodeRuntime = isNodeRuntime(props.runtime);
    // What sst dev runs from source: Node.js bundles, and Python modules in their source folder.
    const runsFromSource = nodeRuntime || props.runtime.startsWith("python");
    const runtime = nodeRuntime ? NODE_RUNTIMES[props.runtime] : lambda.Runtime.NODEJS_22_X;
    if (props.securityGroups && !props.vpc) throw sentenceError(ref, "securityGroups", `Cannot configure "securityGroups" without "vpc" for the "${id}" Lambda function.`);
    if (props.url !== undefined && props.url !== false && props.url !== true && typeof props.url !== "object") {
      throw propError(ref, "url", `must be true, false or { authorizer, cors, streaming }`);
    }
    if (typeof props.url === "object") {
      checkKnownProps(ref, props.url, URL_PROPS, "url.");
      // SST v2's own doc comment spells these "allowedOrigins"; its CorsProps (what it reads) says "allowOrigins".
      if (typeof props.url.cors === "object") checkKnownProps(ref, props.url.cors, URL_CORS_PROPS, "url.cors.");
    }

    const active = !Stack.isSSTStack(stack) || stack.isActive;
    // As SST v2, the handler file is looked for when the app finishes (a stack may
    // still write it), and the error is told as the construct's that made the function.
    const reportAs = captureEnclosing();

    const functionName = typeof props.functionName === "function"
      ? props.functionName({ stack: stack as Stack, functionProps: props })
      : props.functionName;
    const logRetention = props.logRetention === undefined ? undefined : toRetention(ref, props.logRetention);
    const liveDev = app.mode === "dev" && props.enableLiveDev !== false;
    // `sst dev` on AWS: the function is a Live Lambda stub relaying to the developer's machine.
    const liveLambda = liveDev && app.node.tryGetContext(LIVE_LAMBDA_CONTEXT) === true;
    const timeout = liveLambda && app.debugIncreaseTimeout ? 900 : props.timeout;
    const layers = liveDev || props.runtime === "container" ? [] : Function.buildLayers(scope, id, props);
    const common: lambda.FunctionProps = {
      ...cdkOptions(props),
      architecture: props.architecture === "arm_64" ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      functionName,
      memorySize: Function.normalizeMemorySize(props.memorySize, ref),
      ephemeralStorageSize: Function.normalizeDiskSize(props.diskSize, ref),
      timeout: Function.normalizeTimeout(timeout, ref),
      tracing: toTracing(ref, props.tracing),
      environment: props.environment,
      // Only when set: CDK warns about logRetention (deprecated) whenever the key is present.
      ...(logRetention !== undefined ? { logRetention, logRetentionRetryOptions: { maxRetries: 100 } } : {}),
      layers,
      ...(liveLambda
        ? { code: lambda.Code.fromAsset(liveLambdaStubDir(path.join(app.artifactsDir, "live-lambda-stub"))), handler: STUB_HANDLER, runtime }
        : liveDev
        ? { code: lambda.Code.fromAsset(STUB_DIR), handler: "index.handler", runtime }
        : { code: lambda.Code.fromInline(PLACEHOLDER), handler: "index.placeholder", runtime: lambda.Runtime.NODEJS_22_X }),
    };
    super(scope, id, common);
    (this as any)[FUNCTION_MARK] = true;
    (this as any)[SST_CONSTRUCT] = true;
    this.id = id;
    this.ref = ref;
    this.props = props;
    this.functionId = this.node.addr;
    this.handlerPath = props.handler;
    this._doNotAllowOthersToBind = props._doNotAllowOthersToBind;
    this._isLiveDevEnabled = liveDev;

    const record: FunctionDefinitionRecord = {
      id: this.functionId,
      handler: props.handler,
      runtime: props.runtime,
      nodejs: props.nodejs as FunctionDefinitionRecord["nodejs"],
      copyFiles: props.copyFiles,
    };
    if (liveDev && !runsFromSource) {
      // The dev loop runs Node.js and Python handlers only: this one keeps the stub, which
      // answers every invocation with an error saying the runtime is not run locally.
      this.addEnvironment(NOT_RUN_LOCALLY_ENV, props.runtime);
    } else if (liveDev) {
      this.addEnvironment("SST_FUNCTION_ID", this.functionId);
      if (liveLambda) {
        const names = bridgeNames(app.name, app.stage);
        this.addEnvironment(REQUEST_QUEUE_ENV, names.requestQueue);
        const where = { partition: stack.partition, region: stack.region, account: stack.account };
        for (const st of stubPolicyStatements(names, where)) this.addToRolePolicy(new iam.PolicyStatement(st));
      }
      app.functionDefinitions[this.functionId] = record;
    }
    // `sst remove` and inactive stacks must work when handler files are gone.
    if (active) {
      app.deferredTasks.add(async () => {
        try {
          if (!RUNTIMES[props.runtime!]) throw propError(ref, "runtime", `"${props.runtime}" runtime is unsupported (SST v2's runtimes: ${Object.keys(RUNTIMES).join(", ")})`);
          if (nodeRuntime) this.checkHandlerFile(app, !liveDev);
          if (!liveDev) await this.build(app, record);
        } catch (e) {
          throw reportAs(e);
        }
      });
    }

    // Keep-alive for the AWS SDK v2 (SST v2 sets it on every Node.js function).
    if (nodeRuntime) this.addEnvironment("AWS_NODEJS_CONNECTION_REUSE_ENABLED", "1", { removeInEdge: true });
    this.attachPermissions(props.permissions ?? []);
    this.addEnvironment("SST_APP", app.name, { removeInEdge: true });
    this.addEnvironment("SST_STAGE", app.stage, { removeInEdge: true });
    this.addEnvironment("SST_SSM_PREFIX", app.ssmPrefix, { removeInEdge: true });
    this.bind(props.bind ?? []);
    if (props.disableCloudWatchLogs) this.denyCloudWatchLogs();
    this.createUrl();
    // Under sst dev functions read secrets when they start, so a secret changed with
    // `sst secrets set` applies at once (and an unset one does not stop the deploy).
    if (props.prefetchSecrets && !liveDev) this.createSecretPrefetcher();
    this.addLocalNotices(props);
    if (!runsFromSource && liveDev) {
      addLocalNotice(this, {
        construct: `Function "${id}"`,
        prop: "runtime",
        local: `"${props.runtime}" functions are deployed as written for AWS, but sst dev runs only Node.js and Python handlers locally: invoking this one answers with an error saying so`,
      });
    }
  }

  /** The function URL, when `url` is set. */
  get url(): string | undefined {
    return this.functionUrl?.url;
  }

  /** Bind SST constructs: env vars `SST_{Type}_{prop}_{id}` and exactly their IAM statements. */
  bind(constructs: BindingResource[]): void {
    const referenced: BindingResource[] = [];
    for (const r of constructs) {
      if (!boundConstruct(r)) {
        throw propError(this.ref, "bind", `cannot bind "${(r as any)?.node?.path ?? String(r)}": only SST constructs (or { resource, permissions }) can be bound`);
      }
      referenced.push(...bindingReferencedSecrets(r));
    }
    for (const r of [...constructs, ...referenced]) {
      for (const [k, v] of Object.entries(bindingEnvironment(r))) this.addEnvironment(k, v);
      this.attachPermissions(bindingStatements(r));
    }
    this.allBindings.push(...constructs, ...referenced);
  }

  /** Attach IAM permissions (every form SST v2 takes) to the function's role. */
  attachPermissions(permissions: Permissions): void {
    if (this.role) attachPermissionsToRole(this.role, permissions);
    // SST v2: a Job in permissions is bound as well, so the function can start it.
    if (permissions !== "*") {
      for (const p of permissions) if ((p as any)?.constructType === "Job") this.bind([p as any]);
    }
  }

  /** @internal */
  getConstructMetadata() {
    return {
      type: "Function" as const,
      data: {
        arn: this.functionArn,
        runtime: this.props.runtime,
        handler: this._overrideMetadataHandler ?? this.props.handler,
        missingSourcemap: this.missingSourcemap === true ? true : undefined,
        localId: this.node.addr,
        secrets: this.allBindings
          .map((r) => boundConstruct(r))
          .filter((c): c is SSTConstruct => c?.constructType === "Secret")
          .map((c) => (c as any).name as string),
        prefetchSecrets: this.props.prefetchSecrets,
      },
    };
  }

  /** @internal */
  getBindings(): BindingProps {
    return {
      clientPackage: "function",
      variables: { functionName: { type: "plain", value: this.functionName } },
      permissions: { "lambda:*": [this.functionArn] },
    };
  }

  /** `building`: SST v2 reports a missing file as its build's failure (deploy mode). */
  private checkHandlerFile(app: App, building: boolean): void {
    const found = findHandler(app.appPath, this.props.handler!);
    if (found.file) return;
    const failed = building ? `Failed to build function "${this.props.handler}": ` : "";
    throw sentenceError(this.ref, "handler", `${failed}Could not find file for handler "${this.props.handler}". Tried:\n${found.tried.map((t) => `  ${t}`).join("\n")}`);
  }

  /** Deploy mode: build the handler for its runtime and swap the placeholder for the real code. */
  private async build(app: App, record: FunctionDefinitionRecord): Promise<void> {
    const failed = (e: unknown) =>
      new Error(`Failed to build function "${this.props.handler}" (${this.ref.kind} "${this.id}"${this.ref.site ? `, ${this.ref.site}` : ""})\n${(e as Error).message}`);
    if (record.runtime === "container") {
      try {
        this.useContainerImage(app);
      } catch (e) {
        throw failed(e);
      }
      return;
    }
    const out = path.join(app.artifactsDir, this.functionId);
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    await this.props.hooks?.beforeBuild?.(this.props, out);
    if (!isNodeRuntime(record.runtime)) {
      let handler: string;
      try {
        handler = this.buildOtherRuntime(app, record.runtime, out);
        copyFilesInto(record, app.appPath, out);
      } catch (e) {
        throw failed(e);
      }
      await this.props.hooks?.afterBuild?.(this.props, out);
      this.useCode(out, handler, record.runtime);
      return;
    }
    let result;
    try {
      result = await bundleInto(record, app.appPath, out, "source");
    } catch (e) {
      throw failed(e);
    }
    await this.props.hooks?.afterBuild?.(this.props, out);

    const sourcemap = `${result.file}.map`;
    if (fs.existsSync(sourcemap)) {
      // SST v2 ships the map beside the code, gzipped, as an asset of its own, and
      // copies it to the bootstrap bucket; the function's zip leaves it out.
      fs.writeFileSync(sourcemap, zlib.gzipSync(fs.readFileSync(sourcemap)));
      const asset = new Asset(this, `${this.id}-Sourcemap`, { path: sourcemap });
      fs.rmSync(sourcemap);
      const stackName = cdk.Stack.of(this).stackName;
      const list = app.sourcemaps.get(stackName) ?? [];
      list.push({ asset, tarKey: this.functionArn });
      app.sourcemaps.set(stackName, list);
      this.missingSourcemap = false;
    } else {
      this.missingSourcemap = true;
    }

    this.useCode(out, result.handler, record.runtime);
  }

  /** Swaps the placeholder for the built folder's code. */
  private useCode(out: string, handler: string, runtime: string): void {
    const cfn = this.node.defaultChild as lambda.CfnFunction;
    const code = lambda.Code.fromAsset(out);
    const config = code.bind(this);
    cfn.code = {
      s3Bucket: config.s3Location?.bucketName,
      s3Key: config.s3Location?.objectKey,
      s3ObjectVersion: config.s3Location?.objectVersion,
    };
    cfn.handler = handler;
    code.bindToResource(cfn);
    (this as any).runtime = RUNTIMES[runtime];
    cfn.runtime = RUNTIMES[runtime].name;
  }

  /** Python and Go are built as SST v2 builds them; Java, .NET and Rust are not built here. */
  private buildOtherRuntime(app: App, runtime: string, out: string): string {
    if (runtime.startsWith("python")) return buildPython(app.appPath, { handler: this.props.handler!, python: this.props.python }, out);
    if (runtime === "go" || runtime === "go1.x") return buildGo(app.appPath, { handler: this.props.handler!, architecture: this.props.architecture, go: this.props.go }, out);
    const tool = runtime.startsWith("java") ? "Gradle" : runtime === "rust" ? "cargo lambda" : "dotnet publish";
    throw propError(this.ref, "runtime", `"${runtime}" functions are built by SST v2 with ${tool}, which this SST does not run; build the function yourself and deploy it as a "container" function or with cdk.function`);
  }

  /** A container function: the handler folder becomes a Docker image asset; the template gets PackageType Image. */
  private useContainerImage(app: App): void {
    const dir = containerContext(app.appPath, this.props.handler!, this.props.container);
    const code = lambda.Code.fromAssetImage(dir, imageAssetOptions(this.props.architecture, this.props.container));
    const config = code.bind(this);
    const cfn = this.node.defaultChild as lambda.CfnFunction;
    cfn.packageType = "Image";
    cfn.code = { imageUri: config.image?.imageUri };
    cfn.runtime = undefined;
    cfn.handler = undefined;
    code.bindToResource(cfn);
    (this as any).runtime = lambda.Runtime.FROM_IMAGE;
  }

  private denyCloudWatchLogs(): void {
    this.attachPermissions([
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        resources: ["*"],
      }),
    ]);
  }

  private createUrl(): void {
    const { url } = this.props;
    if (url === undefined || url === false) return;
    const opts = url === true ? {} : url;
    this.functionUrl = this.addFunctionUrl({
      authType: opts.authorizer === "iam" ? lambda.FunctionUrlAuthType.AWS_IAM : lambda.FunctionUrlAuthType.NONE,
      cors: functionUrlCors(opts.cors ?? true),
      invokeMode: opts.streaming ? lambda.InvokeMode.RESPONSE_STREAM : lambda.InvokeMode.BUFFERED,
    });
  }

  /** SST v2: a custom resource writes the bound secrets' values into the environment on every deploy. */
  private createSecretPrefetcher(): void {
    const stack = cdk.Stack.of(this);
    if (!Stack.isSSTStack(stack)) throw propError(this.ref, "prefetchSecrets", "needs the function to be in an SST Stack");
    const app = App.of(this);
    const param = (p: string) => `arn:${stack.partition}:ssm:${stack.region}:${stack.account}:parameter${p}*`;
    const policy = new iam.Policy(this, "SecretPrefetcherPolicy", {
      statements: [
        new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["lambda:GetFunction", "lambda:UpdateFunctionConfiguration"], resources: [this.functionArn] }),
        new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["ssm:GetParameters"], resources: [param(app.ssmPrefix), param(`/sst/${app.name}/.fallback/`)] }),
      ],
    });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    const resource = new cdk.CustomResource(this, "SecretPrefetcher", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::SecretPrefetcher",
      // A new value every deploy, so secrets are fetched again.
      properties: { version: Date.now().toString(), functionName: this.functionName },
    });
    resource.node.addDependency(policy);
  }

  /**
   * One `sst dev` notice per thing the local cloud does not honour; props that come to
   * the same thing (vpc, vpcSubnets, securityGroups) share one.
   */
  private addLocalNotices(props: FunctionProps): void {
    const used: string[] = [];
    for (const [prop, value] of Object.entries(props)) {
      if (value === undefined || value === false || !LOCAL_BEHAVIOUR[prop]) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      used.push(prop);
    }
    if (typeof props.url === "object" && props.url.streaming) used.push("url.streaming");
    const bySentence = new Map<string, string[]>();
    for (const prop of used) bySentence.set(LOCAL_BEHAVIOUR[prop], [...(bySentence.get(LOCAL_BEHAVIOUR[prop]) ?? []), prop]);
    for (const [local, group] of Array.from(bySentence)) addLocalNotice(this, { construct: `Function "${this.id}"`, prop: group.join(", "), local });
  }

  // Static helpers (SST v2's public statics) --------------------------------------

  static validateHandlerSet(id: string, props: FunctionProps): void {
    if (!props.handler) throw new Error(`No handler defined for the "${id}" Lambda function`);
  }

  static validateVpcSettings(id: string, props: FunctionProps): void {
    if (props.securityGroups && !props.vpc) throw new Error(`Cannot configure "securityGroups" without "vpc" for the "${id}" Lambda function.`);
  }

  static normalizeMemorySize(memorySize?: SSTSize, ref?: ConstructRef): number {
    if (memorySize === undefined) return DEFAULT_MEMORY_MB;
    return sizeOrThrow(memorySize, "memorySize", ref);
  }

  static normalizeDiskSize(diskSize?: SSTSize, ref?: ConstructRef): cdk.Size {
    return cdk.Size.mebibytes(diskSize === undefined ? DEFAULT_DISK_MB : sizeOrThrow(diskSize, "diskSize", ref));
  }

  static normalizeTimeout(timeout?: SSTDuration, ref?: ConstructRef): cdk.Duration {
    if (timeout === undefined) return cdk.Duration.seconds(DEFAULT_TIMEOUT_SECONDS);
    try {
      return toCdkDuration(timeout, "timeout");
    } catch (e) {
      throw ref ? propError(ref, "timeout", (e as Error).message) : e;
    }
  }

  /** Layer ARNs become imported layers; a layer from another stack is passed through SSM, as SST v2 does. */
  static buildLayers(scope: Construct, id: string, props: FunctionProps): lambda.ILayerVersion[] {
    return (props.layers ?? []).map((layer) =>
      typeof layer === "string"
        ? lambda.LayerVersion.fromLayerVersionArn(scope, `${id}${layer}`, layer)
        : Function.handleImportedLayer(scope, layer));
  }

  /**
   * A layer version ARN cannot be exported across stacks (the export could never be
   * updated), so SST v2 stores it in an SSM parameter in the layer's stack and reads it
   * back in the function's.
   */
  static handleImportedLayer(scope: Construct, layer: lambda.ILayerVersion): lambda.ILayerVersion {
    const layerStack = cdk.Stack.of(layer);
    const currentStack = cdk.Stack.of(scope);
    if (layerStack === currentStack || !cdk.Token.isUnresolved(layer.layerVersionArn)) return layer;
    currentStack.addStackDependency(layerStack);
    const parameterId = `${layer.node.id}Arn-${layer.node.addr}`;
    const parameterName = `/layers/${layerStack.node.id}/${parameterId}`;
    if (!layerStack.node.tryFindChild(parameterId)) {
      new ssm.StringParameter(layerStack, parameterId, { parameterName, stringValue: layer.layerVersionArn });
    }
    const layerId = `I${layer.node.id}-${layer.node.addr}`;
    const existing = scope.node.tryFindChild(layerId) as lambda.ILayerVersion | undefined;
    return existing ?? lambda.LayerVersion.fromLayerVersionArn(scope, layerId, ssm.StringParameter.valueForStringParameter(scope, parameterName));
  }

  static isInlineDefinition(definition: unknown): definition is FunctionInlineDefinition {
    return typeof definition === "string" || Function.isFunction(definition);
  }

  /**
   * A Function from a handler string, props or an existing Function (SST v2's
   * fromDefinition). Functions made from a string or props belong to the construct
   * that made them: they are not bindable by others and get no SSM parameter.
   * `inheritedProps` (e.g. an Api's defaults.function) are merged under the definition.
   */
  static fromDefinition(
    scope: Construct, id: string, definition: FunctionDefinition,
    inheritedProps?: FunctionProps, inheritErrorMessage?: string,
  ): Function {
    if (typeof definition === "string") {
      return new Function(scope, id, { ...(inheritedProps ?? {}), handler: definition, _doNotAllowOthersToBind: true });
    }
    if (Function.isFunction(definition)) {
      if (inheritedProps && Object.keys(inheritedProps).length > 0) {
        throw new Error(inheritErrorMessage ?? `Cannot inherit default props when a Function is provided`);
      }
      return definition;
    }
    if (definition instanceof lambda.Function) {
      throw new Error(`Please use sst.Function instead of lambda.Function for the "${id}" Function.`);
    }
    if (definition && typeof definition === "object" && (definition as FunctionProps).handler !== undefined) {
      return new Function(scope, id, { ...Function.mergeProps(inheritedProps, definition), _doNotAllowOthersToBind: true });
    }
    throw new Error(`Invalid function definition for the "${id}" Function`);
  }

  /** SST v2's merge: later props win; environment is merged; bind, layers and permissions concatenate ("*" wins). */
  static mergeProps(baseProps?: FunctionProps, props?: FunctionProps): FunctionProps {
    const environment = { ...(baseProps?.environment ?? {}), ...(props?.environment ?? {}) };
    const layers = [...(baseProps?.layers ?? []), ...(props?.layers ?? [])];
    const bind = [...(baseProps?.bind ?? []), ...(props?.bind ?? [])];
    let permissions: Permissions | undefined;
    if (baseProps?.permissions === "*" || props?.permissions === "*") permissions = "*";
    else {
      const all = [...((baseProps?.permissions as any[]) ?? []), ...((props?.permissions as any[]) ?? [])];
      permissions = all.length ? all : undefined;
    }
    return {
      ...(baseProps ?? {}),
      ...(props ?? {}),
      ...(bind.length ? { bind } : {}),
      ...(layers.length ? { layers } : {}),
      ...(Object.keys(environment).length ? { environment } : {}),
      ...(permissions ? { permissions } : {}),
    };
  }
}

/** The props that go to CDK as they are (SST's own are translated or handled above). */
function cdkOptions(props: FunctionProps): Partial<lambda.FunctionProps> {
  const {
    handler: _h, runtime: _r, timeout: _t, memorySize: _m, diskSize: _d, environment: _e, bind: _b, permissions: _p,
    nodejs: _n, go: _g, java: _j, python: _py, container: _c, copyFiles: _cf, hooks: _hk, functionName: _fn,
    architecture: _a, tracing: _tr, enableLiveDev: _l, url: _u, layers: _ly, disableCloudWatchLogs: _dc,
    prefetchSecrets: _ps, logRetention: _lr, _doNotAllowOthersToBind: _x, ...cdk
  } = props;
  return cdk as Partial<lambda.FunctionProps>;
}

function toTracing(ref: ConstructRef, t: FunctionProps["tracing"]): lambda.Tracing {
  const value = lambda.Tracing[String(t ?? "active").toUpperCase() as keyof typeof lambda.Tracing];
  if (!value) throw propError(ref, "tracing", `must be "active", "pass_through" or "disabled", got "${t}"`);
  return value;
}

function toRetention(ref: ConstructRef, r: string): logs.RetentionDays {
  const v = logs.RetentionDays[String(r).toUpperCase() as keyof typeof logs.RetentionDays];
  if (v === undefined) throw propError(ref, "logRetention", `"${r}" is not a retention (e.g. "one_week", "one_month", "infinite")`);
  return v;
}

function sizeOrThrow(value: SSTSize, prop: string, ref?: ConstructRef): number {
  try {
    return toMB(value, prop);
  } catch (e) {
    throw ref ? propError(ref, prop, (e as Error).message) : e;
  }
}

const URL_PROPS: ReadonlySet<string> = new Set(["authorizer", "cors", "streaming"]);
const URL_CORS_PROPS: ReadonlySet<string> = new Set(["allowCredentials", "allowHeaders", "allowMethods", "allowOrigins", "exposeHeaders", "maxAge"]);

/** SST v2's function URL CORS: everything allowed unless narrowed; `false` turns CORS off. */
function functionUrlCors(cors: boolean | FunctionUrlCorsProps): lambda.FunctionUrlCorsOptions | undefined {
  if (cors === false) return undefined;
  const c: FunctionUrlCorsProps = cors === true ? {} : cors;
  return {
    allowCredentials: c.allowCredentials,
    allowedHeaders: c.allowHeaders ?? ["*"],
    allowedMethods: (c.allowMethods ?? ["*"]).map((m) => (m === "*" ? lambda.HttpMethod.ALL : lambda.HttpMethod[m as keyof typeof lambda.HttpMethod])),
    allowedOrigins: c.allowOrigins ?? ["*"],
    exposedHeaders: c.exposeHeaders,
    maxAge: c.maxAge !== undefined ? toCdkDuration(c.maxAge) : undefined,
  };
}
