/**
 * The SST app: a cdk.App that knows the app name, stage, region and mode, and holds
 * the app-wide function defaults. `finish()` (awaited before synth) does what SST v2
 * does when an app is synthesized: it checks construct ids, runs the deferred work
 * (function bundling), writes each stack's `SSTMetadata` output and the SSM parameters
 * of bindable constructs, tags every resource with `sst:app` / `sst:stage`, adds the
 * sourcemap uploader and applies the default removal policy.
 */
import * as cdk from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import * as ssm from "aws-cdk-lib/aws-ssm";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { isSSTConstruct, bindingParameterName, bindingParameterValues } from "./util/binding.js";
import type { FunctionProps, FunctionDefinitionRecord } from "./Function.js";
import type { Stack } from "./Stack.js";
import type { Permissions, BindingResource } from "./util/permission.js";
import { stack as addStack, type FunctionalStack, type StackProps } from "./FunctionalStack.js";
import { DeferredTasks } from "./deferred-tasks.js";
import { localNotices, type LocalNotice } from "./util/local-notice.js";
import { noticeUnservedRestIntegrations } from "./util/rest-integration-notices.js";
import { checkUniqueConstructIds } from "./util/unique-ids.js";
import { SST_VERSION } from "./util/version.js";
import { currentProject } from "../project.js";
import { writeTypes } from "../project/typegen.js";
import { INCREASE_TIMEOUT_CONTEXT } from "../dev/bridge/names.js";

export type AppMode = "dev" | "deploy" | "remove";
/** Where the assembly goes: the local cloud or AWS; undefined for `sst build`. */
export type DeployTarget = "local" | "aws";

/** `config.cdk` of sst.config.ts: the CDK bootstrap the stacks' synthesizer points at. */
export interface AppCdkOptions {
  toolkitStackName?: string;
  qualifier?: string;
  bootstrapStackVersionSsmParameter?: string;
  fileAssetsBucketName?: string;
  deployRoleArn?: string;
  fileAssetPublishingRoleArn?: string;
  imageAssetPublishingRoleArn?: string;
  imageAssetsRepositoryName?: string;
  cloudFormationExecutionRole?: string;
  lookupRoleArn?: string;
  /** Custom permissions boundary for the roles CDK bootstrap creates (used by `sst bootstrap`). */
  customPermissionsBoundary?: string;
  /** Block public access on the CDK bootstrap bucket (used by `sst bootstrap`). */
  publicAccessBlockConfiguration?: boolean;
  /** Add aws:cdk:path metadata to resources. @default false */
  pathMetadata?: boolean;
}

export interface AppProps {
  /** @default "my-app", as SST v2 (an App made directly, in a stack test) */
  name?: string;
  /** @default "dev", as SST v2 */
  stage?: string;
  region?: string;
  account?: string;
  mode?: AppMode;
  /** Where the assembly will be deployed. @default "local" in dev mode, else undefined */
  target?: DeployTarget;
  /** The project root: handler paths are relative to it. */
  root?: string;
  ssmPrefix?: string;
  /** Cloud assembly output directory (default `${root}/.sst/dist`). */
  outdir?: string;
  /** Where deploy-mode function bundles go (default `${root}/.sst/artifacts`). */
  artifactsDir?: string;
  context?: Record<string, unknown>;
  /** Synthesizer for every stack (default: from `cdk`, else CDK's DefaultStackSynthesizer). */
  synthesizer?: () => cdk.IStackSynthesizer;
  /** `config.cdk`. */
  cdk?: AppCdkOptions;
  /**
   * The SST bootstrap bucket sourcemaps are copied to (SST v2 looks it up in the
   * SSTBootstrap stack). Without it no sourcemap uploader is added.
   */
  bootstrap?: { bucket: string };
  /** Which stacks are built (SST v2: `sst deploy <filter>`); the others get placeholder code. */
  isActiveStack?: (stackName: string) => boolean;
  /** `config.advanced.disableParameterizedStackNameCheck`. */
  disableParameterizedStackNameCheck?: boolean;
  /**
   * The app's `.sst/types` folder. Given, a site writes the types of the constructs made
   * so far there before it builds (see `writeTypesBeforeBuild`). @default none
   */
  typesDir?: string;
  /** SST v2's: in dev mode, the `version` of Scripts that set none (so they run once per session, not per deploy). */
  debugScriptVersion?: string;
  /** SST v2's (`sst dev --increase-timeout`): live functions time out at 900 s, queues wait as long. Default: the `sst:increase-timeout` context. */
  debugIncreaseTimeout?: boolean;
}

