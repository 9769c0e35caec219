/**
 * The server-rendered sites of SST v2 (NextjsSite, RemixSite, AstroSite,
 * SvelteKitSite, SolidStartSite): under `sst dev` nothing is built or deployed (see
 * BaseSite.ts). Deployed, each site type builds its app and describes it as a *plan*
 * — origins (S3 assets, server functions behind function URLs, an image optimizer,
 * origin groups), cache behaviours by path pattern, CloudFront Functions, error
 * responses — and this class turns the plan into the resources SST v2 writes, under
 * the same construct ids: the bucket, the asset upload, the server functions, the
 * distribution with its cache policy and invalidation, the warmer.
 *
 * `edge: true` puts the server in a Lambda@Edge function (EdgeFunction.ts) on the
 * default behaviour's origin requests; `regional.enableServerUrlIamAuth` makes the
 * function URLs AWS_IAM and signs CloudFront's requests to them with a Lambda@Edge
 * signer. Locally both deploy as written and the local CDN runs the edge functions in
 * the local cloud's one region.
 */
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import { App } from "./App.js";
import { Stack } from "./Stack.js";
import { BaseSite, type BaseSiteProps } from "./BaseSite.js";
import { Distribution, type DistributionDomainProps } from "./Distribution.js";
import { SsrFunction, type SsrFunctionProps } from "./SsrFunction.js";
import { EdgeFunction, type EdgeFunctionProps } from "./EdgeFunction.js";
import { addSiteNotice } from "./site/notice.js";
import { bundledHandlers } from "./util/custom-resource-handler.js";
import type { Runtime } from "./Function.js";
import type { NodeJSProps } from "../build/types.js";
import { toCdkDuration, type SSTDuration, type SSTSize } from "./util/duration.js";
import type { BindingResource, Permissions } from "./util/permission.js";
import { runSiteBuild, siteBuildRecord } from "./site/build.js";
import { createSiteArchive } from "./site/archive.js";
import { createS3Deployment, type SiteFileOptions } from "./site/s3-deployment.js";
import { tokenReplaceValues } from "./site/site-config.js";
import { serverResponseCachePolicy } from "./util/server-cache-policy.js";

const SUPPORT = fileURLToPath(new URL("../../support/", import.meta.url));
const URL_SIGNER = fileURLToPath(new URL("../edge-functions/url-signer.ts", import.meta.url));

/** The URL signer's code (ours, src/edge-functions), bundled once per app. */
function signingFunctionBundle(app: App): string {
  return bundledHandlers(app, "signing-function", { index: URL_SIGNER });
}

export interface SsrDomainProps extends DistributionDomainProps {}
export interface SsrSiteFileOptions extends SiteFileOptions {}

export interface SsrSiteProps extends BaseSiteProps {
  /** @default "." (the app's root) */
  path?: string;
  /** @default "npm run build" (NextjsSite: OpenNext's build) */
  buildCommand?: string;
  bind?: BindingResource[];
  permissions?: Permissions;
  /** @default "nodejs18.x" */
  runtime?: Runtime | "nodejs18.x" | "nodejs20.x" | "nodejs22.x";
  /** @default "10 seconds" */
  timeout?: SSTDuration;
  /** @default "1024 MB" */
  memorySize?: SSTSize;
  /** Number of server function instances the warmer keeps warm. @default none */
  warm?: number;
  regional?: { enableServerUrlIamAuth?: boolean; prefetchSecrets?: boolean };
  /** Run the server at CloudFront's edge (Lambda@Edge) instead of in the region. @default false */
  edge?: boolean;
  typesPath?: string;
  assets?: {
    textEncoding?: "utf-8" | "iso-8859-1" | "windows-1252" | "ascii" | "none";
    versionedFilesTTL?: SSTDuration;
    versionedFilesCacheHeader?: string;
    nonVersionedFilesTTL?: SSTDuration;
    nonVersionedFilesCacheHeader?: string;
    fileOptions?: SsrSiteFileOptions[];
    _uploadConcurrency?: number;
  };
  invalidation?: { wait?: boolean; paths?: "none" | "all" | "versioned" | string[] };
  /** @deprecated use invalidation.wait */
  waitForInvalidation?: boolean;
  /** esbuild options for server functions bundled from a handler (SST v2's `nodejs`). */
  nodejs?: NodeJSProps;
  cdk?: {
    id?: string;
    bucket?: s3.BucketProps | s3.IBucket;
    distribution?: Partial<cloudfront.DistributionProps>;
    s3Origin?: origins.S3OriginProps;
    serverCachePolicy?: cloudfront.ICachePolicy;
    responseHeadersPolicy?: cloudfront.IResponseHeadersPolicy;
    viewerProtocolPolicy?: cloudfront.ViewerProtocolPolicy;
    server?: Partial<lambda.FunctionOptions>;
    transform?: (plan: Plan) => void;
    [key: string]: unknown;
  };
}

