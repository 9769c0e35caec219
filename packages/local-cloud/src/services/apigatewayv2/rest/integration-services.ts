/**
 * The services a REST API's `AWS` integration can call locally
 * (`arn:aws:apigateway:{region}:{service}:action/…` or `…:path/…`), by the name in the
 * URI: aws-service-call.ts calls them, and SST's synth names the integrations that call
 * anything else (`sst dev` says they answer 500 locally).
 */
export const LOCAL_INTEGRATION_SERVICES = ["dynamodb", "events", "kinesis", "lambda", "logs", "secretsmanager", "sns", "sqs", "ssm", "sts", "iam", "s3", "states"] as const;

export type LocalIntegrationService = (typeof LOCAL_INTEGRATION_SERVICES)[number];
