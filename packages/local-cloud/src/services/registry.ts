/**
 * The services the local cloud runs, in start order, and the property each is reached
 * by on LocalCloud (`cloud.dynamodb`). Adding a service means adding its folder and one
 * line here.
 */
import type { Service, ServiceDeps } from "../types.js";
import { IamService } from "./iam/index.js";
import { StsService } from "./sts/index.js";
import { SsmService } from "./ssm/index.js";
import { LogsService } from "./logs/index.js";
import { DynamoDbService } from "./dynamodb/index.js";
import { S3Service } from "./s3/index.js";
import { SqsService } from "./sqs/index.js";
import { KinesisService } from "./kinesis/index.js";
import { LambdaService } from "./lambda/index.js";
import { SnsService } from "./sns/index.js";
import { EventBridgeService } from "./events/index.js";
import { ApiGatewayV2Service } from "./apigatewayv2/index.js";
import { CloudFormationService } from "./cloudformation/index.js";
import { AppSyncService } from "./appsync/index.js";
import { CodeBuildService } from "./codebuild/index.js";
import { CloudFrontService } from "./cloudfront/index.js";
import { SecretsManagerService } from "./secretsmanager/index.js";
import { RdsDataService } from "./rdsdata/index.js";
import { CognitoIdpService } from "./cognito-idp/index.js";
import { CognitoIdentityService } from "./cognito-identity/index.js";
import { StepFunctionsService } from "./stepfunctions/index.js";

type ServiceClass = new (deps: ServiceDeps) => Service;

export const SERVICES = [
  ["iam", IamService],
  ["sts", StsService],
  ["ssm", SsmService],
  ["logs", LogsService],
  ["dynamodb", DynamoDbService],
  ["s3", S3Service],
  ["sqs", SqsService],
  ["kinesis", KinesisService],
  ["lambda", LambdaService],
  ["sns", SnsService],
  ["eventbridge", EventBridgeService],
  ["apigateway", ApiGatewayV2Service],
  ["appsync", AppSyncService],
  ["codebuild", CodeBuildService],
  ["cloudfront", CloudFrontService],
  ["secretsmanager", SecretsManagerService],
  ["rdsdata", RdsDataService],
  ["cognitoidp", CognitoIdpService],
  ["cognitoidentity", CognitoIdentityService],
  ["stepfunctions", StepFunctionsService],
  ["cloudformation", CloudFormationService],
] as const satisfies ReadonlyArray<readonly [string, unknown]>;

export type ServiceProp = (typeof SERVICES)[number][0];

export function serviceClasses(): ReadonlyArray<readonly [ServiceProp, ServiceClass]> {
  return SERVICES as unknown as ReadonlyArray<readonly [ServiceProp, ServiceClass]>;
}