export interface FunctionOriginPlan {
  type: "function";
  constructId: string;
  /** `bundle` for prebuilt code (OpenNext); else `handler` (relative to the app's root) is bundled. */
  function: SsrFunctionProps;
  injections?: string[];
  streaming?: boolean;
  warm?: number;
}
export interface ImageOptimizationOriginPlan {
  type: "image-optimization-function";
  function: lambda.FunctionProps;
}
export interface S3OriginPlan {
  type: "s3";
  originPath?: string;
  copy: { from: string; to: string; cached: boolean; versionedSubDir?: string }[];
}
export interface OriginGroupPlan {
  type: "group";
  primaryOriginName: string;
  fallbackOriginName: string;
  fallbackStatusCodes?: number[];
}
export type OriginPlan = FunctionOriginPlan | ImageOptimizationOriginPlan | S3OriginPlan | OriginGroupPlan;

export interface BehaviorPlan {
  cacheType: "server" | "static";
  pattern?: string;
  origin: string;
  allowedMethods?: cloudfront.AllowedMethods;
  cfFunction?: string;
  edgeFunction?: string;
}

export interface Plan {
  edge: boolean;
  cloudFrontFunctions?: Record<string, { constructId: string; injections: string[] }>;
  /** Lambda@Edge functions; a site's own server sets `scopeOverride` to the site (SST v2's ids). */
  edgeFunctions?: Record<string, { constructId: string; function: EdgeFunctionProps & { description?: string } }>;
  origins: Record<string, OriginPlan>;
  behaviors: BehaviorPlan[];
  errorResponses?: cloudfront.ErrorResponse[];
  serverCachePolicy?: { allowedHeaders?: string[] };
  buildId?: string;
  warmer?: { function: string };
}

const WARMER_INJECTION = (streaming?: boolean) =>
  [
    `if (event.type === "warmer") {`,
    `  const p = new Promise((resolve) => {`,
    `    setTimeout(() => {`,
    `      resolve({ serverId: "server-" + Math.random().toString(36).slice(2, 8) });`,
    `    }, event.delay);`,
    `  });`,
    ...(streaming ? [`  const response = await p;`, `  responseStream.write(JSON.stringify(response));`, `  responseStream.end();`, `  return;`] : [`  return p;`]),
    `}`,
  ].join("\n");

export abstract class SsrSite extends BaseSite {
  protected declare readonly props: SsrSiteProps;
  protected bucket?: s3.IBucket;
  protected serverFunctions: SsrFunction[] = [];
  protected serverFunction?: SsrFunction;
  protected edgeFunctions: Record<string, EdgeFunction> = {};
  private signer?: EdgeFunction;
  /** Under `sst dev`: SST v2's placeholder server function (see createServerFunctionForDev). */
  protected serverFunctionForDev?: SsrFunction;

  protected constructor(scope: Construct, id: string, props: SsrSiteProps | undefined, type: string) {
    super(scope, id, props ?? {}, type, ".");
    if (props?.bind) this.bind(props.bind);
    if (props?.permissions) super.attachPermissions(props.permissions);
    if (App.of(this).mode !== "remove") this.writeTypesFile(props?.typesPath ?? ".");
    // SST v2 also gives a site of a stack `sst deploy <filter>` leaves out its placeholder.
    if (this.doNotDeploy && App.of(this).mode !== "remove") this.serverFunctionForDev = this.createServerFunctionForDev();
  }

