/**
 * SST v2's SsrFunction: a server-rendering function whose code is either a prebuilt
 * bundle (OpenNext's server function), zipped as one asset, or a handler file that
 * esbuild bundles (an adapter's server entry: astro-sst's, svelte-kit-sst's, Remix's
 * build wrapped by SST's handler). A Custom::AssetReplacer puts deploy-time values
 * into the code's zip before the function is created (values that were `{{ KEY }}`
 * placeholders during the build); `bind` and `permissions` work as for Function.
 * With `injections` (the warmer's short-circuit), a wrapper handler runs them before
 * the bundle's handler.
 */
import fs from "node:fs";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { bindingEnvironment, bindingStatements, isSSTConstruct } from "./util/binding.js";
import { attachPermissionsToRole, type BindingResource, type Permissions } from "./util/permission.js";
import { toCdkDuration, toMB, type SSTDuration, type SSTSize } from "./util/duration.js";
import { zipDirectory } from "./site/archive.js";
import { bundleSsrHandler } from "./site/ssr-bundle.js";
import type { CopyFile, NodeJSProps } from "../build/types.js";

/** CDK's function options a site passes through (`cdk.server`), as SST v2 spreads them into the function. */
export type SsrFunctionCdkOptions = Omit<lambda.FunctionOptions, "memorySize" | "timeout" | "environment" | "architecture" | "role" | "description" | "logRetention">;

export interface SsrFunctionProps extends SsrFunctionCdkOptions {
  /** The prebuilt code's folder. Without it, `handler` names a file that is bundled with esbuild. */
  bundle?: string;
  /** `file.export`: relative to the bundle, or (no bundle) to the app's root. */
  handler: string;
  /** esbuild options when the handler is bundled (SST v2: ESM by default). */
  nodejs?: NodeJSProps;
  /** Files copied into the bundled function (`from` relative to the app's root, `to` to the bundle). */
  copyFiles?: CopyFile[];
  description?: string;
  runtime?: "nodejs18.x" | "nodejs20.x" | "nodejs22.x";
  /** @default 10 seconds */
  timeout?: number | SSTDuration;
  /** @default 1024 MB */
  memorySize?: number | SSTSize;
  architecture?: lambda.Architecture;
  environment?: Record<string, string>;
  permissions?: Permissions;
  bind?: BindingResource[];
  streaming?: boolean;
  /** Code run at the start of every invocation, before the bundle's handler. */
  injections?: string[];
  role?: iam.IRole;
  logRetention?: logs.RetentionDays;
}

const RUNTIMES: Record<string, lambda.Runtime> = {
  "nodejs18.x": lambda.Runtime.NODEJS_18_X,
  "nodejs20.x": lambda.Runtime.NODEJS_20_X,
  "nodejs22.x": lambda.Runtime.NODEJS_22_X,
};