export type DefaultFunctionProps = FunctionProps | ((stack: Stack) => FunctionProps);
export type AppRemovalPolicy = "destroy" | "retain" | "snapshot";

const APP_MARK = Symbol.for("sst.App");

export class App extends cdk.App {
  readonly name: string;
  readonly stage: string;
  override readonly region: string;
  override readonly account: string;
  readonly mode: AppMode;
  readonly target?: DeployTarget;
  readonly appPath: string;
  readonly ssmPrefix: string;
  debugScriptVersion?: string;
  debugIncreaseTimeout?: boolean;
  readonly artifactsDir: string;
  /** @internal */
  readonly typesDir?: string;
  /** @internal */
  readonly stackSynthesizer?: () => cdk.IStackSynthesizer;
  /** @internal */
  readonly cdkOptions?: AppCdkOptions;
  /** @internal */
  readonly bootstrap?: { bucket: string };
  /** @internal */
  readonly isActiveStack?: (stackName: string) => boolean;
  /** Function definitions for the dev loop, by SST_FUNCTION_ID (the construct address). */
  readonly functionDefinitions: Record<string, FunctionDefinitionRecord> = {};
  /** @internal */
  readonly defaultFunctionProps: DefaultFunctionProps[] = [];
  /** @internal Work run by finish(): function bundling. */
  readonly deferredTasks = new DeferredTasks();
  /** @internal Sourcemaps to copy to the bootstrap bucket, by stack name. */
  readonly sourcemaps = new Map<string, { asset: import("aws-cdk-lib/aws-s3-assets").Asset; tarKey: string }[]>();
  /** @internal pending async stack functions */
  readonly pending: Promise<unknown>[] = [];
  private readonly finishHooks: (() => void | Promise<void>)[] = [];
  private readonly disableStackNameCheck: boolean;
  private removalPolicy?: AppRemovalPolicy;
  private finished = false;

  static override isApp(x: unknown): x is App {
    return !!x && typeof x === "object" && (x as any)[APP_MARK] === true;
  }

  /** The SST App a construct belongs to. */
  static override of(scope: IConstruct): App {
    const root = scope.node.root;
    if (!App.isApp(root)) throw new Error(`Construct "${scope.node.path}" is not inside an SST App`);
    return root;
  }

  constructor(props: AppProps) {
    const root = props.root ?? process.cwd();
    super({
      // Without a root (an App made directly, as SST v2's tests do) CDK's default: a new temporary directory.
      outdir: props.outdir ?? (props.root ? `${root}/.sst/dist` : undefined),
      context: props.context,
    });
    (this as any)[APP_MARK] = true;
    this.name = props.name ?? "my-app";
    this.stage = props.stage ?? "dev";
    this.region = props.region ?? "us-east-1";
    // SST v2's placeholder when nothing says (the CLI always passes the target's account).
    this.account = props.account ?? process.env.CDK_DEFAULT_ACCOUNT ?? "my-account";
    this.mode = props.mode ?? "deploy";
    this.target = props.target ?? (this.mode === "dev" ? "local" : undefined);
    this.appPath = root;
    // Unset props come from the project set with sst/project.js (as SST v2's App reads it).
    const project = currentProject();
    this.ssmPrefix = props.ssmPrefix ?? project?.config.ssmPrefix ?? `/sst/${this.name}/${this.stage}/`;
    this.artifactsDir = props.artifactsDir ?? project?.paths.artifacts ?? `${root}/.sst/artifacts`;
    this.stackSynthesizer = props.synthesizer;
    this.cdkOptions = props.cdk;
    this.bootstrap = props.bootstrap;
    this.debugScriptVersion = props.debugScriptVersion;
    this.debugIncreaseTimeout = props.debugIncreaseTimeout ?? (this.node.tryGetContext(INCREASE_TIMEOUT_CONTEXT) === true || undefined);
    this.isActiveStack = props.isActiveStack;
    this.disableStackNameCheck = props.disableParameterizedStackNameCheck === true;
    this.typesDir = props.typesDir;
  }

  /**
   * @internal Writes `.sst/types` for the constructs made so far, leaving out `building`
   * (a site under construction). SST v2 appended each construct's types as it was made,
   * so a site's build — Next.js and Astro type-check theirs — already saw the resources
   * created before the site (a quickstart's `Bucket.public`), on the very first deploy.
   * synth writes the whole file once the app is done.
   */
  writeTypesBeforeBuild(building: IConstruct): void {
    if (this.typesDir) writeTypes(this, this.typesDir, building);
  }

  /** True under `sst dev`. */
  get local(): boolean {
    return this.mode === "dev";
  }