  /**
   * SST v2 deploys a placeholder server function for a site under `sst dev`: nothing is
   * served by it, but it carries the site's environment and bindings, and its role the
   * site's permissions. `sst bind` in the site's folder gives the dev server that
   * environment and that role's credentials — so the dev server can do exactly what
   * the deployed server could (the local cloud enforces the role's policies).
   */
  private createServerFunctionForDev(): SsrFunction {
    const p = this.props;
    const role = new iam.Role(this, "ServerFunctionRole", {
      assumedBy: new iam.CompositePrincipal(new iam.AccountPrincipal(App.of(this).account), new iam.ServicePrincipal("lambda.amazonaws.com")),
      maxSessionDuration: cdk.Duration.hours(12),
    });
    return new SsrFunction(this, "ServerFunction", {
      description: "Server handler placeholder",
      bundle: path.join(SUPPORT, "ssr-site-function-stub"),
      handler: "index.handler",
      runtime: p.runtime as SsrFunctionProps["runtime"],
      memorySize: p.memorySize,
      timeout: p.timeout,
      role,
      bind: p.bind,
      environment: this.environment,
      permissions: p.permissions,
    });
  }

  protected override devServerFunctionArn(): string | undefined {
    return this.serverFunctionForDev?.functionArn;
  }

  /**
   * SST v2 gives the site `{typesPath}/sst-env.d.ts`, pointing TypeScript at the app's
   * generated `.sst/types` (the bound resources' types). An existing file is kept.
   */
  private writeTypesFile(typesPath: string): void {
    const file = path.resolve(this.sitePath, typesPath, "sst-env.d.ts");
    if (fs.existsSync(file) || !fs.existsSync(path.dirname(file))) return;
    const types = path.relative(path.dirname(file), path.join(App.of(this).appPath, ".sst", "types", "index.ts")).split(path.sep).join("/");
    fs.writeFileSync(file, `/// <reference path="${types}" />`);
  }

  /** Build and deploy (called by each site type's constructor once its own props are set). */
  protected deploy(): void {
    if (this.doNotDeploy) return;
    const p = this.props;
    if ((p as { fileOptions?: unknown }).fileOptions) throw new Error(`${this.owner}: In the "${this.node.id}" construct, the "fileOptions" property has been replaced by "assets.fileOptions" (SST v2.31).`);

    this.bucket = this.createBucket();
    this.build();
    const plan = this.plan(this.bucket);
    p.cdk?.transform?.(plan);
    this.validateTimeout(plan.edge);
    if (plan.edge) addSiteNotice(this, this.owner, "edge", "its server runs as a Lambda@Edge function, which the local CDN invokes in the local cloud's region (us-east-1) on origin requests, not at edge locations");
    if (p.regional?.enableServerUrlIamAuth) addSiteNotice(this, this.owner, "regional.enableServerUrlIamAuth", "the local CDN runs the Lambda@Edge signer in the local cloud's region, and the function URLs check its signatures");

    const cfFunctions = this.createCloudFrontFunctions(plan);
    this.createEdgeFunctions(plan);
    const s3Deployments: cdk.CustomResource[] = [];
    const warmConfig: { concurrency: number; function: SsrFunction }[] = [];
    const originsByName = this.createOrigins(plan, s3Deployments, warmConfig);
    this.cdn = this.createDistribution(plan, originsByName, cfFunctions, s3Deployments);
    this.createInvalidation(plan, s3Deployments);
    this.createWarmer(plan, warmConfig);
    this.serverFunction = this.serverFunctions[0];
  }

  /** The app's description as origins and behaviours (reads the build's output). */
  protected abstract plan(bucket: s3.IBucket): Plan;

  /** The build's output folders (not inputs of the next build). */
  protected abstract buildOutputs(): string[];

  /** The command that builds the site. */
  protected buildCommand(): string {
    return this.props.buildCommand ?? "npm run build";
  }

  /** The deployed resources (undefined when not deployed). */
  get cdk() {
    if (this.doNotDeploy) return undefined;
    return {
      function: this.serverFunction?.function ?? Object.values(this.edgeFunctions)[0]?.function,
      bucket: this.bucket!,
      distribution: this.cdn!.distribution,
      hostedZone: this.cdn!.hostedZone,
      certificate: this.cdn!.certificate,
    };
  }

