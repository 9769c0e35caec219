import { Bucket, Config, Queue, Topic, StackContext, use } from "sst/constructs";
import { Streams } from "./Streams";

export function Messaging({ stack }: StackContext) {
  const { table } = use(Streams);
  const GREETING = new Config.Parameter(stack, "GREETING", { value: "hello" });

  const receipts = new Queue(stack, "Receipts", {
    consumer: {
      function: { handler: "packages/functions/src/consumer.handler", bind: [table] },
      cdk: { eventSource: { batchSize: 5 } },
    },
  });

  const topic = new Topic(stack, "Ordered", {
    defaults: { function: { bind: [GREETING] } },
    subscribers: {
      receipt: "packages/functions/src/receipt.main",
      shipping: { function: "packages/functions/src/shipping.main", cdk: { subscription: { filterPolicy: {} } } },
      queued: { type: "queue", queue: receipts },
    },
  });
  topic.bindToSubscriber("shipping", [table]);
  topic.attachPermissionsToSubscriber("receipt", ["ses"]);

  const uploads = new Bucket(stack, "Uploads", {
    notifications: {
      resize: { function: "packages/functions/src/resize.main", events: ["object_created"], filters: [{ prefix: "images/" }] },
      toTopic: { type: "topic", topic, events: ["object_removed"] },
      toQueue: { type: "queue", queue: receipts, events: ["object_created"], filters: [{ suffix: ".json" }] },
    },
  });
  uploads.bindToNotification("resize", [table]);
  uploads.attachPermissionsToNotification("resize", ["rekognition"]);

  const privateFiles = new Bucket(stack, "Private", { blockPublicACLs: true, cors: false });

  stack.addOutputs({ TopicArn: topic.topicArn, Uploads: uploads.bucketName });
  return { topic, receipts, uploads, privateFiles, GREETING };
}
