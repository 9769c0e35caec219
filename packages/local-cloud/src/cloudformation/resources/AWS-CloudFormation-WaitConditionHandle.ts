/**
 * AWS::CloudFormation::WaitConditionHandle: a placeholder resource (templates use it to
 * have at least one resource); on AWS its physical id is a presigned URL nothing needs.
 */
import { randomUUID } from "node:crypto";
import type { ResourceProvider } from "../provider.js";

export const waitConditionHandle: ResourceProvider = {
  async create(_props, ctx) {
    return { physicalId: `${ctx.cloud.endpoint}/_aws/cloudformation/wait-condition/${encodeURIComponent(ctx.stackName)}/${ctx.logicalId}/${randomUUID()}` };
  },
  async update() {
    return {};
  },
  async delete() {},
};
