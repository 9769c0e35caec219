/**
 * The Live Lambda stub: under `sst dev` on AWS, every function is deployed with this
 * code instead of its own. Each invocation is sent to the stage's request queue with
 * the execution environment's variables (the function's environment, its role's
 * credentials, region); `sst dev` runs the function's source on the developer's
 * machine with exactly those, and answers on this execution environment's own reply
 * queue, which the stub long-polls until the answer arrives or the invocation's time
 * runs out. Bundled by stub-asset.ts (the AWS SDK v3 stays external: the Lambda
 * Node.js runtime provides it).
 */
import { randomBytes } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { REQUEST_QUEUE_ENV, replyQueuePrefixOf } from "./names.js";
import { decodeFrame, frameMessages, partOf, Reassembler, type Frame, type ReplyHeader, type RequestHeader } from "./protocol.js";

/** Variables of the Lambda runtime itself: meaningless (or wrong) on the developer's machine. */
const RUNTIME_ONLY = new Set([
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_LAMBDA_RUNTIME_API",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_EXECUTION_ENV",
  "AWS_XRAY_DAEMON_ADDRESS",
  "AWS_XRAY_CONTEXT_MISSING",
  "_AWS_XRAY_DAEMON_ADDRESS",
  "_AWS_XRAY_DAEMON_PORT",
  "_X_AMZN_TRACE_ID",
  "_HANDLER",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
  "LD_LIBRARY_PATH",
  "NODE_PATH",
  "NODE_OPTIONS",
  "PATH",
  "PWD",
  "SHLVL",
  "LANG",
  REQUEST_QUEUE_ENV,
]);

export function forwardedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !RUNTIME_ONLY.has(k) && !k.startsWith("_LAMBDA_")) out[k] = v;
  return out;
}

/** What the Lambda service hands a handler, as far as the stub uses it. */
export interface StubContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string | number;
  getRemainingTimeInMillis(): number;
  clientContext?: unknown;
  identity?: unknown;
}

/** An error from the function's source, rebuilt so Lambda reports its type, message and stack. */
export function errorFromReply(error: ReplyHeader["error"] | undefined): Error {
  const err = new Error(error?.errorMessage ?? "The function failed under sst dev");
  err.name = error?.errorType ?? "Error";
  err.stack = [`${err.name}: ${err.message}`, ...(error?.trace ?? []).map((l) => (l.startsWith("    at ") ? l : `    at ${l.trim()}`))].join("\n");
  return err;
}

const isMissingQueue = (err: unknown) => /NonExistentQueue|QueueDoesNotExist/.test(`${(err as Error)?.name} ${(err as { Code?: string })?.Code}`);

/** Time kept back so the answer reaches Lambda before the invocation's deadline. */
const SAFETY_MS = 250;

export function createStub(opts: { sqs: SQSClient; requestQueue: string; env?: NodeJS.ProcessEnv }) {
  const { sqs, requestQueue } = opts;
  let requestUrl: Promise<string> | undefined;
  let replyUrl: Promise<string> | undefined;
  const reassembler = new Reassembler();
  /** The last invocation's answer messages being deleted (Lambda may freeze the stub before that finishes). */
  let pendingDelete: Promise<void> = Promise.resolve();

  const requestQueueUrl = () =>
    (requestUrl ??= sqs.send(new GetQueueUrlCommand({ QueueName: requestQueue })).then(
      (r) => r.QueueUrl!,
      (err) => {
        requestUrl = undefined;
        if (isMissingQueue(err))
          throw new Error(`Live Lambda: the queue "${requestQueue}" does not exist. Start \`sst dev\` for this stage (it creates it), or deploy with \`sst deploy\` to run the function's own code.`);
        throw err;
      },
    ));

  /** This execution environment's reply queue, created on first use (and again if it was deleted). */
  const replyQueueUrl = () =>
    (replyUrl ??= sqs
      .send(
        new CreateQueueCommand({
          QueueName: `${replyQueuePrefixOf(requestQueue)}${randomBytes(8).toString("hex")}`,
          Attributes: { MessageRetentionPeriod: "300", VisibilityTimeout: "3" },
        }),
      )
      .then(
        (r) => r.QueueUrl!,
        (err) => {
          replyUrl = undefined;
          throw err;
        },
      ));

  async function send(frame: Frame<RequestHeader>): Promise<void> {
    const url = await requestQueueUrl();
    await Promise.all(frameMessages(frame).map((m) => sqs.send(new SendMessageCommand({ QueueUrl: url, ...m }))));
  }

  /** Long-polls the reply queue for this invocation's answer; stale answers (of invocations that timed out) are dropped. */
  async function awaitReply(id: string, deadline: number, resend: () => Promise<void>): Promise<Frame<ReplyHeader> | undefined> {
    while (Date.now() < deadline - SAFETY_MS) {
      const wait = Math.max(0, Math.min(20, Math.floor((deadline - SAFETY_MS - Date.now()) / 1000)));
      let messages: import("@aws-sdk/client-sqs").Message[] | undefined;
      try {
        const url = await replyQueueUrl();
        ({ Messages: messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, VisibilityTimeout: 3, MessageAttributeNames: ["All"] })));
      } catch (err) {
        // `sst dev` deletes reply queues when it stops; a warm stub makes a new one and asks again.
        if (!isMissingQueue(err)) throw err;
        replyUrl = undefined;
        await resend();
        continue;
      }
      if (!messages?.length) continue;
      // Deleting does not hold the answer back; the next invocation waits for it first.
      const url = await replyQueueUrl();
      pendingDelete = sqs
        .send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }))
        .then(() => {}, () => {}); // if lost, the answers come back in seconds, as stale ones, and are dropped
      for (const m of messages) {
        const part = partOf(m);
        if (!part || part.kind !== "reply" || part.id !== id) continue;
        const text = reassembler.add(part);
        if (text !== undefined) return decodeFrame(text) as Frame<ReplyHeader>;
      }
    }
    return undefined;
  }

  return async function handler(event: unknown, context: StubContext): Promise<unknown> {
    const id = context.awsRequestId;
    const deadline = Date.now() + context.getRemainingTimeInMillis();
    await pendingDelete;
    const ask = async () => {
      await requestQueueUrl(); // first: no reply queue is made for a stage without sst dev
      const header: RequestHeader = {
        v: 1,
        kind: "request",
        id,
        replyTo: await replyQueueUrl(),
        deadline,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: Number(context.memoryLimitInMB),
        env: forwardedEnvironment(opts.env ?? process.env),
        ...(context.clientContext ? { clientContext: context.clientContext } : {}),
        ...(context.identity ? { identity: context.identity } : {}),
      };
      await send({ header, body: JSON.stringify(event ?? null) });
    };
    await ask();
    const reply = await awaitReply(id, deadline, ask);
    if (!reply) throw new Error(`Live Lambda: no answer from \`sst dev\` within the function's timeout. Is \`sst dev\` running for this stage?`);
    if (reply.header.status !== "success") throw errorFromReply(reply.header.error);
    return reply.body === "" ? undefined : JSON.parse(reply.body);
  };
}

/** The handler Lambda calls ("index.handler" in the bundled stub). */
let stub: ReturnType<typeof createStub> | undefined;
export function handler(event: unknown, context: StubContext): Promise<unknown> {
  stub ??= createStub({ sqs: new SQSClient({ useQueueUrlAsEndpoint: false }), requestQueue: process.env[REQUEST_QUEUE_ENV] ?? "" });
  return stub(event, context);
}
