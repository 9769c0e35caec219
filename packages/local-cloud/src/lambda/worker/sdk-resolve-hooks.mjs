/**
 * Module resolve hooks registered in every Lambda worker (module.register).
 *
 * The Node.js runtime on AWS ships the AWS SDK v3, so deployed code may import
 * `@aws-sdk/*` without bundling it. When the function's own directory can't resolve
 * such a specifier, we resolve it as if it were imported from this package, whose
 * node_modules hold the SDK.
 *
 * Plain JavaScript (not TypeScript) on purpose: hooks run in the loader thread of each
 * worker, and loading tsx there would add ~100 ms to every cold start.
 */
let fallbackParentURL;
/** Where to report the AWS SDK modules the code loads (the worker passes a MessagePort). */
let modulesPort;
const reported = new Set();

/**
 * The AWS SDK's own files (and its helpers' scopes). Only these are reported: a
 * standby worker may load them ahead of the function's code (as the Lambda runtime
 * ships the SDK), which would not be true of arbitrary dependencies with side effects.
 */
const SDK_FILE = /\/node_modules\/(@aws-sdk|@smithy|@aws-crypto|@aws)\//;

export function initialize(data) {
  fallbackParentURL = data?.fallbackParentURL;
  modulesPort = data?.modulesPort;
}

export async function resolve(specifier, context, nextResolve) {
  let result;
  try {
    result = await nextResolve(specifier, context);
  } catch (err) {
    const sdk = specifier.startsWith("@aws-sdk/") || specifier.startsWith("@smithy/");
    if (!sdk || !fallbackParentURL || err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    result = await nextResolve(specifier, { ...context, parentURL: fallbackParentURL });
  }
  report(result?.url);
  return result;
}

function report(url) {
  if (!modulesPort || typeof url !== "string" || !url.startsWith("file:") || reported.has(url) || !SDK_FILE.test(url)) return;
  reported.add(url);
  modulesPort.postMessage(url);
}
