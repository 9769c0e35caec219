// Preloaded (`node --require`) into the processes `sst bind` runs against the local cloud
// — a site's dev server, a script — whose aws-sdk v2 is loaded from node_modules rather
// than bundled: the SDK's Node loader gets the same endpoint line the function bundles get
// (aws-sdk-v2-endpoint.cjs). Only that one file's source is touched, as Node compiles it.
"use strict";
const Module = require("node:module");
const { AWS_SDK_V2_ENDPOINT_SNIPPET, AWS_SDK_V2_NODE_LOADER } = require("./aws-sdk-v2-endpoint.cjs");

const compile = Module.prototype._compile;
Module.prototype._compile = function compileWithLocalEndpoint(content, filename) {
  return compile.call(this, AWS_SDK_V2_NODE_LOADER.test(filename) ? content + AWS_SDK_V2_ENDPOINT_SNIPPET : content, filename);
};
