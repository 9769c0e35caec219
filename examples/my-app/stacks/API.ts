import { StackContext, Api, Config, use } from "sst/constructs";
import { Database } from "./Database";
import { QueueStack } from "./Queue";
import { Storage } from "./Storage";

export function API({ stack }: StackContext) {
  const { table } = use(Database);
  const { bucket } = use(Storage);
  const { queue } = use(QueueStack);
  const STRIPE_KEY = new Config.Secret(stack, "STRIPE_KEY");

  const api = new Api(stack, "Api", {
    defaults: {
      function: {
        bind: [table],
        timeout: "30 seconds",
        memorySize: "512 MB",
        runtime: "nodejs20.x",
      },
    },
    routes: {
      "GET    /users":       "packages/functions/src/users/list.handler",
      "GET    /users/{id}":  "packages/functions/src/users/get.handler",
      "POST   /users":       "packages/functions/src/users/create.handler",
      "PUT    /users/{id}":  "packages/functions/src/users/update.handler",
      "DELETE /users/{id}":  "packages/functions/src/users/delete.handler",
      "POST   /uploads": {
        function: {
          handler: "packages/functions/src/storage/presign.handler",
          bind: [bucket],
        },
      },
      "POST   /jobs": {
        function: {
          handler: "packages/functions/src/jobs/enqueue.handler",
          bind: [queue],
        },
      },
      "GET    /session":     "packages/functions/src/auth/me.handler",
      "GET    /billing": {
        function: {
          handler: "packages/functions/src/billing/charge.handler",
          bind: [STRIPE_KEY],
        },
      },
    },
  });

  stack.addOutputs({
    ApiEndpoint: api.url,
  });

  return { api };
}
