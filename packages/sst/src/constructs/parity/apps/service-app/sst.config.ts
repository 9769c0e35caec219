import type { SSTConfig } from "sst";
import { Services } from "./stacks/Services";

// SST v2's Service: one behind its load balancer and distribution with most props set,
// one without a load balancer, and a function bound to the first. The images are given
// (cdk.container.image), so neither SST v2 nor we run docker to build the reference.
export default {
  config() {
    return { name: "service-app", region: "us-east-1" };
  },
  stacks(app) {
    app.stack(Services);
  },
} satisfies SSTConfig;
