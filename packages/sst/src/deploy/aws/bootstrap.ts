/**
 * The two bootstrap stacks an AWS account and region need before SST apps deploy:
 *
 * - CDK's (`CDKToolkit`), deployed by the toolkit library with its own template: the
 *   asset bucket, the publishing, deploy, lookup and execution roles, and the version
 *   parameter the assemblies check;
 * - SST's (`SSTBootstrap`), as SST v2 has it: a bucket for stack metadata, a function
 *   that copies each stack's `SSTMetadata` output there when CloudFormation reports a
 *   stack settled, the EventBridge rule that calls it, and the outputs `Version` and
 *   `BucketName`. Its version is SST v2's, so an account SST v2 bootstrapped is current
 *   here, and the other way round.
 *
 * `sst bootstrap` deploys both; `sst deploy` and `sst dev` deploy whichever is missing
 * or outdated first, as SST v2 does, so a CI job never needs a separate step.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Ui } from "../../cli/ui.js";
import { clientConfig, type AwsEnvironment } from "./environment.js";
import { describeFailures } from "./io-host.js";
import { createToolkit } from "./toolkit.js";
import { toolkitError } from "./errors.js";

/** SST v2's bootstrap stack version (its LATEST_VERSION): major.minor. */
export const SST_BOOTSTRAP_VERSION = "7.3";
/** The oldest CDK bootstrap version accepted as is (SST v2 requires 14 too). */
export const MIN_CDK_BOOTSTRAP_VERSION = 14;

const METADATA_FUNCTION_DIR = fileURLToPath(new URL("../../../support/bootstrap-metadata", import.meta.url));

export interface BootstrapSettings {
  /** config().cdk.toolkitStackName, default "CDKToolkit". */
  toolkitStackName?: string;
  /** config().cdk.qualifier, default CDK's "hnb659fds". */
  qualifier?: string;
  /** config().bootstrap.stackName, default "SSTBootstrap". */
  stackName?: string;
  /** config().bootstrap.tags. */
  tags?: Record<string, string>;
}

export type StackReadiness = "ready" | "missing" | "outdated";

export interface BootstrapStatus {
  cdk: StackReadiness;
  sst: StackReadiness;
  /** The SST bootstrap bucket, when its stack is ready. */
  bucket?: string;
}

const SETTLED_OK = new Set(["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"]);

/** "7.3" vs "7.2" → outdated; another major (older or newer) → outdated too, as in SST v2. */
export function sstVersionReadiness(version: string | undefined): StackReadiness {
  if (!version) return "missing";
  const [major, minor = "0"] = version.split(".");
  const [wantMajor, wantMinor] = SST_BOOTSTRAP_VERSION.split(".");
  if (Number(major) !== Number(wantMajor) || Number(minor) < Number(wantMinor)) return "outdated";
  return "ready";
}

