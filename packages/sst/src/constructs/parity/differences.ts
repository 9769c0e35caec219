/**
 * The differences between SST v2's templates (sst@2.49.8, aws-cdk-lib 2.224.0) and
 * ours that are known and deliberate. parity.test.ts fails on any difference not in
 * this list, and on any entry here that no longer shows up, so the list stays true.
 */
import type { TemplateDifference } from "./template-diff.js";

export interface KnownDifference {
  /** Which parity apps show it. */
  apps: string[];
  /** Matches TemplateDifference.where (and path, when given). */
  where: RegExp;
  path?: RegExp;
  kind: TemplateDifference["kind"];
  why: string;
}

const CDK = "aws-cdk-lib 2.276 (ours) vs 2.224 (SST v2.49.8)";

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    apps: ["my-app"],
    where: /^Outputs\/ExportsOutputFnGetAttApiCD79AAA0ApiEndpoint389C4905$/,
    kind: "extra",
    why: "The app, not the framework: my-app's Web stack (a NextjsSite, newer than the reference) takes the Api's URL, which CDK exports from the API stack (SST v2 writes the same export for that app).",
  },
  {
    apps: ["my-app"],
    where: /^Resources\/ProcessingQueue[0-9A-F]{8}$/,
    path: /^Properties\.VisibilityTimeout$/,
    kind: "property",
    why: "A queue whose consumer may run longer than SQS's default 30-second visibility timeout gets the consumer's timeout as its visibility timeout (only when none was set). AWS refuses SST v2's template for such an app (\"Queue visibility timeout: 30 seconds is less than Function timeout\").",
  },
  {
    apps: ["my-app", "events-app", "user-pipeline-app"],
    where: /^Resources\/BucketNotificationsHandler050a0587b7544547bf325f094a3db834RoleDefaultPolicy2CF63D36$/,
    kind: "missing",
    why: `${CDK}: the S3 notifications handler gets its permissions from a policy per bucket instead of its role's default policy.`,
  },
  {
    apps: ["my-app", "events-app", "user-pipeline-app"],
    where: /^Resources\/\w+BucketNotificationsHandlerPolicy[0-9A-F]{8}$/,
    kind: "extra",
    why: `${CDK}: the per-bucket policy of the S3 notifications handler (see above).`,
  },
  {
    apps: ["my-app", "events-app", "user-pipeline-app"],
    where: /^Resources\/(BucketNotificationsHandler050a0587b7544547bf325f094a3db8347ECC3691|\w+BucketNotifications[0-9A-F]{8})$/,
    path: /^DependsOn$/,
    kind: "property",
    why: `${CDK}: the notifications resource and handler depend on the per-bucket policy instead of the role's default policy.`,
  },
  {
    apps: ["my-app", "events-app", "functions-app", "service-app"],
    where: /^Resources\/(CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F|LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A)$/,
    path: /^Properties\.Runtime$/,
    kind: "property",
    why: `${CDK}: CDK's own custom resource handlers (bucket auto-delete, log retention) run on nodejs24.x instead of nodejs22.x.`,
  },
  {
    apps: ["functions-app"],
    where: /^Resources\/WorkerServiceRoleDefaultPolicy[0-9A-F]{8}$/,
    path: /^Properties\.PolicyDocument\.Statement$/,
    kind: "property",
    why: `${CDK}: Table.grantReadData puts the stream actions (GetRecords, GetShardIterator) in a statement of their own; the actions granted are the same.`,
  },
  {
    apps: ["service-app"],
    where: /^Resources\/\w+(ServiceTaskCountTarget|LoadBalancerListener)[0-9A-F]{8}$/,
    path: /^Properties\.Tags$/,
    kind: "property",
    why: `${CDK}: Application Auto Scaling scalable targets and load balancer listeners became taggable, so the app's sst:app / sst:stage tags reach them too.`,
  },
];

export function isKnown(app: string, d: TemplateDifference): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((k) =>
    k.apps.includes(app) && k.kind === d.kind && k.where.test(d.where) && (!k.path || k.path.test(d.path ?? "")));
}
