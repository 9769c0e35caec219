/**
 * The aws-sdk v2 endpoint line (aws-sdk-v2.ts) for code bundled with esbuild's
 * `buildSync`, which runs no plugins: construct-time bundles (the server functions of
 * sites) are synchronous. When a bundle turns out to hold aws-sdk v2, it is built again
 * with the plugin by esbuild's async API in a child Node process, waited for. Bundles
 * without the SDK (most) cost nothing more.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { AWS_SDK_V2_ENDPOINT_SNIPPET, AWS_SDK_V2_NODE_LOADER } from "./aws-sdk-v2.js";

/** Whether a build's metafile shows aws-sdk v2's Node loader among its inputs. */
export function bundlesAwsSdkV2(result: esbuild.BuildResult): boolean {
  return Object.keys(result.metafile?.inputs ?? {}).some((input) => AWS_SDK_V2_NODE_LOADER.test(input));
}

// Run by the child: options and the snippet on stdin, the result (or the failure's messages) on stdout.
const CHILD = `
import fs from "node:fs";
const { esbuildUrl, options, filter, snippet } = JSON.parse(fs.readFileSync(0, "utf8"));
const esbuild = await import(esbuildUrl);
const plugin = {
  name: "sst-aws-sdk-v2-endpoint",
  setup(build) {
    build.onLoad({ filter: new RegExp(filter) }, async (args) => ({ contents: (await fs.promises.readFile(args.path, "utf8")) + snippet, loader: "js" }));
  },
};
try {
  const result = await esbuild.build({ ...options, plugins: [plugin] });
  process.stdout.write(JSON.stringify({ result: { metafile: result.metafile, warnings: result.warnings, errors: result.errors } }));
} catch (e) {
  process.stdout.write(JSON.stringify({ failure: { message: String(e?.message ?? e), errors: e?.errors ?? [], warnings: e?.warnings ?? [] } }));
}
`;

/**
 * `esbuild.buildSync(options)` with the aws-sdk v2 endpoint plugin. `options` must be
 * plain data (no plugins of its own). Throws esbuild's failure as `buildSync` would.
 */
export function buildSyncWithAwsSdkV2Endpoint(options: esbuild.BuildOptions): esbuild.BuildResult {
  const esbuildUrl = pathToFileURL(createRequire(import.meta.url).resolve("esbuild")).href;
  const input = JSON.stringify({ esbuildUrl, options, filter: AWS_SDK_V2_NODE_LOADER.source, snippet: AWS_SDK_V2_ENDPOINT_SNIPPET });
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD], { input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  let answer: { result?: esbuild.BuildResult; failure?: { message: string; errors: esbuild.Message[]; warnings: esbuild.Message[] } };
  try {
    answer = JSON.parse(child.stdout);
  } catch {
    throw new Error(`esbuild (with the aws-sdk v2 endpoint plugin) exited with ${child.status ?? child.signal}: ${child.stderr}`);
  }
  if (answer.failure) throw Object.assign(new Error(answer.failure.message), { errors: answer.failure.errors, warnings: answer.failure.warnings });
  return answer.result!;
}
