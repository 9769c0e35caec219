/**
 * The services the local cloud runs: the property each is reached by on LocalCloud
 * (`cloud.dynamodb`) and the module that implements it. Adding a service means adding
 * its folder and one line here.
 */
export const SERVICE_MODULES = [
  { prop: "iam", module: "./iam/index.js", className: "IamService" },
  { prop: "sts", module: "./sts/index.js", className: "StsService" },
  { prop: "ssm", module: "./ssm/index.js", className: "SsmService" },
  { prop: "logs", module: "./logs/index.js", className: "LogsService" },
  { prop: "dynamodb", module: "./dynamodb/index.js", className: "DynamoDbService" },
  { prop: "s3", module: "./s3/index.js", className: "S3Service" },
  { prop: "sqs", module: "./sqs/index.js", className: "SqsService" },
  { prop: "lambda", module: "./lambda/index.js", className: "LambdaService" },
  { prop: "sns", module: "./sns/index.js", className: "SnsService" },
  { prop: "eventbridge", module: "./events/index.js", className: "EventBridgeService" },
  { prop: "apigateway", module: "./apigatewayv2/index.js", className: "ApiGatewayV2Service" },
  { prop: "cloudformation", module: "./cloudformation/index.js", className: "CloudFormationService" },
] as const;

export type ServiceProp = (typeof SERVICE_MODULES)[number]["prop"];
