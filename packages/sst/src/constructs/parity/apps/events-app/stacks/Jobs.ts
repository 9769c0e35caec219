import { Cron, Function, Queue, Script, StackContext, use } from "sst/constructs";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Messaging } from "./Messaging";

export function Jobs({ stack }: StackContext) {
  const { topic, receipts, GREETING } = use(Messaging);
  // Two Crons with the same job handler: each gets its own function.
  new Cron(stack, "Cron", { schedule: "rate(1 minute)", job: "packages/functions/src/lambda.main" });
  const nightly = new Cron(stack, "Nightly", {
    schedule: "cron(0 3 * * ? *)",
    job: { function: { handler: "packages/functions/src/lambda.main", bind: [topic] } },
  });
  nightly.attachPermissions(["s3"]);

  const worker = new Function(stack, "Worker", { handler: "packages/functions/src/lambda.main", bind: [receipts, GREETING] });
  // A CDK function as a queue's consumer.
  const raw = new lambda.Function(stack, "RawConsumer", {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: "index.handler",
    code: lambda.Code.fromInline("exports.handler = async () => {};"),
  });
  new Queue(stack, "Raw", { consumer: { cdk: { function: raw, eventSource: { batchSize: 1 } } } });

  // Seeds data on the first deploy, migrates on the next ones (SST v2's Script).
  const seed = new Script(stack, "Seed", {
    defaults: { function: { bind: [receipts] } },
    params: { rows: 10 },
    onCreate: "packages/functions/src/lambda.main",
    onUpdate: { handler: "packages/functions/src/lambda.main", timeout: 60 },
  });
  seed.attachPermissions(["s3"]);

  stack.addOutputs({ Worker: worker.functionName });
}