async function describeStack(cfn: any, sdk: any, name: string): Promise<{ status: string; outputs: Record<string, string> } | undefined> {
  try {
    const { Stacks } = await cfn.send(new sdk.DescribeStacksCommand({ StackName: name }));
    const s = Stacks?.[0];
    if (!s) return undefined;
    return { status: s.StackStatus, outputs: Object.fromEntries((s.Outputs ?? []).map((o: any) => [o.OutputKey, o.OutputValue])) };
  } catch (err) {
    if (/does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** Where the account and region stand: two DescribeStacks calls. */
export async function bootstrapStatus(env: AwsEnvironment, settings: BootstrapSettings = {}): Promise<BootstrapStatus> {
  const sdk = await import("@aws-sdk/client-cloudformation");
  const cfn = new sdk.CloudFormationClient(clientConfig(env));
  try {
    const [cdk, sst] = await Promise.all([
      describeStack(cfn, sdk, settings.toolkitStackName ?? "CDKToolkit"),
      describeStack(cfn, sdk, settings.stackName ?? "SSTBootstrap"),
    ]);
    const cdkReady: StackReadiness = !cdk || !SETTLED_OK.has(cdk.status) ? "missing" : Number(cdk.outputs.BootstrapVersion) >= MIN_CDK_BOOTSTRAP_VERSION && cdk.outputs.BucketName ? "ready" : "outdated";
    const sstReady: StackReadiness = !sst || !SETTLED_OK.has(sst.status) || !sst.outputs.BucketName ? "missing" : sstVersionReadiness(sst.outputs.Version);
    return { cdk: cdkReady, sst: sstReady, bucket: sstReady === "ready" ? sst!.outputs.BucketName : undefined };
  } finally {
    cfn.destroy();
  }
}

/** The CDK bootstrap stack, with the toolkit library's own template. */
async function bootstrapCdk(env: AwsEnvironment, ui: Ui, settings: BootstrapSettings): Promise<void> {
  const { lib, toolkit, io } = await createToolkit(env, ui, { toolkitStackName: settings.toolkitStackName });
  try {
    await toolkit.bootstrap(lib.BootstrapEnvironments.fromList([`aws://${env.account}/${env.region}`]), {
      ...(settings.qualifier ? { parameters: lib.BootstrapStackParameters.withExisting({ qualifier: settings.qualifier }) } : {}),
    });
  } catch (err) {
    throw toolkitError("Bootstrap", err, describeFailures(io.failures), io.rollbacks);
  }
}

/** Synthesizes SST's bootstrap stack into `outdir`. */
export async function synthSstBootstrapStack(env: AwsEnvironment, settings: BootstrapSettings, outdir: string): Promise<void> {
  const cdk = await import("aws-cdk-lib");
  const s3 = await import("aws-cdk-lib/aws-s3");
  const lambda = await import("aws-cdk-lib/aws-lambda");
  const iam = await import("aws-cdk-lib/aws-iam");
  const events = await import("aws-cdk-lib/aws-events");
  const targets = await import("aws-cdk-lib/aws-events-targets");

  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, settings.stackName ?? "SSTBootstrap", {
    env: { account: env.account, region: env.region },
    description: "This stack includes resources needed to deploy SST apps into this environment",
    synthesizer: new cdk.DefaultStackSynthesizer(settings.qualifier ? { qualifier: settings.qualifier } : {}),
  });
  for (const [key, value] of Object.entries(settings.tags ?? {})) cdk.Tags.of(app).add(key, value);

  const bucket = new s3.Bucket(stack, env.region, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    removalPolicy: cdk.RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    lifecycleRules: [{ id: "Remove partial uploads after 3 days", enabled: true, abortIncompleteMultipartUploadAfter: cdk.Duration.days(3) }],
  });
  const fn = new lambda.Function(stack, "MetadataHandler", {
    code: lambda.Code.fromAsset(METADATA_FUNCTION_DIR),
    handler: "index.handler",
    runtime: lambda.Runtime.NODEJS_20_X,
    environment: { BUCKET_NAME: bucket.bucketName },
    initialPolicy: [
      new iam.PolicyStatement({ actions: ["cloudformation:DescribeStacks"], resources: ["*"] }),
      new iam.PolicyStatement({ actions: ["s3:PutObject", "s3:DeleteObject"], resources: [bucket.arnForObjects("*")] }),
    ],
  });
  new events.Rule(stack, "MetadataRule", {
    eventPattern: {
      source: ["aws.cloudformation"],
      detailType: ["CloudFormation Stack Status Change"],
      detail: { "status-details": { status: ["CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "ROLLBACK_COMPLETE", "DELETE_COMPLETE"] } },
    },
    targets: [new targets.LambdaFunction(fn)],
  });
  new cdk.CfnOutput(stack, "Version", { value: SST_BOOTSTRAP_VERSION });
  new cdk.CfnOutput(stack, "BucketName", { value: bucket.bucketName });
  app.synth();
}

async function bootstrapSst(env: AwsEnvironment, ui: Ui, settings: BootstrapSettings): Promise<void> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "sst-bootstrap-"));
  try {
    await synthSstBootstrapStack(env, settings, outdir);
    const { lib, toolkit, io } = await createToolkit(env, ui, { toolkitStackName: settings.toolkitStackName });
    const source = await toolkit.fromAssemblyDirectory(outdir);
    try {
      await toolkit.deploy(source, {
        stacks: { strategy: "all-stacks" } as any,
        deploymentMethod: { method: "change-set" },
        parameters: lib.StackParameters.withExisting({}),
        stackEventPollingInterval: 200,
      });
    } catch (err) {
      throw toolkitError("Bootstrap", err, describeFailures(io.failures), io.rollbacks);
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export interface BootstrapResult {
  /** How each stack stood before: "ready" ones were current already. */
  before: BootstrapStatus;
  after: BootstrapStatus;
  durationMs: number;
}

/**
 * Deploys the bootstrap stacks that are missing or outdated, announcing it as SST v2
 * does; `force` (`sst bootstrap`) deploys both, which changes nothing when they are
 * current (CDK's bootstrap and an unchanged change set are no-ops).
 */
export async function ensureBootstrapped(env: AwsEnvironment, opts: { ui: Ui; settings?: BootstrapSettings; force?: boolean }): Promise<BootstrapResult> {
  const started = performance.now();
  const settings = opts.settings ?? {};
  const before = await bootstrapStatus(env, settings);
  const needCdk = opts.force || before.cdk !== "ready";
  const needSst = opts.force || before.sst !== "ready";
  if (!needCdk && !needSst) return { before, after: before, durationMs: performance.now() - started };
  if (!opts.force) opts.ui.info(before.cdk === "missing" || before.sst === "missing" ? "Deploying bootstrap stack, this only needs to happen once" : "Updating bootstrap stack");
  // CDK's first: SST's stack publishes its function through CDK's asset bucket.
  if (needCdk) await bootstrapCdk(env, opts.ui, settings);
  if (needSst) await bootstrapSst(env, opts.ui, settings);
  const after = await bootstrapStatus(env, settings);
  if (after.cdk !== "ready" || after.sst !== "ready")
    throw new Error(`The bootstrap stacks are not ready after bootstrapping (CDK: ${after.cdk}, SST: ${after.sst})`);
  return { before, after, durationMs: performance.now() - started };
}

/** The bootstrap settings of an app's config (cdk.*, bootstrap.*). */
export function bootstrapSettings(config: { cdk?: { toolkitStackName?: string; qualifier?: string }; bootstrap?: { stackName?: string; tags?: Record<string, string> } } | undefined): BootstrapSettings {
  return {
    toolkitStackName: config?.cdk?.toolkitStackName,
    qualifier: config?.cdk?.qualifier,
    stackName: config?.bootstrap?.stackName,
    tags: config?.bootstrap?.tags,
  };
}
