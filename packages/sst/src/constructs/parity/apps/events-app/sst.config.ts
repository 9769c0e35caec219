import type { SSTConfig } from "sst";
import { Streams } from "./stacks/Streams";
import { Messaging } from "./stacks/Messaging";
import { Jobs } from "./stacks/Jobs";

// SST v2's pub-sub, queue, cron-job and kinesisstream examples, together, plus the
// notification, subscriber and consumer forms those examples leave out.
export default {
  config() {
    return { name: "events-app", region: "us-east-1" };
  },
  stacks(app) {
    app.setDefaultRemovalPolicy("destroy");
    app.stack(Streams).stack(Messaging).stack(Jobs);
  },
} satisfies SSTConfig;
