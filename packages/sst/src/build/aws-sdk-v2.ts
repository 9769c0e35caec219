/**
 * AWS SDK for JavaScript v2 in function bundles. Node.js 18+ Lambda runtimes no longer
 * provide it, so (as SST v2 does for those runtimes) it is bundled like any dependency;
 * `sst` depends on it, so an app that imports it without declaring it still resolves it.
 *
 * Unlike SDK v3, v2 ignores `AWS_ENDPOINT_URL`, which is how the local cloud's Lambda
 * runtime points functions at itself. This esbuild plugin appends to the SDK's Node
 * loader (the module every v2 entry point runs first) a line that, when the variable is
 * set, makes it v2's global endpoint, with path-style S3 as the local cloud serves it.
 * On AWS the variable is unset and the bundled SDK behaves exactly as published.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Plugin } from "esbuild";

const endpointLine: { AWS_SDK_V2_ENDPOINT_SNIPPET: string; AWS_SDK_V2_NODE_LOADER: RegExp } = createRequire(import.meta.url)("./aws-sdk-v2-endpoint.cjs");
export const { AWS_SDK_V2_ENDPOINT_SNIPPET, AWS_SDK_V2_NODE_LOADER } = endpointLine;

export const AWS_SDK_V2_PLUGIN_NAME = "sst-aws-sdk-v2-endpoint";

export function awsSdkV2EndpointPlugin(): Plugin {
  return {
    name: AWS_SDK_V2_PLUGIN_NAME,
    setup(build) {
      build.onLoad({ filter: AWS_SDK_V2_NODE_LOADER }, async (args) => ({
        contents: (await fs.promises.readFile(args.path, "utf8")) + AWS_SDK_V2_ENDPOINT_SNIPPET,
        loader: "js",
      }));
    },
  };
}
