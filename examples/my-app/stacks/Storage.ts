import { StackContext, Bucket } from "sst/constructs";

export function Storage({ stack }: StackContext) {
  const bucket = new Bucket(stack, "Uploads", {
    cors: [
      {
        allowedMethods: ["GET", "PUT"],
        allowedOrigins: ["*"],
        allowedHeaders: ["*"],
      },
    ],
    notifications: {
      processUpload: {
        function: "packages/functions/src/storage/process.handler",
        events: ["object_created"],
      },
    },
  });

  return { bucket };
}
