/**
 * For provider tests: create or update a stack through the cloud's CloudFormation
 * engine and fail with the failed resources' reasons unless it completed. Returns the
 * stack, its outputs and the physical id of every resource.
 */
import assert from "node:assert/strict";

export interface DeployedStack {
  stack: any;
  outputs: Record<string, string>;
  id: Record<string, string>;
}

export async function deployTestStack(cloud: { cloudformation: { call(op: string, input: any): Promise<any> } }, name: string, body: unknown, update = false): Promise<DeployedStack> {
  const cfn = cloud.cloudformation;
  await cfn.call(update ? "UpdateStack" : "CreateStack", { StackName: name, TemplateBody: JSON.stringify(body), Capabilities: ["CAPABILITY_IAM"] });
  const stack = (await cfn.call("DescribeStacks", { StackName: name })).Stacks[0];
  if (!stack.StackStatus.endsWith("_COMPLETE") || stack.StackStatus.includes("ROLLBACK")) {
    const failed = (await cfn.call("DescribeStackEvents", { StackName: name })).StackEvents.filter((e: any) => e.ResourceStatus.endsWith("FAILED"));
    assert.fail(`${stack.StackStatus}: ${failed.map((e: any) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`).join("; ")}`);
  }
  const resources = (await cfn.call("DescribeStackResources", { StackName: name })).StackResources;
  return {
    stack,
    outputs: Object.fromEntries((stack.Outputs ?? []).map((o: any) => [o.OutputKey, o.OutputValue])),
    id: Object.fromEntries(resources.map((r: any) => [r.LogicalResourceId, r.PhysicalResourceId])),
  };
}