  override attachPermissions(permissions: Permissions): void {
    super.attachPermissions(permissions);
    for (const fn of this.serverFunctions) fn.attachPermissions(permissions);
    for (const fn of Object.values(this.edgeFunctions)) fn.attachPermissions(permissions);
    this.serverFunctionForDev?.attachPermissions(permissions);
  }

  override getConstructMetadata() {
    const base = super.getConstructMetadata();
    return { ...base, data: { ...base.data, server: (this.serverFunctionForDev ?? this.serverFunction)?.functionArn } };
  }

  /**
   * Where a server-rendering site's server runs, as SST v2 plans it: regionally, a
   * function-URL origin ("regionalServer") on the default behaviour; at the edge, a
   * Lambda@Edge function ("edgeServer", ids under the site) answering the S3 origin's
   * requests. Spread into the plan's `edgeFunctions` / `origins`; `behavior` goes first.
   */
  protected serverPlan(edge: boolean, server: SsrFunctionProps & EdgeFunctionProps & { description: string }): {
    edgeFunctions: Plan["edgeFunctions"];
    origins: Record<string, OriginPlan>;
    behavior: BehaviorPlan;
  } {
    return {
      edgeFunctions: edge ? { edgeServer: { constructId: "Server", function: { scopeOverride: this, ...server } } } : undefined,
      origins: edge ? {} : { regionalServer: { type: "function" as const, constructId: "ServerFunction", function: server } },
      behavior: edge
        ? { cacheType: "server", cfFunction: "serverCfFunction", edgeFunction: "edgeServer", origin: "s3" }
        : { cacheType: "server", cfFunction: "serverCfFunction", origin: "regionalServer" },
    };
  }

  /**
   * One static behaviour on the S3 origin per top-level entry of the uploaded folder `dir`
   * (a folder `x` → `x/*`, a file by its name), each pattern passed through `under`.
   */
  protected staticBehaviors(dir: string, opts: { cfFunction?: string; under?: (pattern: string) => string } = {}): BehaviorPlan[] {
    return fs.readdirSync(dir).map((item) => {
      const pattern = fs.statSync(path.join(dir, item)).isDirectory() ? `${item}/*` : item;
      return { cacheType: "static", pattern: opts.under ? opts.under(pattern) : pattern, origin: "s3", ...(opts.cfFunction ? { cfFunction: opts.cfFunction } : {}) };
    });
  }

  /** Sets `x-forwarded-host` from the viewer's Host (the origin gets its own Host). */
  protected hostHeaderInjection(): string {
    return `request.headers["x-forwarded-host"] = request.headers.host;`;
  }

  private createBucket(): s3.IBucket {
    const given = this.props.cdk?.bucket;
    if (given instanceof Construct) return given as s3.IBucket;
    return new s3.Bucket(this, "S3Bucket", {
      publicReadAccess: false,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      autoDeleteObjects: true,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      enforceSSL: true,
      ...(given as s3.BucketProps | undefined),
    });
  }

  private build(): void {
    const command = this.buildCommand();
    if (command === "npm run build") {
      const pkg = path.join(this.sitePath, "package.json");
      if (!fs.existsSync(pkg)) throw new Error(`${this.owner}: no package.json found at "${this.sitePath}"`);
      if (!JSON.parse(fs.readFileSync(pkg, "utf8")).scripts?.build) throw new Error(`${this.owner}: no "build" script in ${pkg}`);
    }
    const app = App.of(this);
    app.writeTypesBeforeBuild(this);
    runSiteBuild({
      owner: this.owner,
      sitePath: this.sitePath,
      command,
      environment: this.environment,
      extraEnv: { SST: "1" },
      outputs: this.buildOutputs(),
      recordFile: siteBuildRecord(app.artifactsDir, this.sitePath),
    });
  }

