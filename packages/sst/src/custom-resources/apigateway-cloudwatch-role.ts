/**
 * Custom::APIGatewayCloudWatchRole — API Gateway writes WebSocket and REST access logs
 * only when the account has a CloudWatch role set: create the role SST v2 uses
 * (`apigateway-cloudwatch-logs-role`) and set it, unless the account has one already.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import type * as ApiGatewaySdk from "@aws-sdk/client-api-gateway";
import type * as IamSdk from "@aws-sdk/client-iam";
import { awsSdk } from "./aws-sdk.js";
const { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } = awsSdk<typeof ApiGatewaySdk>("@aws-sdk/client-api-gateway");
const { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } = awsSdk<typeof IamSdk>("@aws-sdk/client-iam");

export async function apiGatewayCloudWatchRole(event: CloudFormationCustomResourceEvent): Promise<void> {
  if (event.RequestType === "Delete") return;
  const { roleName, roleArn } = event.ResourceProperties as Record<string, string>;
  const apig = new APIGatewayClient({ maxAttempts: 10 });
  if ((await apig.send(new GetAccountCommand({}))).cloudwatchRoleArn) return;
  const iam = new IAMClient({});
  try {
    await iam.send(new CreateRoleCommand({
      RoleName: roleName,
      Description: "Role for API Gateway to push logs to CloudWatch",
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    }));
  } catch (e) {
    if ((e as Error)?.name !== "EntityAlreadyExistsException") throw e;
  }
  await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" }));
  // A new role takes a moment before API Gateway accepts it.
  for (let attempt = 0; ; attempt++) {
    try {
      await apig.send(new UpdateAccountCommand({ patchOperations: [{ op: "replace", path: "/cloudwatchRoleArn", value: roleArn }] }));
      return;
    } catch (e) {
      if ((e as Error)?.name !== "BadRequestException" || attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
