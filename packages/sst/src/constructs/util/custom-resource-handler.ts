/**
 * SST v2 gives each stack one `CustomResourceHandler` function that serves its custom
 * resources (Custom::AuthKeys …). Here it is made on first use, with the same logical
 * id and settings, and its code is `src/custom-resources/`, bundled into the app's
 * artifacts once per synth. The local cloud runs it like any Lambda-backed custom
 * resource, under the permissions the template gives its role.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as esbuild from "esbuild";
import { App } from "../App.js";

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../custom-resources/index.ts");
const ID = "CustomResourceHandler";

/** Bundled code directories, one per app (its artifacts directory). */
const bundled = new WeakMap<App, string>();

/** The stack's custom resource handler, created the first time a construct needs it. */
export function customResourceHandler(stack: cdk.Stack): lambda.Function {
  const existing = stack.node.tryFindChild(ID);
  if (existing) return existing as lambda.Function;
  return new lambda.Function(stack, ID, {
    code: lambda.Code.fromAsset(bundleFor(App.of(stack))),
    handler: "index.handler",
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: cdk.Duration.seconds(900),
    memorySize: 1024,
  });
}

function bundleFor(app: App): string {
  let dir = bundled.get(app);
  if (!dir) {
    dir = path.join(app.artifactsDir, ID);
    esbuild.buildSync({
      entryPoints: [SOURCE],
      outfile: path.join(dir, "index.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // The Lambda runtime provides the AWS SDK v3, on AWS and in the local cloud.
      external: ["@aws-sdk/*"],
      logLevel: "silent",
    });
    bundled.set(app, dir);
  }
  return dir;
}
