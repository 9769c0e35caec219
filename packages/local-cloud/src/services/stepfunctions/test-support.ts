/** Test helpers shared by the Step Functions SDK tests: a role Step Functions may assume, and waiting for an execution's end. */
import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from "@aws-sdk/client-sfn";
import type { TestCloud } from "../../testing.js";

/** Creates a role trusting `service` (Step Functions by default), allowed `actions` on every resource (or the given statements); answers its ARN. */
export async function createRole(tc: TestCloud, name: string, actions: string[] | object[] = [], service = "states.amazonaws.com"): Promise<string> {
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] };
  await tc.cloud.iam.call("CreateRole", { RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) });
  if (actions.length) {
    const statements = typeof actions[0] === "string" ? [{ Effect: "Allow", Action: actions, Resource: "*" }] : actions;
    await tc.cloud.iam.call("PutRolePolicy", { RoleName: name, PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });
  }
  return `arn:aws:iam::000000000000:role/${name}`;
}

/** DescribeExecution once the execution is no longer RUNNING (polled every 10 ms, up to 10 s). */
export async function finished(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (let i = 0; i < 1000; i++) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== "RUNNING") return d;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${executionArn} still running`);
}
