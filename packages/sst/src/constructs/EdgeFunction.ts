/**
 * SST v2's EdgeFunction: a Lambda@Edge function for a site deployed with `edge: true`
 * (and the URL signer of `regional.enableServerUrlIamAuth`). Lambda@Edge functions
 * must live in us-east-1 and take no environment variables, so, as SST v2 does:
 *
 * - the code (a prebuilt bundle, or a handler bundled with esbuild) starts with a line
 *   that merges `"{{ _SST_FUNCTION_ENVIRONMENT_ }}"` into `process.env`, and the
 *   stack's Custom::AssetReplacer puts the environment's JSON there at deploy time;
 * - three stack-wide providers (SST's own handler code, src/custom-resources/edge)
 *   create a us-east-1 code bucket (Custom::SSTEdgeLambdaBucket), the function
 *   (Custom::SSTEdgeLambda) and a published version (Custom::SSTEdgeLambdaVersion,
 *   whose logical id carries a hash of the function's parameters, so a changed
 *   function is published again); CloudFront associates the version.
 *
 * The local cloud deploys the same resources (one region: us-east-1 is the local
 * cloud's), and its CDN runs the version on the origin-request events CloudFront
 * would run it on.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Asset } from "aws-cdk-lib/aws-s3-assets";
import { Construct, type IConstruct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { bindingEnvironment, bindingStatements, isSSTConstruct } from "./util/binding.js";
import { attachPermissionsToRole, type BindingResource, type Permissions } from "./util/permission.js";
import { toCdkDuration, toMB, type SSTDuration, type SSTSize } from "./util/duration.js";
import { bundledHandlers } from "./util/custom-resource-handler.js";
import { zipDirectory } from "./site/archive.js";
import { bundleSsrHandler } from "./site/ssr-bundle.js";
import type { CopyFile, NodeJSProps } from "../build/types.js";

const EDGE_HANDLERS = fileURLToPath(new URL("../custom-resources/edge/", import.meta.url));
/** The marker the code starts with; the asset replacer swaps it for the environment's JSON. */
const ENV_MARKER = `"{{ _SST_FUNCTION_ENVIRONMENT_ }}"`;
const ENV_LINE = `process.env = { ...process.env, ...${ENV_MARKER} };`;
const RUNTIMES: Record<string, lambda.Runtime> = {
  "nodejs18.x": lambda.Runtime.NODEJS_18_X,
  "nodejs20.x": lambda.Runtime.NODEJS_20_X,
  "nodejs22.x": lambda.Runtime.NODEJS_22_X,
};

export interface EdgeFunctionProps {
  /** Prebuilt code's folder; without it `handler` (relative to the app's root) is bundled. */
  bundle?: string;
  /** `file.export`. */
  handler: string;
  /** @default "nodejs18.x" */
  runtime?: "nodejs18.x" | "nodejs20.x" | "nodejs22.x";
  /** @default 10 seconds (Lambda@Edge allows 30 for origin requests) */
  timeout?: number | SSTDuration;
  /** @default 1024 MB */
  memorySize?: number | SSTSize;
  permissions?: Permissions;
  /** Put into the code at deploy time (Lambda@Edge has no environment variables). */
  environment?: Record<string, string>;
  bind?: BindingResource[];
  nodejs?: NodeJSProps;
  copyFiles?: CopyFile[];
  /** Where the function's resources go (SST v2 puts a site's server directly under the site). */
  scopeOverride?: IConstruct;
}

export class EdgeFunction extends Construct {
  readonly role: iam.Role;
  readonly functionArn: string;
  readonly function: lambda.IFunction;
  readonly currentVersion: lambda.IVersion;
  private readonly scopeForResources: Construct;
  private readonly replacer: cdk.CustomResource;
  private readonly environment: Record<string, string>;
  private readonly bindingEnvironment: Record<string, string>;