  private validateTimeout(edge: boolean): void {
    const t = this.props.timeout ?? "10 seconds";
    const seconds = typeof t === "number" ? t : toCdkDuration(t).toSeconds();
    const limit = edge ? 30 : 180;
    if (seconds > limit) throw new Error(`${this.owner}: In the "${this.node.id}" construct, timeout must be less than or equal to ${limit} seconds${edge ? " when deploying to the edge" : ""}.`);
  }

  /** The plan's Lambda@Edge functions (SST v2: the site's runtime, timeout, memory, bindings and environment). */
  private createEdgeFunctions(plan: Plan): void {
    const p = this.props;
    for (const [name, { constructId, function: fn }] of Object.entries(plan.edgeFunctions ?? {})) {
      const edge = new EdgeFunction(this, constructId, {
        runtime: p.runtime as EdgeFunctionProps["runtime"],
        timeout: p.timeout,
        memorySize: p.memorySize,
        bind: p.bind,
        permissions: p.permissions,
        ...fn,
        nodejs: {
          format: "esm",
          ...p.nodejs,
          ...fn.nodejs,
          esbuild: { ...(p.nodejs?.esbuild as object | undefined), ...fn.nodejs?.esbuild },
        },
        environment: { ...this.environment, ...fn.environment },
      });
      this.bucket!.grantReadWrite(edge.role);
      this.edgeFunctions[name] = edge;
    }
  }

  /** SST v2's signer: a Lambda@Edge function that signs CloudFront's requests to AWS_IAM function URLs. */
  private urlSigner(): EdgeFunction {
    this.signer ??= new EdgeFunction(this, "ServerUrlSigningFunction", {
      bundle: signingFunctionBundle(App.of(this)),
      runtime: "nodejs18.x",
      handler: "index.handler",
      timeout: 10,
      memorySize: 128,
    });
    return this.signer;
  }

  private createCloudFrontFunctions(plan: Plan): Record<string, cloudfront.Function> {
    const out: Record<string, cloudfront.Function> = {};
    for (const [name, { constructId, injections }] of Object.entries(plan.cloudFrontFunctions ?? {})) {
      const raw = `\nfunction handler(event) {\n  var request = event.request;\n  ${injections.join("\n")}\n  return request;\n}`;
      const code = transformSync(raw, { minify: true, target: "es5" }).code;
      out[name] = new cloudfront.Function(this, constructId, { code: cloudfront.FunctionCode.fromInline(code) });
    }
    return out;
  }

  private createOrigins(plan: Plan, s3Deployments: cdk.CustomResource[], warmConfig: { concurrency: number; function: SsrFunction }[]): Record<string, cloudfront.IOrigin> {
    const out: Record<string, cloudfront.IOrigin> = {};
    for (const [name, o] of Object.entries(plan.origins)) {
      if (o.type === "s3") out[name] = this.createS3Origin(o, s3Deployments);
      else if (o.type === "function") out[name] = this.createFunctionOrigin(o, warmConfig);
      else if (o.type === "image-optimization-function") out[name] = this.createImageOrigin(o);
    }
    for (const [name, o] of Object.entries(plan.origins)) {
      if (o.type !== "group") continue;
      out[name] = new origins.OriginGroup({ primaryOrigin: out[o.primaryOriginName]!, fallbackOrigin: out[o.fallbackOriginName]!, fallbackStatusCodes: o.fallbackStatusCodes });
    }
    return out;
  }

  private createS3Origin(o: S3OriginPlan, s3Deployments: cdk.CustomResource[]): cloudfront.IOrigin {
    const app = App.of(this);
    const origin = new origins.S3Origin(this.bucket!, { originPath: "/" + (o.originPath ?? ""), ...(this.props.cdk?.s3Origin ?? {}) });
    const archive = createSiteArchive(
      o.copy.map((c) => ({ from: path.join(this.sitePath, c.from), to: c.to })),
      path.join(app.artifactsDir, `Site-${this.id}-${this.node.addr}`),
    );
    const { resource } = createS3Deployment(this, {
      bucket: this.bucket!,
      parts: archive.parts,
      policyId: "S3AssetUploaderPolicy",
      resourceId: "S3AssetUploader",
      properties: {
        concurrency: this.props.assets?._uploadConcurrency,
        textEncoding: this.props.assets?.textEncoding ?? "utf-8",
        fileOptions: this.fileOptions(o.copy),
        replaceValues: tokenReplaceValues(this.environment, ["**/*.html", "**/*.js", "**/*.json"]),
      },
    });
    s3Deployments.push(resource);
    return origin;
  }

