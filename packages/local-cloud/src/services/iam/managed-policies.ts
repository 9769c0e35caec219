/**
 * The AWS managed policies Lambda apps and the CDK bootstrap stack attach (CDK's Function attaches
 * service-role/AWSLambdaBasicExecutionRole to every function role; event sources add
 * the SQS/DynamoDB ones). Documents are AWS's current default versions. Attaching any
 * other `arn:aws:iam::aws:policy/...` ARN fails with NoSuchEntity, as it would on AWS
 * for a policy that does not exist.
 */
import type { PolicyDocument } from "../../iam/policy-evaluator.js";

export interface ManagedPolicy {
  name: string;
  path: string;
  arn: string;
  policyId: string;
  versionId: string;
  description: string;
  created: string;
  updated: string;
  document: PolicyDocument;
}

const LOGS = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"];

function managed(
  path: string,
  name: string,
  policyId: string,
  versionId: string,
  description: string,
  created: string,
  updated: string,
  document: PolicyDocument,
): ManagedPolicy {
  return { name, path, arn: `arn:aws:iam::aws:policy${path}${name}`, policyId, versionId, description, created, updated, document };
}

export const MANAGED_POLICIES: ManagedPolicy[] = [
  managed("/service-role/", "AWSLambdaBasicExecutionRole", "ANPAJNCQGXC42545SKXIK", "v1",
    "Provides write permissions to CloudWatch Logs.", "2015-04-09T15:03:43Z", "2015-04-09T15:03:43Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: LOGS, Resource: "*" }] }),
  managed("/service-role/", "AWSLambdaSQSQueueExecutionRole", "ANPAJFWJZI6JNND4TSELK", "v2",
    "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
    "2016-11-21T19:23:34Z", "2024-05-06T16:35:16Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", ...LOGS], Resource: "*" }] }),
  managed("/service-role/", "AWSLambdaDynamoDBExecutionRole", "ANPAIP7WNAGMIPYNW4WQG", "v1",
    "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
    "2015-04-09T15:09:29Z", "2015-04-09T15:09:29Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams", ...LOGS], Resource: "*" }] }),
  managed("/service-role/", "AWSLambdaVPCAccessExecutionRole", "ANPAJVTME3YLVNL72YR2K", "v3",
    "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
    "2016-02-11T23:15:26Z", "2024-01-05T22:38:00Z",
    { Version: "2012-10-17", Statement: [{ Sid: "AWSLambdaVPCAccessExecutionPermissions", Effect: "Allow", Action: [...LOGS, "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"], Resource: "*" }] }),
  // CDK's RestApi (SST's ApiGatewayV1Api) gives API Gateway's account a role with this one, for its logs.
  managed("/service-role/", "AmazonAPIGatewayPushToCloudWatchLogs", "ANPAIK4GFO7HLKYN64ASK", "v1",
    "Allows API Gateway to push logs to user's account.", "2015-11-11T23:41:46Z", "2015-11-11T23:41:46Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"], Resource: "*" }] }),
  managed("/", "AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK", "v1",
    "Provides full access to AWS services and resources.", "2015-02-06T18:39:46Z", "2015-02-06T18:39:46Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
  // The real ReadOnlyAccess lists thousands of actions; read-only verbs are its essence.
  managed("/", "ReadOnlyAccess", "ANPAILL3HVNFSB6DCOWYQ", "v1",
    "Provides read-only access to AWS services and resources.", "2015-02-06T18:39:48Z", "2015-02-06T18:39:48Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*:Get*", "*:List*", "*:Describe*", "*:BatchGet*", "*:Query", "*:Scan"], Resource: "*" }] }),
  // The CDK bootstrap stack's DeploymentActionRole attaches this one.
  managed("/", "AWSCloudFormationReadOnlyAccess", "ANPAJWVBEE4I2POWLODLW", "v3",
    "Provides access to AWS CloudFormation via the AWS Management Console.", "2015-02-06T18:39:49Z", "2022-10-21T20:48:28Z",
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["cloudformation:Describe*", "cloudformation:EstimateTemplateCost", "cloudformation:Get*", "cloudformation:List*", "cloudformation:ValidateTemplate", "cloudformation:Detect*"], Resource: "*" }] }),
];

const BY_ARN = new Map(MANAGED_POLICIES.map((p) => [p.arn, p]));

export function managedPolicy(arn: string): ManagedPolicy | undefined {
  return BY_ARN.get(arn);
}

export function isAwsManagedArn(arn: string): boolean {
  return arn.startsWith("arn:aws:iam::aws:policy/");
}
