/**
 * How custom resource code loads an AWS SDK v3 client package: `require`, from the
 * chunk of the one custom resource type that uses it (the handler's bundle is split per
 * type, see custom-resources/index.ts), so a start of the handler loads only the
 * clients of the event it serves. A static ESM import would be hoisted into every
 * start, and an ESM import resolves only from beside the code, while `require` finds
 * the runtime's SDK on AWS (NODE_PATH) and in the local cloud. The SDK is CommonJS:
 * loading it through `require` also spares Node parsing each module for ESM named exports.
 *
 *   import type * as Ssm from "@aws-sdk/client-ssm";
 *   const { SSMClient } = awsSdk<typeof Ssm>("@aws-sdk/client-ssm");
 */
import { createRequire } from "node:module";

const requireHere = createRequire(import.meta.url);

export function awsSdk<T>(pkg: `@aws-sdk/${string}`): T {
  return requireHere(pkg) as T;
}
