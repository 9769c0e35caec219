/**
 * The cloud's event bus: what happened, for sst dev, the Console and services that wake
 * on each other's writes (the Lambda pollers on `sqs:message`, `dynamodb:stream` and `kinesis:records`).
 * An EventEmitter whose event names and payloads are typed by CloudEventMap.
 */
import { EventEmitter } from "node:events";

export interface LambdaErrorSummary {
  errorType: string;
  errorMessage: string;
  stack?: string[];
}

export interface CloudEventMap {
  "lambda:start": { functionName: string; requestId: string };
  "lambda:log": { functionName: string; requestId: string; line: string };
  "lambda:end": { functionName: string; requestId: string; durationMs: number; status: string; error?: LambdaErrorSummary; [extra: string]: unknown };
  "lambda:poller": { message: string };
  "lambda:async": { functionName: string; requestId: string; attempt: number; status: string };
  "lambda:destination-failed": { destination: string; error: string };
  "ssm:changed": { name: string };
  "sqs:message": { queueArn: string; queueUrl: string };
  "dynamodb:stream": { streamArn: string };
  "kinesis:records": { streamArn: string };
  "sns:delivered": { subscriptionArn: string; messageId: string; protocol: string };
  "sns:delivery-failed": { subscriptionArn: string; messageId: string; protocol: string; error: string };
  "sns:dead-lettered": { subscriptionArn: string; messageId: string; queueArn: string };
  "eventbridge:event": { busName: string; event: unknown };
  "eventbridge:scheduled": { ruleArn: string; eventId: string };
  "eventbridge:delivered": { ruleArn: string; targetId: string; eventId: string };
  "eventbridge:delivery-failed": { ruleArn: string; targetId: string; eventId: string; error: string };
  "s3:notification": { destination: unknown; event: unknown };
  "apigateway:request": { apiId: string; method: string; path: string; routeKey?: string; status: number; durationMs: number; requestId: string };
  /** A code Cognito would have emailed or texted (sign-up, forgot password, attribute verification, temporary password). */
  "cognito:code": { userPoolId: string; username: string; purpose: string; attribute: string; destination: string; code: string; message?: string };
  /** A user pool domain was created: its hosted UI answers at `url` (hosted-ui/domain-host.ts). */
  "cognito:domain": { userPoolId: string; domain: string; url: string };
  /** A federated identity provider that cannot sign anyone in locally (social, SAML) was created: `local` says why. */
  "cognito:identity-provider": { userPoolId: string; providerName: string; providerType: string; local: string };
  "cloudformation:event": { StackId: string; StackName: string; LogicalResourceId: string; ResourceStatus: string; [field: string]: unknown };
}

export type CloudEventName = keyof CloudEventMap;

export class CloudEvents extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(100);
  }

  override emit<K extends CloudEventName>(event: K, payload: CloudEventMap[K]): boolean {
    return super.emit(event, payload);
  }

  override on<K extends CloudEventName>(event: K, listener: (payload: CloudEventMap[K]) => void): this {
    return super.on(event, listener);
  }

  override once<K extends CloudEventName>(event: K, listener: (payload: CloudEventMap[K]) => void): this {
    return super.once(event, listener);
  }

  override off<K extends CloudEventName>(event: K, listener: (payload: CloudEventMap[K]) => void): this {
    return super.off(event, listener);
  }
}