  /** The default removal policy set with setDefaultRemovalPolicy. */
  get defaultRemovalPolicy(): AppRemovalPolicy | undefined {
    return this.removalPolicy;
  }

  /** `${stage}-${app}-${name}` (`${stage}-${name}` for an app named ""). */
  logicalPrefixedName(logicalName: string): string {
    const namePrefix = this.name === "" ? "" : `${this.name}-`;
    return `${this.stage}-${namePrefix}${logicalName}`;
  }

  /** Add a stack function. Returns the app for chaining (a Promise of it for async stacks). */
  stack<T>(fn: FunctionalStack<T>, props?: StackProps): any {
    const r = addStack(this, fn, props);
    if (r && typeof (r as any).then === "function") {
      const p = (r as Promise<unknown>).then(() => this);
      this.pending.push(p);
      return p;
    }
    return this;
  }

  /** Applied to every resource of the app when it finishes; "destroy" also empties buckets on removal. */
  setDefaultRemovalPolicy(policy: AppRemovalPolicy | cdk.RemovalPolicy): void {
    this.removalPolicy = toAppRemovalPolicy(policy);
  }

  setDefaultFunctionProps(props: DefaultFunctionProps): void {
    this.defaultFunctionProps.push(props);
  }

  addDefaultFunctionEnv(environment: Record<string, string>): void {
    this.defaultFunctionProps.push({ environment });
  }

  addDefaultFunctionPermissions(permissions: Permissions): void {
    this.defaultFunctionProps.push({ permissions });
  }

  addDefaultFunctionBinding(bind: BindingResource[]): void {
    this.defaultFunctionProps.push({ bind });
  }

  addDefaultFunctionLayers(layers: lambda.ILayerVersion[]): void {
    this.defaultFunctionProps.push({ layers });
  }

  /** @internal Run `task` when the app finishes, with the other deferred work (bundles, site builds). */
  addDeferredTask(task: () => void | Promise<void>): void {
    this.deferredTasks.add(async () => task());
  }

  /**
   * Run `hook` first thing in finish(), before ids are checked and functions bundled
   * (SST v2's Auth injects its config there).
   */
  addFinishHook(hook: () => void | Promise<void>): void {
    this.finishHooks.push(hook);
  }

  /**
   * Work that must see the whole app, run first when it finishes (Auth binds itself to
   * every route of the Apis it is attached to, routes added after `attach` included).
   * @internal
   */
  beforeFinish(task: () => void): void {
    this.addFinishHook(task);
  }

  /** What the app's constructs ask for that the local cloud does not do (printed once by `sst dev`). */
  get localNotices(): LocalNotice[] {
    return localNotices(this);
  }

