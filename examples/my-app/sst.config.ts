import type { SSTConfig } from "sst";
import { API } from "./stacks/API";
import { AuthStack } from "./stacks/Auth";
import { Database } from "./stacks/Database";
import { QueueStack } from "./stacks/Queue";
import { Storage } from "./stacks/Storage";
import { Web } from "./stacks/Web";

export default {
  config(_input) {
    return {
      name: "my-app",
      region: "us-east-1",
    };
  },
  stacks(app) {
    // Remove all resources when not in production
    if (app.stage !== "production") {
      app.setDefaultRemovalPolicy("destroy");
    }

    app.stack(Database).stack(Storage).stack(QueueStack).stack(API).stack(AuthStack).stack(Web);
  },
} satisfies SSTConfig;
