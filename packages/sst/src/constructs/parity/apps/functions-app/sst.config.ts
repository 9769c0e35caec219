import type { SSTConfig } from "sst";
import { Network } from "./stacks/Network";
import { Layers } from "./stacks/Layers";
import { Functions } from "./stacks/Functions";

// Functions with the props SST v2 apps use beyond a handler: VPC and EFS, layers
// across stacks, async invocation settings, URL, secrets prefetch, every
// permission and bind form, and stack and app defaults.
export default {
  config() {
    return { name: "functions-app", region: "us-east-1" };
  },
  stacks(app) {
    app.setDefaultFunctionProps({ runtime: "nodejs20.x", environment: { FROM_APP: "yes" } });
    app.stack(Network).stack(Layers).stack(Functions);
  },
} satisfies SSTConfig;