  /** Finalise the app before synth (idempotent). */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    for (const hook of this.finishHooks) await hook();
    checkUniqueConstructIds(this);
    // Bundling runs now, after every stack ran, and side by side.
    await this.deferredTasks.run();
    // Function metadata needs to know whether a sourcemap was produced.
    this.addMetadataOutputs();
    for (const child of this.node.children) {
      if (!(child instanceof cdk.Stack)) continue;
      cdk.Tags.of(child).add("sst:app", this.name);
      cdk.Tags.of(child).add("sst:stage", this.stage);
      if (this.mode !== "dev") this.addSourcemapUploader(child);
      this.applyRemovalPolicy(child);
      this.checkStackNameHasStage(child);
    }
    // After the removal policy, as SST v2 writes them at synth: they keep CloudFormation's default.
    this.addBindingParameters();
    if (this.region.startsWith("us-gov-")) cdk.Aspects.of(this).add(new RemoveGovCloudUnsupportedProperties());
    noticeUnservedRestIntegrations(this);
  }

  private addMetadataOutputs(): void {
    const byStack = new Map<cdk.Stack, unknown[]>();
    const visit = (c: IConstruct) => {
      if (isSSTConstruct(c) && typeof c.getConstructMetadata === "function") {
        const stack = cdk.Stack.of(c);
        const { local: _local, ...metadata } = c.getConstructMetadata();
        const list = byStack.get(stack) ?? [];
        list.push({ id: c.node.id, addr: c.node.addr, stack: stack.stackName, ...metadata });
        byStack.set(stack, list);
      }
      for (const child of c.node.children) visit(child);
    };
    visit(this);
    for (const child of this.node.children) {
      if (!isSSTStack(child)) continue;
      child.addOutputs({
        SSTMetadata: JSON.stringify({ app: this.name, stage: this.stage, version: SST_VERSION, metadata: byStack.get(child) ?? [] }),
      });
    }
  }

  /** One String parameter per plain bound value, at `{ssmPrefix}{Type}/{id}/{prop}`, under the construct. */
  private addBindingParameters(): void {
    for (const c of this.node.findAll()) {
      if (!isSSTConstruct(c) || c._doNotAllowOthersToBind) continue;
      for (const { prop, value } of bindingParameterValues(c)) {
        const id = `Parameter_${prop}`;
        if (c.node.tryFindChild(id)) continue;
        new ssm.StringParameter(c, id, {
          parameterName: bindingParameterName(this.ssmPrefix, c.constructType, c.id, prop),
          stringValue: value,
        });
      }
    }
  }

  /** SST v2 copies each stack's function sourcemaps to its bootstrap bucket with a custom resource. */
  private addSourcemapUploader(stack: cdk.Stack): void {
    const sourcemaps = [...(this.sourcemaps.get(stack.stackName) ?? [])].sort((a, b) =>
      a.asset.node.path < b.asset.node.path ? -1 : a.asset.node.path > b.asset.node.path ? 1 : 0);
    if (sourcemaps.length === 0 || !this.bootstrap || !isSSTStack(stack)) return;
    const policy = new iam.Policy(stack, "SourcemapUploaderPolicy", {
      statements: [
        new iam.PolicyStatement({
          effect: iam.Effect.ALLOW,
          actions: ["s3:GetObject", "s3:GetObjectTagging", "s3:PutObject", "s3:PutObjectTagging"],
          resources: [
            `${sourcemaps[0].asset.bucket.bucketArn}/*`,
            `arn:${stack.partition}:s3:::${this.bootstrap.bucket}/*`,
          ],
        }),
      ],
    });
    stack.customResourceHandler.role?.attachInlinePolicy(policy);
    const resource = new cdk.CustomResource(stack, "SourcemapUploader", {
      serviceToken: stack.customResourceHandler.functionArn,
      resourceType: "Custom::SourcemapUploader",
      properties: {
        app: this.name,
        stage: this.stage,
        tarBucket: this.bootstrap.bucket,
        srcBucket: sourcemaps[0].asset.bucket.bucketName,
        sourcemaps: sourcemaps.map((s) => [s.tarKey, s.asset.s3ObjectKey]),
      },
    });
    resource.node.addDependency(policy);
  }

  private applyRemovalPolicy(current: IConstruct): void {
    const policy = this.removalPolicy;
    if (!policy) return;
    if (current instanceof cdk.CfnResource) current.applyRemovalPolicy(REMOVAL_POLICIES[policy]);
    // "destroy" empties buckets on removal, as SST v2 does (CDK's private switch, turned on late).
    if (policy === "destroy" && current instanceof s3.Bucket && !current.node.tryFindChild("AutoDeleteObjectsCustomResource")) {
      (current as any).enableAutoDeleteObjects();
    }
    for (const child of current.node.children) this.applyRemovalPolicy(child);
  }

  private checkStackNameHasStage(stack: cdk.Stack): void {
    if (this.disableStackNameCheck) return;
    const n = stack.stackName;
    if (n.startsWith(`${this.stage}-`) || n.endsWith(`-${this.stage}`) || n.includes(`-${this.stage}-`)) return;
    throw new Error(
      `Stack "${n}" is not parameterized with the stage name. The stack name needs to either start with "$stage-", end in "-$stage", or contain the stage name "-$stage-".`,
    );
  }
}

function isSSTStack(x: unknown): x is Stack {
  return !!x && typeof x === "object" && (x as any)[Symbol.for("sst.Stack")] === true;
}

const REMOVAL_POLICIES: Record<AppRemovalPolicy, cdk.RemovalPolicy> = {
  destroy: cdk.RemovalPolicy.DESTROY,
  retain: cdk.RemovalPolicy.RETAIN,
  snapshot: cdk.RemovalPolicy.SNAPSHOT,
};

function toAppRemovalPolicy(p: AppRemovalPolicy | cdk.RemovalPolicy): AppRemovalPolicy {
  const lower = String(p).toLowerCase();
  if (lower === "destroy" || lower === "retain" || lower === "snapshot") return lower;
  throw new Error(`Unknown removal policy "${p}". Use "destroy", "retain" or "snapshot".`);
}

/** GovCloud has no ephemeral storage setting and no log group tags. */
class RemoveGovCloudUnsupportedProperties implements cdk.IAspect {
  visit(node: IConstruct): void {
    if (node instanceof lambda.CfnFunction) node.addPropertyDeletionOverride("EphemeralStorage");
    else if (node instanceof logs.CfnLogGroup) node.addPropertyDeletionOverride("Tags");
  }
}
