/**
 * SST v2's NextjsSite: a Next.js app built with OpenNext (the version SST 2.49.8
 * uses, 3.5.5) into a server function, an image optimization function, a revalidation
 * function and a warmer, plus static assets; served behind CloudFront by the plan
 * OpenNext writes (`.open-next/open-next.output.json`). ISR: a FIFO revalidation
 * queue consumed by the revalidation function, and a tag table filled at deploy by
 * OpenNext's DynamoDB provider. Under `sst dev` it is not built or deployed (run
 * `next dev` through `sst bind`).
 *
 * The default build command is SST v2's `npx --yes @opennextjs/aws@<version> build`;
 * when that exact OpenNext version is installed where the site resolves packages, its
 * binary is run directly instead, so the build needs no download.
 */
import fs from "node:fs";
import path from "node:path";
import * as cdk from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Provider } from "aws-cdk-lib/custom-resources";
import type { Construct } from "constructs";
import { SsrSite, type FunctionOriginPlan, type Plan, type SsrSiteProps } from "./SsrSite.js";
import { toMB, type SSTSize } from "./util/duration.js";

export const DEFAULT_OPEN_NEXT_VERSION = "3.5.5";

export interface NextjsSiteProps extends SsrSiteProps {
  /** @default "3.5.5" */
  openNextVersion?: string;
  imageOptimization?: {
    /** @default 1536 MB */
    memorySize?: number | SSTSize;
    staticImageOptimization?: boolean;
  };
  experimental?: { streaming?: boolean; disableIncrementalCache?: boolean; disableDynamoDBCache?: boolean };
}

interface OpenNextFunction {
  type?: "function" | "ecs";
  handler: string;
  bundle: string;
  streaming?: boolean;
}

interface OpenNextOutput {
  edgeFunctions: Record<string, OpenNextFunction>;
  origins: { s3: { type: "s3"; originPath: string; copy: { from: string; to: string; cached: boolean; versionedSubDir?: string }[] }; default: OpenNextFunction; imageOptimizer: OpenNextFunction } & Record<string, any>;
  behaviors: { pattern: string; origin?: string; edgeFunction?: string }[];
  additionalProps?: { disableIncrementalCache?: boolean; disableTagCache?: boolean; warmer?: { handler: string; bundle: string } };
}

const CACHE_KEY_INJECTION = `
function getHeader(key) {
  var header = request.headers[key];
  if(header) {
      if(header.multiValue){
          return header.multiValue.map((header) => header.value).join(",");
      }
      if(header.value){
          return header.value;
      }
  }
  return ""
  }
  var cacheKey = "";
  if(request.uri.startsWith("/_next/image")) {
    cacheKey = getHeader("accept");
  }else {
    cacheKey = getHeader("rsc") + getHeader("next-router-prefetch") + getHeader("next-router-state-tree") + getHeader("next-url") + getHeader("x-prerender-revalidate");
  }
  if(request.cookies["__prerender_bypass"]) {
    cacheKey += request.cookies["__prerender_bypass"] ? request.cookies["__prerender_bypass"].value : "";
  }
  var crypto = require('crypto');
  
  var hashedKey = crypto.createHash('md5').update(cacheKey).digest('hex');
  request.headers["x-open-next-cache-key"] = {value: hashedKey};
  `;

const GEO_INJECTION = `
if(request.headers["cloudfront-viewer-city"]) {
  request.headers["x-open-next-city"] = request.headers["cloudfront-viewer-city"];
}
if(request.headers["cloudfront-viewer-country"]) {
  request.headers["x-open-next-country"] = request.headers["cloudfront-viewer-country"];
}
if(request.headers["cloudfront-viewer-region"]) {
  request.headers["x-open-next-region"] = request.headers["cloudfront-viewer-region"];
}
if(request.headers["cloudfront-viewer-latitude"]) {
  request.headers["x-open-next-latitude"] = request.headers["cloudfront-viewer-latitude"];
}
if(request.headers["cloudfront-viewer-longitude"]) {
  request.headers["x-open-next-longitude"] = request.headers["cloudfront-viewer-longitude"];
}
    `;

export class NextjsSite extends SsrSite {
  readonly constructType = "NextjsSite";
  protected declare readonly props: NextjsSiteProps;
  private openNextOutput?: OpenNextOutput;

  constructor(scope: Construct, id: string, props: NextjsSiteProps = {}) {
    super(scope, id, props, "NextjsSite");
    this.deploy();
    if (this.doNotDeploy) return;
    if (this.edgeFunctions.middleware) this.setMiddlewareOrigins();
    const additional = this.openNextOutput?.additionalProps;
    if (!(additional?.disableIncrementalCache ?? false)) {
      this.createRevalidationQueue();
      if (!(additional?.disableTagCache ?? false)) this.createRevalidationTable();
    }
  }

