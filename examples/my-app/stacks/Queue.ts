import { StackContext, Queue, use } from "sst/constructs";
import { Database } from "./Database";

export function QueueStack({ stack }: StackContext) {
  const { table } = use(Database);

  const queue = new Queue(stack, "ProcessingQueue", {
    consumer: {
      function: {
        handler: "packages/functions/src/queues/process.handler",
        bind: [table],
        timeout: "5 minutes",
      },
      cdk: {
        eventSource: {
          batchSize: 10,
          maxBatchingWindow: "30 seconds",
        },
      },
    },
  });

  return { queue };
}