export class SsrFunction extends Construct {
  readonly id: string;
  readonly function: lambda.Function;
  private functionUrl?: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: SsrFunctionProps) {
    super(scope, id);
    this.id = id;
    const app = App.of(this);
    const stack = Stack.of(this) as Stack;
    const environment = props.environment ?? {};
    const { code, handler } = this.buildCode(props);

    // The replacer edits the code's zip in the asset bucket, so it runs before the function exists.
    const policy = new iam.Policy(this, "AssetReplacerPolicy", { statements: [] });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    const replacer = new cdk.CustomResource(this, "AssetReplacer", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::AssetReplacer",
      properties: {
        bucket: "placeholder",
        key: "placeholder",
        replacements: Object.entries(environment).map(([key, value]) => ({ files: "**/*.@(*js|json|html)", search: `{{ ${key} }}`, replace: value })),
      },
    });
    replacer.node.addDependency(policy);

    this.function = new lambda.Function(this, "ServerFunction", {
      ...cdkFunctionOptions(props),
      description: props.description,
      handler: handler.split(path.sep).join(path.posix.sep),
      code: lambda.Code.fromBucket(s3.Bucket.fromBucketName(this, "IServerFunctionBucket", "placeholder"), "placeholder"),
      runtime: RUNTIMES[props.runtime ?? "nodejs18.x"] ?? lambda.Runtime.NODEJS_18_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize === undefined ? 1024 : typeof props.memorySize === "number" ? props.memorySize : toMB(props.memorySize),
      timeout: props.timeout === undefined ? cdk.Duration.seconds(10) : typeof props.timeout === "number" ? cdk.Duration.seconds(props.timeout) : toCdkDuration(props.timeout),
      environment,
      role: props.role,
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_DAYS,
      // As SST v2: a retention that was asked for is retried (the default one is not).
      ...(props.logRetention !== undefined ? { logRetentionRetryOptions: { maxRetries: 100 } } : {}),
    });
    this.function.node.addDependency(replacer);

    // Point the function and the replacer at the zipped bundle's asset (as SST v2 does, after creating them).
    const location = code.bind(this.function).s3Location!;
    const cfnFunction = this.function.node.defaultChild as lambda.CfnFunction;
    cfnFunction.code = { s3Bucket: location.bucketName, s3Key: location.objectKey };
    code.bindToResource(cfnFunction);
    const cfnReplacer = replacer.node.defaultChild as cdk.CfnCustomResource;
    cfnReplacer.addPropertyOverride("bucket", location.bucketName);
    cfnReplacer.addPropertyOverride("key", location.objectKey);
    policy.addStatements(new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["s3:GetObject", "s3:PutObject"], resources: [`arn:${stack.partition}:s3:::${location.bucketName}/*`] }));

    this.attachPermissions(props.permissions ?? []);
    this.bind(props.bind ?? []);
  }

  get role(): iam.IRole | undefined {
    return this.function.role;
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  get functionName(): string {
    return this.function.functionName;
  }

  get url(): string | undefined {
    return this.functionUrl?.url;
  }

  addEnvironment(key: string, value: string): void {
    this.function.addEnvironment(key, value);
  }

  addFunctionUrl(props?: lambda.FunctionUrlOptions): lambda.FunctionUrl {
    this.functionUrl = this.function.addFunctionUrl(props);
    return this.functionUrl;
  }

  grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.function.grantInvoke(grantee);
  }

  attachPermissions(permissions: Permissions): void {
    if (Array.isArray(permissions) && permissions.length === 0) return;
    attachPermissionsToRole(this.function.role!, permissions);
  }

  private bind(constructs: BindingResource[]): void {
    const app = App.of(this);
    this.function.addEnvironment("SST_APP", app.name);
    this.function.addEnvironment("SST_STAGE", app.stage);
    this.function.addEnvironment("SST_SSM_PREFIX", app.ssmPrefix);
    for (const c of constructs) {
      if (!isSSTConstruct(c)) throw new Error(`Cannot bind "${(c as any)?.node?.path ?? c}" to the "${this.id}" server function: only SST constructs can be bound`);
      for (const [k, v] of Object.entries(bindingEnvironment(c))) this.function.addEnvironment(k, v);
      for (const s of bindingStatements(c)) this.function.addToRolePolicy(s);
    }
  }

  /** The function's code: the prebuilt bundle zipped, or the handler bundled by esbuild. */
  private buildCode(props: SsrFunctionProps): { code: lambda.Code; handler: string } {
    const app = App.of(this);
    const artifacts = path.join(app.artifactsDir, `SsrFunction-${this.id}-${this.node.addr}`);
    if (props.bundle) {
      const handler = this.writeWrapper(props.bundle, props.handler, props);
      return { code: lambda.Code.fromAsset(zipDirectory(props.bundle, path.join(artifacts, "server-function.zip"))), handler };
    }
    const out = bundleSsrHandler({
      site: this.node.scope?.node.id ?? this.id,
      root: app.appPath,
      handler: props.handler,
      runtime: props.runtime ?? "nodejs18.x",
      nodejs: props.nodejs,
      copyFiles: props.copyFiles,
      outdir: path.join(artifacts, "bundle"),
    });
    return { code: lambda.Code.fromAsset(out.dir), handler: this.writeWrapper(out.dir, out.handler, props) };
  }

  /** A `server-index.mjs` that runs the injections, then the bundle's handler; returns the handler to use. */
  private writeWrapper(bundle: string, handler: string, props: SsrFunctionProps): string {
    const injections = props.injections ?? [];
    if (injections.length === 0) return handler;
    const { dir, name, ext } = path.posix.parse(handler);
    const exportName = ext.replace(/^\./, "");
    const body = props.streaming
      ? [
          `export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {`,
          ...injections,
          `  const { ${exportName}: rawHandler} = await import("./${name}.mjs");`,
          `  return rawHandler(event, responseStream, context);`,
          `});`,
        ]
      : [
          `export const handler = async (event, context) => {`,
          ...injections,
          `  const { ${exportName}: rawHandler} = await import("./${name}.mjs");`,
          `  return rawHandler(event, context);`,
          `};`,
        ];
    const file = path.join(bundle, dir, "server-index.mjs");
    const content = body.join("\n");
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== content) fs.writeFileSync(file, content);
    return path.posix.join(dir, "server-index.handler");
  }
}

/** The props that go to CDK's Function as they are (the rest are SsrFunction's own). */
function cdkFunctionOptions(props: SsrFunctionProps): SsrFunctionCdkOptions {
  const {
    bundle: _b, handler: _h, nodejs: _n, copyFiles: _c, description: _d, runtime: _r, timeout: _t, memorySize: _m,
    architecture: _a, environment: _e, permissions: _p, bind: _bi, streaming: _s, injections: _i, role: _ro, logRetention: _l,
    ...rest
  } = props as SsrFunctionProps & Record<string, unknown>;
  return rest as SsrFunctionCdkOptions;
}
