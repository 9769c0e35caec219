import { KinesisStream, Table, StackContext } from "sst/constructs";

export function Streams({ stack }: StackContext) {
  const stream = new KinesisStream(stack, "Stream", {
    consumers: {
      consumer1: "packages/functions/src/consumer.handler",
      consumer2: { function: { handler: "packages/functions/src/consumer.handler", timeout: 20 } },
    },
  });

  const table = new Table(stack, "Orders", {
    fields: { pk: "string", sk: "string", status: "string" },
    primaryIndex: { partitionKey: "pk", sortKey: "sk" },
    globalIndexes: { byStatus: { partitionKey: "status", projection: "keys_only" } },
    stream: "new_image",
    kinesisStream: stream,
    timeToLiveAttribute: "expiresAt",
    consumers: {
      inserts: {
        function: "packages/functions/src/consumer.handler",
        filters: [{ eventName: ["INSERT"] }],
      },
    },
  });
  table.bindToConsumer("inserts", [stream]);

  stack.addOutputs({ StreamName: stream.streamName, Orders: table.tableName });
  return { stream, table };
}