  constructor(scope: Construct, id: string, props: EdgeFunctionProps) {
    super(scope, id);
    this.scopeForResources = (props.scopeOverride as Construct | undefined) ?? this;
    const stack = Stack.of(this) as Stack;
    this.environment = { ...(props.environment ?? {}) };
    const permissions: Permissions = props.permissions === "*" ? "*" : [...((props.permissions as any[]) ?? [])];
    this.bindingEnvironment = this.bind(props.bind ?? [], permissions);

    const { asset, handlerFile } = this.buildAsset(props);
    const policy = new iam.Policy(this, "AssetReplacerPolicy", {
      statements: [new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["s3:GetObject", "s3:PutObject"], resources: [`arn:${stack.partition}:s3:::${asset.s3BucketName}/*`] })],
    });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    this.replacer = new cdk.CustomResource(this.scopeForResources, "AssetReplacer", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::AssetReplacer",
      properties: {
        bucket: asset.s3BucketName,
        key: asset.s3ObjectKey,
        replacements: [
          { files: handlerFile, search: ENV_MARKER, replace: JSON.stringify({ ...this.environment, ...this.bindingEnvironment }) },
          ...Object.entries(this.environment).map(([key, value]) => ({ files: "**/*.@(*js|json|html)", search: `{{ ${key} }}`, replace: value })),
        ],
      },
    });
    this.replacer.node.addDependency(policy);

    this.role = new iam.Role(this.scopeForResources, "ServerLambdaRole", {
      assumedBy: new iam.CompositePrincipal(new iam.ServicePrincipal("lambda.amazonaws.com"), new iam.ServicePrincipal("edgelambda.amazonaws.com")),
      managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(this, "EdgeLambdaPolicy", `arn:${stack.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`)],
    });
    attachPermissionsToRole(this.role, permissions);

    const bucket = this.edgeBucket(stack);
    const fn = this.createFunction(stack, props, asset, bucket);
    fn.node.addDependency(this.replacer);
    const version = this.createVersion(stack, fn);
    this.functionArn = fn.getAttString("FunctionArn");
    this.function = lambda.Function.fromFunctionAttributes(this.scopeForResources, "ICdkFunction", { functionArn: this.functionArn, role: this.role });
    this.currentVersion = lambda.Version.fromVersionArn(this, `${id}FunctionVersion`, `${this.functionArn}:${version.getAttString("Version")}`);
  }

  attachPermissions(permissions: Permissions): void {
    attachPermissionsToRole(this.role, permissions);
  }

  /** Adds a variable to what the asset replacer writes into the code. */
  addEnvironment(key: string, value: string): void {
    this.environment[key] = value;
    (this.replacer.node.defaultChild as cdk.CfnResource).addPropertyOverride(
      "replacements.0.replace",
      JSON.stringify({ ...this.environment, ...this.bindingEnvironment }),
    );
  }

  /** SST_* values of the app and of each bound construct; their permissions join `permissions`. */
  private bind(constructs: BindingResource[], permissions: Permissions): Record<string, string> {
    const app = App.of(this);
    const env: Record<string, string> = { SST_APP: app.name, SST_STAGE: app.stage, SST_REGION: app.region, SST_SSM_PREFIX: app.ssmPrefix };
    for (const c of constructs) {
      if (!isSSTConstruct(c)) throw new Error(`Cannot bind "${(c as any)?.node?.path ?? c}" to the "${this.node.id}" edge function: only SST constructs can be bound`);
      Object.assign(env, bindingEnvironment(c));
      if (permissions !== "*") (permissions as any[]).push(...bindingStatements(c));
    }
    return env;
  }

  /** The code as an asset, with the environment line at the top of the handler's file. */
  private buildAsset(props: EdgeFunctionProps): { asset: Asset; handlerFile: string } {
    const app = App.of(this);
    const artifacts = path.join(app.artifactsDir, `EdgeFunction-${this.node.id}-${this.node.addr}`);
    if (props.bundle) {
      const { dir, name, ext } = path.parse(props.handler);
      const base = path.join(props.bundle, dir, name);
      const extension = [".js", ".mjs", ".cjs"].find((e) => fs.existsSync(base + e));
      if (!extension) throw new Error(`Cannot find the SSR function handler file for the "${this.scopeForResources.node.id}" Site (${base}.{js,mjs,cjs})`);
      const handlerFile = props.handler.replace(ext, extension);
      const file = path.join(props.bundle, handlerFile);
      const code = fs.readFileSync(file, "utf8");
      if (!code.startsWith(ENV_LINE)) fs.writeFileSync(file, `${ENV_LINE}\n${code}`);
      const zip = zipDirectory(props.bundle, path.join(artifacts, "server-function.zip"));
      return { asset: new Asset(this.scopeForResources, "FunctionAsset", { path: zip }), handlerFile };
    }
    const out = bundleSsrHandler({
      site: this.scopeForResources.node.id,
      root: app.appPath,
      handler: props.handler,
      runtime: props.runtime ?? "nodejs18.x",
      nodejs: { ...props.nodejs, banner: [ENV_LINE, props.nodejs?.banner ?? ""].join("\n") },
      copyFiles: props.copyFiles,
      outdir: path.join(artifacts, "bundle"),
    });
    const parsed = path.posix.parse(out.handler);
    const esm = (props.nodejs?.format ?? "esm") === "esm";
    return {
      asset: new Asset(this.scopeForResources, "FunctionAsset", { path: out.dir }),
      handlerFile: `${parsed.dir}/${parsed.name}${esm ? ".mjs" : ".cjs"}`,
    };
  }

  /** The stack's us-east-1 bucket for edge code (one per stack). */
  private edgeBucket(stack: Stack): cdk.CustomResource {
    const existing = stack.node.tryFindChild("EdgeLambdaBucket");
    if (existing) return existing as cdk.CustomResource;
    const provider = this.provider(stack, "EdgeLambdaBucketProvider", "s3-bucket", ["s3:*"]);
    return new cdk.CustomResource(stack, "EdgeLambdaBucket", {
      serviceToken: provider.functionArn,
      resourceType: "Custom::SSTEdgeLambdaBucket",
      properties: { BucketNamePrefix: `${stack.stackName}-EdgeLambdaBucket` },
    });
  }

  private createFunction(stack: Stack, props: EdgeFunctionProps, asset: Asset, bucket: cdk.CustomResource): cdk.CustomResource {
    let provider = stack.node.tryFindChild("EdgeLambdaProvider") as lambda.Function | undefined;
    if (!provider) {
      provider = this.provider(stack, "EdgeLambdaProvider", "edge-lambda", ["lambda:*", "s3:*"]);
      // SST v2 lets the provider pass the role of the first edge function only.
      this.role.grantPassRole(provider.role!);
    }
    const resId = `${this.node.id}EdgeLambda`;
    const timeout = props.timeout ?? 10;
    const memory = props.memorySize ?? 1024;
    return new cdk.CustomResource(this.scopeForResources, resId, {
      serviceToken: provider.functionArn,
      resourceType: "Custom::SSTEdgeLambda",
      properties: {
        FunctionNamePrefix: `${stack.stackName}-${resId}`,
        FunctionBucket: bucket.getAttString("BucketName"),
        FunctionParams: {
          Description: `${this.node.id} handler`,
          Handler: props.handler.split(path.sep).join(path.posix.sep),
          Code: { S3Bucket: asset.s3BucketName, S3Key: asset.s3ObjectKey },
          Runtime: (RUNTIMES[props.runtime ?? "nodejs18.x"] ?? lambda.Runtime.NODEJS_18_X).name,
          MemorySize: typeof memory === "number" ? memory : toMB(memory),
          Timeout: typeof timeout === "number" ? timeout : toCdkDuration(timeout).toSeconds(),
          Role: this.role.roleArn,
        },
      },
    });
  }

  private createVersion(stack: Stack, fn: cdk.CustomResource): cdk.CustomResource {
    const provider = (stack.node.tryFindChild("EdgeLambdaVersionProvider") as lambda.Function | undefined) ?? this.provider(stack, "EdgeLambdaVersionProvider", "edge-lambda-version", ["lambda:*"]);
    const version = new cdk.CustomResource(this.scopeForResources, `${this.node.id}EdgeLambdaVersion`, {
      serviceToken: provider.functionArn,
      resourceType: "Custom::SSTEdgeLambdaVersion",
      properties: { FunctionArn: fn.getAttString("FunctionArn") },
    });
    // A new logical id whenever the function's parameters change: CloudFormation then
    // creates a new version (published from the updated function) and deletes the old.
    const cfn = version.node.defaultChild as cdk.CfnResource;
    const base = stack.resolve(cfn.logicalId) as string;
    cfn.overrideLogicalId(
      cdk.Lazy.uncachedString({
        produce: () => {
          const params = stack.resolve((fn.node.defaultChild as any)._toCloudFormation()) as any;
          const rendered = Object.values<any>(params.Resources)[0].Properties.FunctionParams;
          return `${base.slice(Math.max(0, base.length - (255 - 32)))}${createHash("md5").update(JSON.stringify(rendered)).digest("hex")}`;
        },
      }),
    );
    return version;
  }

  /** One of the stack's three edge providers (SST's handler code, bundled once per app). */
  private provider(stack: Stack, id: string, entry: string, actions: string[]): lambda.Function {
    const app = App.of(stack);
    const code = bundledHandlers(app, "edge-function", {
      "s3-bucket": path.join(EDGE_HANDLERS, "s3-bucket.ts"),
      "edge-lambda": path.join(EDGE_HANDLERS, "edge-lambda.ts"),
      "edge-lambda-version": path.join(EDGE_HANDLERS, "edge-lambda-version.ts"),
    });
    return new lambda.Function(stack, id, {
      code: lambda.Code.fromAsset(code),
      handler: `${entry}.handler`,
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: cdk.Duration.minutes(15),
      memorySize: 1024,
      initialPolicy: [new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions, resources: ["*"] })],
    });
  }
}
