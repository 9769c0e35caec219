import type { SSTConfig } from "sst";
import { Auth } from "./stacks/Auth";
import { Apis } from "./stacks/Apis";

// SST v2's rest-api, rest-api-custom-domain, api-auth-jwt-* and
// api-auth-lambda-authorizer-* examples, together, with every route type.
export default {
  config() {
    return { name: "api-app", region: "us-east-1" };
  },
  stacks(app) {
    app.stack(Auth).stack(Apis);
  },
} satisfies SSTConfig;
