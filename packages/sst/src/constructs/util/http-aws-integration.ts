/**
 * An HTTP API route that calls an AWS service directly (SST v2's `type: "aws"` route):
 * an AWS_PROXY integration with a subtype such as "EventBridge-PutEvents" or
 * "SQS-SendMessage", a parameter mapping, and a role API Gateway assumes.
 */
import * as apig from "aws-cdk-lib/aws-apigatewayv2";

export interface HttpAwsIntegrationProps {
  /** e.g. apig.HttpIntegrationSubtype.EVENTBRIDGE_PUT_EVENTS */
  readonly subtype: apig.HttpIntegrationSubtype;
  readonly parameterMapping: apig.ParameterMapping;
  readonly credentials: apig.IntegrationCredentials;
}

export class HttpAwsIntegration extends apig.HttpRouteIntegration {
  constructor(id: string, private readonly props: HttpAwsIntegrationProps) {
    super(id);
  }

  bind(_options: apig.HttpRouteIntegrationBindOptions): apig.HttpRouteIntegrationConfig {
    return {
      // AWS service integrations only take payload format 1.0.
      payloadFormatVersion: apig.PayloadFormatVersion.VERSION_1_0,
      type: apig.HttpIntegrationType.AWS_PROXY,
      subtype: this.props.subtype,
      parameterMapping: this.props.parameterMapping,
      credentials: this.props.credentials,
    };
  }
}

/** The IAM service prefix of an integration subtype's service ("SQS-SendMessage" → "sqs"). */
export const AWS_INTEGRATION_SERVICES: Record<string, string> = {
  EventBridge: "events",
  SQS: "sqs",
  AppConfig: "appconfig",
  Kinesis: "kinesis",
  StepFunctions: "states",
};