  private fileOptions(copy: S3OriginPlan["copy"]): SsrSiteFileOptions[] {
    const a = this.props.assets ?? {};
    const seconds = (v: SSTDuration | undefined, fallback: string) => (typeof v === "number" ? v : toCdkDuration(v ?? (fallback as SSTDuration)).toSeconds());
    const nonVersionedTTL = seconds(a.nonVersionedFilesTTL, "1 day");
    const staleWhileRevalidate = Math.max(Math.floor(nonVersionedTTL / 10), 30);
    const versionedTTL = seconds(a.versionedFilesTTL, "365 days");
    const out: SsrSiteFileOptions[] = [];
    for (const { cached, to, versionedSubDir } of copy) {
      if (!cached) continue;
      out.push({
        files: "**",
        ignore: versionedSubDir ? path.posix.join(to, versionedSubDir, "**") : undefined,
        cacheControl: a.nonVersionedFilesCacheHeader ?? `public,max-age=0,s-maxage=${nonVersionedTTL},stale-while-revalidate=${staleWhileRevalidate}`,
      });
      if (versionedSubDir) {
        out.push({ files: path.posix.join(to, versionedSubDir, "**"), cacheControl: a.versionedFilesCacheHeader ?? `public,max-age=${versionedTTL},immutable` });
      }
    }
    out.push(...(a.fileOptions ?? []));
    return out;
  }

  private createFunctionOrigin(o: FunctionOriginPlan, warmConfig: { concurrency: number; function: SsrFunction }[]): cloudfront.IOrigin {
    const p = this.props;
    const fn = new SsrFunction(this, o.constructId, {
      runtime: p.runtime as SsrFunctionProps["runtime"],
      timeout: p.timeout,
      memorySize: p.memorySize,
      bind: p.bind,
      permissions: p.permissions,
      ...o.function,
      // SST v2: ESM unless the site or the plan says otherwise; esbuild options merged.
      nodejs: {
        format: "esm",
        ...p.nodejs,
        ...o.function.nodejs,
        esbuild: { ...(p.nodejs?.esbuild as object | undefined), ...o.function.nodejs?.esbuild },
      },
      environment: { ...this.environment, ...o.function.environment },
      // SST v2 spreads cdk.server (CDK function options) over the server function's props.
      ...(p.cdk?.server as Partial<SsrFunctionProps> | undefined),
      streaming: o.streaming,
      injections: [...(p.warm ? [WARMER_INJECTION(o.streaming)] : []), ...(o.injections ?? [])],
    });
    this.serverFunctions.push(fn);
    if (o.warm) warmConfig.push({ concurrency: o.warm, function: fn });
    this.bucket!.grantReadWrite(fn.role!);
    const url = fn.addFunctionUrl({ authType: this.urlAuthType(), invokeMode: o.streaming ? lambda.InvokeMode.RESPONSE_STREAM : lambda.InvokeMode.BUFFERED });
    this.allowSigner(fn.functionArn);
    return new origins.HttpOrigin(cdk.Fn.parseDomainName(url.url), { readTimeout: toCdkDuration(p.timeout ?? "10 seconds") });
  }

  /** AWS_IAM function URLs when CloudFront signs its requests (`regional.enableServerUrlIamAuth`). */
  private urlAuthType(): lambda.FunctionUrlAuthType {
    return this.props.regional?.enableServerUrlIamAuth ? lambda.FunctionUrlAuthType.AWS_IAM : lambda.FunctionUrlAuthType.NONE;
  }

  private allowSigner(functionArn: string): void {
    if (!this.props.regional?.enableServerUrlIamAuth) return;
    this.urlSigner().attachPermissions([new iam.PolicyStatement({ actions: ["lambda:InvokeFunctionUrl"], resources: [functionArn] })]);
  }

