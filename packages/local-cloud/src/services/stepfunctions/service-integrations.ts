/**
 * Which local service and operation a Task resource names: the optimised integrations
 * (`arn:aws:states:::dynamodb:putItem`, `sqs:sendMessage` …) and the AWS SDK ones
 * (`arn:aws:states:::aws-sdk:<service>:<action>`), and how each names its errors in the
 * execution (`DynamoDB.ConditionalCheckFailedException`, `SecretsManager.ResourceNotFoundException`).
 */

export interface Integration {
  /** The local cloud's client (`kernel.clients.<name>`). */
  client: string;
  operation: string;
  /** Prefix of the error names the task fails with. */
  errorPrefix: string;
  /** The service's catch-all exception, for errors the integration has no name for (access denied). */
  genericError: string;
  optimised: boolean;
}

/** The optimised integrations served: resource → service call. */
const OPTIMISED: Record<string, Omit<Integration, "optimised">> = {
  "dynamodb:getItem": { client: "dynamodb", operation: "GetItem", errorPrefix: "DynamoDB", genericError: "AmazonDynamoDBException" },
  "dynamodb:putItem": { client: "dynamodb", operation: "PutItem", errorPrefix: "DynamoDB", genericError: "AmazonDynamoDBException" },
  "dynamodb:updateItem": { client: "dynamodb", operation: "UpdateItem", errorPrefix: "DynamoDB", genericError: "AmazonDynamoDBException" },
  "dynamodb:deleteItem": { client: "dynamodb", operation: "DeleteItem", errorPrefix: "DynamoDB", genericError: "AmazonDynamoDBException" },
  "sqs:sendMessage": { client: "sqs", operation: "SendMessage", errorPrefix: "SQS", genericError: "AmazonSQSException" },
  "sns:publish": { client: "sns", operation: "Publish", errorPrefix: "SNS", genericError: "AmazonSNSException" },
  "events:putEvents": { client: "eventbridge", operation: "PutEvents", errorPrefix: "EventBridge", genericError: "AmazonEventBridgeException" },
};

/** AWS SDK integration service names → the local client and the SDK's name for the service in errors. */
const SDK_SERVICES: Record<string, { client: string; errorPrefix: string }> = {
  dynamodb: { client: "dynamodb", errorPrefix: "DynamoDb" },
  s3: { client: "s3", errorPrefix: "S3" },
  sqs: { client: "sqs", errorPrefix: "Sqs" },
  sns: { client: "sns", errorPrefix: "Sns" },
  eventbridge: { client: "eventbridge", errorPrefix: "EventBridge" },
  lambda: { client: "lambda", errorPrefix: "Lambda" },
  ssm: { client: "ssm", errorPrefix: "Ssm" },
  secretsmanager: { client: "secretsmanager", errorPrefix: "SecretsManager" },
  kinesis: { client: "kinesis", errorPrefix: "Kinesis" },
  cloudwatchlogs: { client: "logs", errorPrefix: "CloudWatchLogs" },
  sfn: { client: "stepfunctions", errorPrefix: "Sfn" },
  iam: { client: "iam", errorPrefix: "Iam" },
  sts: { client: "sts", errorPrefix: "Sts" },
  cognitoidentityprovider: { client: "cognitoidp", errorPrefix: "CognitoIdentityProvider" },
  rdsdata: { client: "rdsdata", errorPrefix: "RdsData" },
  apigatewayv2: { client: "apigateway", errorPrefix: "ApiGatewayV2" },
};

/** The integration a `arn:aws:states:::…` resource names (without its `.sync`/`.waitForTaskToken` suffix), or undefined. */
export function integrationFor(resourceType: string, action: string): Integration | undefined {
  if (resourceType.startsWith("aws-sdk:")) {
    const service = SDK_SERVICES[resourceType.slice("aws-sdk:".length)];
    if (!service) return undefined;
    return { ...service, operation: action.charAt(0).toUpperCase() + action.slice(1), genericError: `${service.errorPrefix}Exception`, optimised: false };
  }
  const hit = OPTIMISED[`${resourceType}:${action}`];
  return hit && { ...hit, optimised: true };
}

/** The error name a failed call surfaces as: `<Prefix>.<Code>` (with the SDK's `Exception` suffix for AWS SDK integrations). */
export function integrationErrorName(integration: Integration, code: string): string {
  if (code === "AccessDeniedException" || code === "AccessDenied" || code === "AuthorizationError" || code === "InternalFailure") {
    return `${integration.errorPrefix}.${integration.genericError}`;
  }
  if (integration.optimised) return `${integration.errorPrefix}.${code}`;
  return `${integration.errorPrefix}.${code.endsWith("Exception") ? code : `${code}Exception`}`;
}

/** The cause AWS gives a failed service call: the message and the service's answer, as the Java SDK words it. */
export function integrationCause(service: string, err: { message?: string; status?: number; code?: string }, requestId: string): string {
  return `${err.message ?? ""} (Service: ${service}, Status Code: ${err.status ?? 400}, Request ID: ${requestId})`;
}
