/**
 * Module resolve hooks for an execution environment whose code imports an AWS SDK
 * package it can't resolve (registered then, by bootstrap.mjs's importWithSdkFallback).
 *
 * The Node.js runtime on AWS ships the AWS SDK v3, so deployed code may import
 * `@aws-sdk/*` without bundling it. When the function's own directory can't resolve
 * such a specifier, we resolve it as if it were imported from this package, whose
 * node_modules hold the SDK.
 *
 * Plain JavaScript (not TypeScript) on purpose: hooks run in the loader thread of the
 * process, and loading tsx there would add ~100 ms.
 */
let fallbackParentURL;

export function initialize(data) {
  fallbackParentURL = data?.fallbackParentURL;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const sdk = specifier.startsWith("@aws-sdk/") || specifier.startsWith("@smithy/");
    if (!sdk || !fallbackParentURL || err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
    return nextResolve(specifier, { ...context, parentURL: fallbackParentURL });
  }
}