  protected override buildCommand(): string {
    if (this.props.buildCommand) return this.props.buildCommand;
    const version = this.props.openNextVersion ?? DEFAULT_OPEN_NEXT_VERSION;
    const pkg = compareSemver(version, "3.1.3") <= 0 ? "open-next" : "@opennextjs/aws";
    const local = installedBin(this.sitePath, pkg, version);
    return local ? `node ${JSON.stringify(local)} build` : ["npx", "--yes", `${pkg}@${version}`, "build"].join(" ");
  }

  protected buildOutputs(): string[] {
    return [".open-next", ".next"];
  }

  protected plan(bucket: s3.IBucket): Plan {
    const outputFile = path.join(this.sitePath, ".open-next", "open-next.output.json");
    if (!fs.existsSync(outputFile)) throw new Error(`${this.owner}: failed to load ".open-next/open-next.output.json" (did the OpenNext build run?)`);
    const out = JSON.parse(fs.readFileSync(outputFile, "utf8")) as OpenNextOutput;
    this.openNextOutput = out;
    const imageOpt = out.origins.imageOptimizer;
    const functionOrigins: Record<string, FunctionOriginPlan> = {};
    for (const [key, origin] of Object.entries(out.origins)) {
      if (key === "s3" || key === "imageOptimizer") continue;
      if (origin.type === "ecs") throw new Error(`${this.owner}: OpenNext ECS origins are not supported`);
      functionOrigins[key] = this.functionOrigin(origin, key, bucket);
    }
    const memory = this.props.imageOptimization?.memorySize;
    const cacheEnv = { CACHE_BUCKET_NAME: bucket.bucketName, CACHE_BUCKET_KEY_PREFIX: "_cache", CACHE_BUCKET_REGION: cdk.Stack.of(this).region };
    // OpenNext's external middleware: a Lambda@Edge function on the behaviours that name it.
    const edgeFunctions: Plan["edgeFunctions"] = {};
    for (const [key, fn] of Object.entries(out.edgeFunctions ?? {})) {
      edgeFunctions[key] = {
        constructId: `${key}EdgeFunction`,
        function: { handler: fn.handler, bundle: path.join(this.sitePath, fn.bundle), runtime: "nodejs18.x", memorySize: 1024, environment: { ...this.environment, ...cacheEnv } },
      };
    }
    return {
      edge: false,
      edgeFunctions,
      cloudFrontFunctions: {
        serverCfFunction: { constructId: "CloudFrontFunction", injections: [this.hostHeaderInjection(), CACHE_KEY_INJECTION, GEO_INJECTION] },
      },
      origins: {
        s3: out.origins.s3,
        imageOptimizer: {
          type: "image-optimization-function",
          function: {
            description: "Next.js Image Optimization Function",
            handler: imageOpt.handler,
            code: lambda.Code.fromAsset(path.join(this.sitePath, imageOpt.bundle)),
            runtime: lambda.Runtime.NODEJS_22_X,
            architecture: lambda.Architecture.ARM_64,
            environment: {
              BUCKET_NAME: bucket.bucketName,
              BUCKET_KEY_PREFIX: "_assets",
              ...(this.props.imageOptimization?.staticImageOptimization ? { OPENNEXT_STATIC_ETAG: "true" } : {}),
            },
            memorySize: memory === undefined ? 1536 : typeof memory === "number" ? memory : toMB(memory),
          },
        },
        ...functionOrigins,
      },
      behaviors: out.behaviors.map((b) => ({
        pattern: b.pattern === "*" ? undefined : b.pattern,
        origin: b.origin!,
        cacheType: b.origin === "s3" ? ("static" as const) : ("server" as const),
        cfFunction: "serverCfFunction",
        edgeFunction: b.edgeFunction ?? "",
      })),
      buildId: fs.readFileSync(path.join(this.sitePath, ".next", "BUILD_ID"), "utf8"),
      warmer: out.additionalProps?.warmer ? { function: path.join(this.sitePath, out.additionalProps.warmer.bundle) } : undefined,
      serverCachePolicy: { allowedHeaders: ["x-open-next-cache-key"] },
    };
  }

  /** The middleware reaches the server functions by their URLs (OpenNext's OPEN_NEXT_ORIGIN). */
  private setMiddlewareOrigins(): void {
    const origins: Record<string, { host: string; port: number; protocol: string }> = {};
    for (const server of this.serverFunctions) origins[server.id.replace("ServerFunction", "")] = { host: cdk.Fn.parseDomainName(server.url ?? ""), port: 443, protocol: "https" };
    this.edgeFunctions.middleware!.addEnvironment("OPEN_NEXT_ORIGIN", cdk.Fn.toJsonString(origins));
  }