  private createImageOrigin(o: ImageOptimizationOriginPlan): cloudfront.IOrigin {
    const fn = new lambda.Function(this, "ImageFunction", {
      currentVersionOptions: { removalPolicy: cdk.RemovalPolicy.DESTROY },
      logRetention: logs.RetentionDays.THREE_DAYS,
      timeout: cdk.Duration.seconds(25),
      initialPolicy: [new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: [this.bucket!.arnForObjects("*")] })],
      ...o.function,
    });
    const url = fn.addFunctionUrl({ authType: this.urlAuthType() });
    this.allowSigner(fn.functionArn);
    return new origins.HttpOrigin(cdk.Fn.parseDomainName(url.url));
  }

  private createDistribution(plan: Plan, byName: Record<string, cloudfront.IOrigin>, cfFunctions: Record<string, cloudfront.Function>, s3Deployments: cdk.CustomResource[]): Distribution {
    const given = this.props.cdk?.distribution;
    const defaultBehavior = plan.behaviors.find((b) => !b.pattern);
    if (!defaultBehavior) throw new Error(`${this.owner}: the site's plan has no default behaviour`);
    let cachePolicy: cloudfront.ICachePolicy | undefined;
    let originRequestPolicy: cloudfront.IOriginRequestPolicy | undefined;
    const build = (b: BehaviorPlan): cloudfront.BehaviorOptions => {
      const origin = byName[b.origin];
      if (!origin) throw new Error(`${this.owner}: the plan's behaviour names an unknown origin "${b.origin}"`);
      const cfFunction = b.cfFunction ? cfFunctions[b.cfFunction] : undefined;
      const viewerProtocolPolicy = this.props.cdk?.viewerProtocolPolicy ?? cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS;
      if (b.cacheType === "static") {
        return {
          origin,
          viewerProtocolPolicy,
          allowedMethods: b.allowedMethods ?? cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
          cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
          compress: true,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: this.props.cdk?.responseHeadersPolicy,
          functionAssociations: cfFunction ? [{ eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: cfFunction }] : undefined,
        };
      }
      cachePolicy ??= this.props.cdk?.serverCachePolicy ?? this.serverCachePolicy(plan);
      // CloudFront's managed AllViewerExceptHostHeader policy.
      originRequestPolicy ??= cloudfront.OriginRequestPolicy.fromOriginRequestPolicyId(this, "ServerOriginRequestPolicy", "b689b0a8-53d0-40ab-baf2-68738e2966ac");
      const userDefault = given?.defaultBehavior;
      return {
        viewerProtocolPolicy,
        origin,
        allowedMethods: b.allowedMethods ?? cloudfront.AllowedMethods.ALLOW_ALL,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD_OPTIONS,
        compress: true,
        cachePolicy,
        responseHeadersPolicy: this.props.cdk?.responseHeadersPolicy,
        originRequestPolicy,
        ...(userDefault ?? {}),
        functionAssociations: [
          ...(cfFunction ? [{ eventType: cloudfront.FunctionEventType.VIEWER_REQUEST, function: cfFunction }] : []),
          ...(userDefault?.functionAssociations ?? []),
        ],
        edgeLambdas: [
          ...(b.edgeFunction && this.edgeFunctions[b.edgeFunction]
            ? [{ includeBody: true, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, functionVersion: this.edgeFunctions[b.edgeFunction].currentVersion }]
            : []),
          ...(this.props.regional?.enableServerUrlIamAuth
            ? [{ includeBody: true, eventType: cloudfront.LambdaEdgeEventType.ORIGIN_REQUEST, functionVersion: this.urlSigner().currentVersion }]
            : []),
          ...(userDefault?.edgeLambdas ?? []),
        ],
      };
    };
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    for (const b of plan.behaviors) if (b.pattern) additionalBehaviors[b.pattern] = build(b);
    const cdn = new Distribution(this, "CDN", {
      scopeOverride: this,
      customDomain: this.props.customDomain,
      owner: this.owner,
      cdk: {
        distribution: {
          defaultRootObject: "",
          errorResponses: plan.errorResponses,
          ...given,
          defaultBehavior: build(defaultBehavior),
          additionalBehaviors: { ...additionalBehaviors, ...(given?.additionalBehaviors ?? {}) },
        },
      },
    });
    const stack = Stack.of(this) as Stack;
    const policy = new iam.Policy(this, "ServerFunctionInvalidatorPolicy", {
      statements: [
        new iam.PolicyStatement({ actions: ["cloudfront:CreateInvalidation"], resources: [`arn:${stack.partition}:cloudfront::${stack.account}:distribution/${cdn.distribution.distributionId}`] }),
      ],
    });
    for (const fn of this.serverFunctions) fn.role?.attachInlinePolicy(policy);
    for (const fn of Object.values(this.edgeFunctions)) fn.role.attachInlinePolicy(policy);
    for (const cr of s3Deployments) cdn.node.addDependency(cr);
    return cdn;
  }

  private serverCachePolicy(plan: Plan): cloudfront.CachePolicy {
    return serverResponseCachePolicy(this, "ServerCache", plan.serverCachePolicy?.allowedHeaders);
  }

  /** Invalidate what the deploy changed: a hash of the cached files (or the build id) is the version. */
  private createInvalidation(plan: Plan, s3Deployments: cdk.CustomResource[]): void {
    const paths = this.props.invalidation?.paths ?? "all";
    const s3Origin = Object.values(plan.origins).find((o): o is S3OriginPlan => o.type === "s3");
    const cached = s3Origin?.copy.filter((c) => c.cached) ?? [];
    if (cached.length === 0) return;
    const invalidationPaths: string[] = [];
    if (paths === "all") {
      invalidationPaths.push("/*");
    } else if (paths === "versioned") {
      for (const c of cached) if (c.versionedSubDir) invalidationPaths.push(path.posix.join("/", c.to, c.versionedSubDir, "*"));
    } else if (Array.isArray(paths)) {
      invalidationPaths.push(...paths);
    }
    if (invalidationPaths.length === 0) return;
    let version = plan.buildId;
    if (!version) {
      const hash = createHash("md5");
      for (const c of cached) {
        const root = path.resolve(this.sitePath, c.from);
        for (const file of filesUnder(root)) {
          const rel = path.relative(root, file).split(path.sep).join("/");
          if (c.versionedSubDir && rel.startsWith(`${c.versionedSubDir}/`)) hash.update(rel);
          else if (paths !== "versioned") hash.update(fs.readFileSync(file));
        }
      }
      version = hash.digest("hex");
    }
    this.cdn!.createInvalidation({ version, paths: invalidationPaths, wait: this.props.invalidation?.wait ?? this.props.waitForInvalidation, dependsOn: s3Deployments });
  }

  private createWarmer(plan: Plan, warmConfig: { concurrency: number; function: SsrFunction }[]): void {
    const stack = Stack.of(this) as Stack;
    if (this.props.warm && this.serverFunctions[0]) warmConfig.push({ concurrency: this.props.warm, function: this.serverFunctions[0] });
    const warmer = new lambda.Function(this, "WarmerFunction", {
      description: "SSR warmer",
      code: lambda.Code.fromAsset(plan.warmer?.function ?? path.join(SUPPORT, "ssr-warmer")),
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      timeout: cdk.Duration.minutes(15),
      memorySize: 128,
      environment: { WARM_PARAMS: JSON.stringify(warmConfig.map((c) => ({ concurrency: c.concurrency, function: c.function.functionName }))) },
    });
    for (const c of warmConfig) c.function.grantInvoke(warmer);
    new events.Rule(this, "WarmerRule", { schedule: events.Schedule.rate(cdk.Duration.minutes(5)), targets: [new targets.LambdaFunction(warmer, { retryAttempts: 0 })] });
    const policy = new iam.Policy(this, "PrewarmerPolicy", {
      statements: [new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ["lambda:InvokeFunction"], resources: [warmer.functionArn] })],
    });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    const resource = new cdk.CustomResource(this, "Prewarmer", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::FunctionInvoker",
      properties: { version: Date.now().toString(), functionName: warmer.functionName },
    });
    resource.node.addDependency(policy);
  }
}

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    const st = fs.statSync(full);
    if (st.isDirectory()) filesUnder(full, out);
    else if (st.isFile()) out.push(full);
  }
  return out;
}
