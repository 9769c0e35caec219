/** AWS::CDK::Metadata: CDK's analytics record. Nothing to provision; it is only recorded. */
import { randomUUID } from "node:crypto";
import type { ResourceProvider } from "../provider.js";

export const cdkMetadata: ResourceProvider = {
  async create() {
    return { physicalId: randomUUID() };
  },
  async update() {
    return {};
  },
  async delete() {},
};
