/**
 * Custom::SourcemapUploader (SST's): on AWS its stack's handler copies function
 * sourcemaps to the SST bootstrap bucket for the Console. Locally functions run from
 * source or with their maps at hand, so there is nothing to copy: it is recorded.
 */
import { randomUUID } from "node:crypto";
import type { ResourceProvider } from "../provider.js";

export const sourcemapUploader: ResourceProvider = {
  async create(_props, ctx) {
    return { physicalId: `${ctx.stackName}-${ctx.logicalId}-${randomUUID().slice(0, 8)}` };
  },
  async update() {
    return {};
  },
  async delete() {},
};
