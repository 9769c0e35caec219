/**
 * Names shared by the three parties of Live Lambda on AWS — the function's construct
 * (which deploys the stub and its permissions), the stub in Lambda, and `sst dev` — so
 * they agree on the queues of a stage without asking each other.
 *
 * Each stage has one request queue, `sst_{app}_{stage}_requests`, that every stub of
 * the stage sends to and only that stage's `sst dev` reads; each stub execution
 * environment creates its own reply queue, `sst_{app}_{stage}_reply_{random}`. Stages
 * never share a queue, and a stub's permissions name only its own stage's queues, so
 * several developers can run `sst dev` on different stages of one account.
 */
import { createHash } from "node:crypto";

/** Context keys a dev synth for the AWS target sets (read by the Function construct). */
export const LIVE_LAMBDA_CONTEXT = "sst:live-lambda";
export const INCREASE_TIMEOUT_CONTEXT = "sst:increase-timeout";

/** The environment variable that tells a stub its stage's request queue. */
export const REQUEST_QUEUE_ENV = "SST_LIVE_LAMBDA_QUEUE";

/** SQS allows 80 characters; a reply queue adds "_reply_" and 16 hex digits. */
const MAX_BASE = 50;

export interface BridgeNames {
  requestQueue: string;
  /** Every reply queue name starts with this. */
  replyQueuePrefix: string;
}

export function bridgeNames(app: string, stage: string): BridgeNames {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9-]/g, "-");
  let base = `sst_${clean(app)}_${clean(stage)}`;
  if (base.length > MAX_BASE) base = `sst_${createHash("sha256").update(`${app}\0${stage}`).digest("hex").slice(0, 24)}`;
  return { requestQueue: `${base}_requests`, replyQueuePrefix: `${base}_reply_` };
}

/** The reply queue prefix of a stage, from its request queue's name (what a stub knows). */
export function replyQueuePrefixOf(requestQueue: string): string {
  return `${requestQueue.replace(/_requests$/, "")}_reply_`;
}

/** The context of a dev synth whose functions are Live Lambda stubs. */
export function liveLambdaContext(opts: { increaseTimeout?: boolean } = {}): Record<string, unknown> {
  return { [LIVE_LAMBDA_CONTEXT]: true, ...(opts.increaseTimeout ? { [INCREASE_TIMEOUT_CONTEXT]: true } : {}) };
}

/** IAM statements a stub's role needs: its stage's request queue, and reply queues of its stage only. */
export function stubPolicyStatements(names: BridgeNames, arn: { partition: string; region: string; account: string }): { actions: string[]; resources: string[] }[] {
  const queueArn = (name: string) => `arn:${arn.partition}:sqs:${arn.region}:${arn.account}:${name}`;
  return [
    { actions: ["sqs:GetQueueUrl", "sqs:SendMessage"], resources: [queueArn(names.requestQueue)] },
    { actions: ["sqs:CreateQueue", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:DeleteMessage"], resources: [queueArn(`${names.replyQueuePrefix}*`)] },
  ];
}