  private functionOrigin(fn: OpenNextFunction, key: string, bucket: s3.IBucket): FunctionOriginPlan {
    const cacheEnv = { CACHE_BUCKET_NAME: bucket.bucketName, CACHE_BUCKET_KEY_PREFIX: "_cache", CACHE_BUCKET_REGION: cdk.Stack.of(this).region };
    return {
      type: "function",
      constructId: `${key}ServerFunction`,
      function: {
        description: "Next.js Server",
        handler: fn.handler,
        bundle: path.join(this.sitePath, fn.bundle),
        runtime: (this.props.runtime ?? "nodejs18.x") as FunctionOriginPlan["function"]["runtime"],
        architecture: lambda.Architecture.ARM_64,
        // SST v2 writes 1536 here, but its SsrSite has already defaulted memorySize to 1024 MB.
        memorySize: this.props.memorySize ?? 1024,
        environment: { ...this.environment, ...cacheEnv },
      },
      streaming: fn.streaming,
      injections: [],
    };
  }

  private createRevalidationQueue(): void {
    if (!this.serverFunction) return;
    const queue = new sqs.Queue(this, "RevalidationQueue", { fifo: true, receiveMessageWaitTime: cdk.Duration.seconds(20) });
    const consumer = new lambda.Function(this, "RevalidationFunction", {
      description: "Next.js revalidator",
      handler: "index.handler",
      code: lambda.Code.fromAsset(path.join(this.sitePath, ".open-next", "revalidation-function")),
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: cdk.Duration.seconds(30),
      ...(this.props.cdk?.revalidation as Partial<lambda.FunctionProps> | undefined),
    });
    consumer.addEventSource(new SqsEventSource(queue, { batchSize: 5 }));
    for (const server of this.serverFunctions) {
      server.addEnvironment("REVALIDATION_QUEUE_URL", queue.queueUrl);
      server.addEnvironment("REVALIDATION_QUEUE_REGION", cdk.Stack.of(this).region);
      queue.grantSendMessages(server.role!);
    }
  }

  private createRevalidationTable(): void {
    if (!this.serverFunction) return;
    const table = new dynamodb.TableV2(this, "RevalidationTable", {
      partitionKey: { name: "tag", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "path", type: dynamodb.AttributeType.STRING },
      pointInTimeRecovery: true,
      billing: dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: [
        { indexName: "revalidate", partitionKey: { name: "path", type: dynamodb.AttributeType.STRING }, sortKey: { name: "revalidatedAt", type: dynamodb.AttributeType.NUMBER } },
      ],
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    for (const server of this.serverFunctions) {
      server.addEnvironment("CACHE_DYNAMO_TABLE", table.tableName);
      table.grantReadWriteData(server.role!);
    }
    const providerPath = path.join(this.sitePath, ".open-next", "dynamodb-provider");
    if (!fs.existsSync(providerPath)) return;
    // SST v2: 128 MB per 4,000 prerendered routes, up to 10 GB.
    let routes = 0;
    try {
      routes = Object.keys(JSON.parse(fs.readFileSync(path.join(this.sitePath, ".next", "prerender-manifest.json"), "utf8")).routes ?? {}).length;
    } catch { /* no prerendered routes */ }
    const insert = new lambda.Function(this, "RevalidationInsertFunction", {
      description: "Next.js revalidation data insert",
      handler: "index.handler",
      code: lambda.Code.fromAsset(providerPath),
      runtime: lambda.Runtime.NODEJS_22_X,
      timeout: cdk.Duration.minutes(15),
      memorySize: Math.min(10240, Math.max(128, Math.ceil(routes / 4000) * 128)),
      initialPolicy: [new iam.PolicyStatement({ actions: ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:DescribeTable"], resources: [table.tableArn] })],
      environment: { CACHE_DYNAMO_TABLE: table.tableName },
    });
    const provider = new Provider(this, "RevalidationProvider", { onEventHandler: insert, logRetention: logs.RetentionDays.ONE_DAY });
    new cdk.CustomResource(this, "RevalidationResource", { serviceToken: provider.serviceToken, properties: { version: Date.now().toString() } });
  }

  /**
   * A Next.js route as a CloudWatch log group path segment: only the characters log
   * group names allow ("/api/[id]" → "/api/id"). SST v2 names the SST Console's
   * per-route log groups with it and exposes it to its tests as `_test`; the Console's
   * route metadata itself is not written here.
   */
  private static buildCloudWatchRouteName(route: string): string {
    return route.replace(/[^a-zA-Z0-9_\-/.#]/g, "");
  }

  static readonly _test = { buildCloudWatchRouteName: NextjsSite.buildCloudWatchRouteName };
}

/** The bin of `pkg` at exactly `version`, in a node_modules the site's folder sees, else undefined. */
function installedBin(sitePath: string, pkg: string, version: string): string | undefined {
  for (let dir = sitePath; ; dir = path.dirname(dir)) {
    const manifestPath = path.join(dir, "node_modules", pkg, "package.json");
    if (fs.existsSync(manifestPath)) {
      const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
      if (manifest.version !== version) return undefined;
      const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.["open-next"];
      return bin ? path.join(path.dirname(manifestPath), bin) : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function compareSemver(a: string, b: string): number {
  const pa = a.split(".").map(Number), pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
