/**
 * The kernel as the Lambda runtime and pollers (runtime/) still address it: other
 * services by name (`cloud.sqs.call(…)`) and IAM's session issuing. Everything here goes
 * through the kernel: its typed clients and its IAM port.
 */
import { forwardedKernel, type ForwardedMembers } from "../../kernel/forwarded.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { AwsError } from "../../server/aws-error.js";
import type { CallableService, LambdaCloud } from "./runtime/cloud-deps.js";

export function lambdaCloud(kernel: Kernel): LambdaCloud & Kernel {
  const c = kernel.clients as unknown as Record<string, CallableService>;
  const rest: Omit<LambdaCloud & Kernel, ForwardedMembers> = {
    clients: kernel.clients,
    identity: kernel.identity,
    authorize: (ctx, action, resources, deny, conditions) => kernel.authorize(ctx, action, resources, deny as ((message: string) => AwsError) | undefined, conditions),
    adminContext: (requestId) => kernel.adminContext(requestId),
    lookupAccessKey: (id, headers) => kernel.lookupAccessKey(id, headers),
    s3: c.s3,
    sqs: c.sqs,
    sns: c.sns,
    eventbridge: c.eventbridge,
    lambda: c.lambda,
    dynamodb: c.dynamodb,
    kinesis: c.kinesis,
    logs: c.logs,
    iam: {
      call: (operation, input, ctx) => c.iam!.call(operation, input, ctx),
      issueSessionCredentials: (roleArn, sessionName) => kernel.identity.issueSessionCredentials(roleArn, sessionName),
      evaluate: (principal, action, resource) => kernel.identity.evaluate(principal, action, resource),
    },
  };
  return Object.assign(forwardedKernel(kernel), rest);
}
