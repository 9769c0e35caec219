/**
 * SST v2 gives each stack one `CustomResourceHandler` function that serves its custom
 * resources (Custom::AuthKeys …). Here it is made on first use, with the same logical
 * id and settings, and its code is `src/custom-resources/`, bundled into the app's
 * artifacts once per synth. The local cloud runs it like any Lambda-backed custom
 * resource, under the permissions the template gives its role. The bundle is kept
 * between synths while sst's sources are unchanged (handler-build-cache.ts).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as cdk from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as esbuild from "esbuild";
import { App } from "../App.js";
import { buildOwnHandlers } from "./handler-build-cache.js";

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../custom-resources/index.ts");
const ID = "CustomResourceHandler";

/** Bundled code directories, per app (its artifacts directory) and folder name. */
const bundled = new WeakMap<App, Map<string, string>>();

/** The stack's custom resource handler, created the first time a construct needs it. */
export function customResourceHandler(stack: cdk.Stack): lambda.Function {
  const existing = stack.node.tryFindChild(ID);
  if (existing) return existing as lambda.Function;
  return new lambda.Function(stack, ID, {
    // Split: each custom resource type's code is a chunk its first event loads (custom-resources/index.ts).
    code: lambda.Code.fromAsset(bundledHandlers(App.of(stack), ID, { index: SOURCE }, { splitting: true })),
    handler: "index.handler",
    runtime: lambda.Runtime.NODEJS_22_X,
    timeout: cdk.Duration.seconds(900),
    memorySize: 1024,
  });
}

/**
 * Handler code of ours (src/custom-resources/…), bundled once per app into its
 * artifacts: one `{name}.mjs` per entry in `dir`. The AWS SDK v3 is left to the
 * Lambda runtime, which provides it on AWS and in the local cloud.
 */
export function bundledHandlers(app: App, dir: string, entries: Record<string, string>, extra: Pick<esbuild.BuildOptions, "splitting"> = {}): string {
  let byDir = bundled.get(app);
  if (!byDir) bundled.set(app, (byDir = new Map()));
  let out = byDir.get(dir);
  if (!out) {
    out = path.join(app.artifactsDir, dir);
    buildOwnHandlers(
      {
        entryPoints: Object.entries(entries).map(([name, file]) => ({ in: file, out: name })),
        outExtension: { ".js": ".mjs" },
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        external: ["@aws-sdk/*"],
        logLevel: "silent",
        ...extra,
      },
      out,
    );
    byDir.set(dir, out);
  }
  return out;
}
