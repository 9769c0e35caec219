// The line that points AWS SDK for JavaScript v2 at the local cloud, and the SDK module it
// goes after. Shared by the esbuild plugin that bundles v2 into functions (aws-sdk-v2.ts)
// and by the preload `sst bind` gives Node processes (aws-sdk-v2-preload.cjs): v2 ignores
// AWS_ENDPOINT_URL, so when the variable is set it becomes v2's global endpoint, with
// path-style S3 as the local cloud serves it. Without the variable nothing changes.
"use strict";

exports.AWS_SDK_V2_ENDPOINT_SNIPPET = `
;(function sstLocalEndpoint() {
  var endpoint = process.env.AWS_ENDPOINT_URL;
  if (endpoint) require("./core").config.update({ endpoint: endpoint, s3ForcePathStyle: true });
})();
`;

/** The SDK's Node loader, which every v2 entry point runs first. */
exports.AWS_SDK_V2_NODE_LOADER = /[\\/]aws-sdk[\\/]lib[\\/]node_loader\.js$/;
