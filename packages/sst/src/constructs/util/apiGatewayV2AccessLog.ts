/**
 * Access logs of API Gateway v2 stages as SST v2 writes them: JSON lines to a vended
 * log group `/aws/vendedlogs/apis/{stage}-{app}-{api}-{apiId}/{stageName}` kept
 * forever, unless turned off, sent elsewhere or given another format.
 */
import type { Construct } from "constructs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as apig from "aws-cdk-lib/aws-apigatewayv2";
import { App } from "../App.js";

export interface AccessLogProps {
  format?: string;
  destinationArn?: string;
  retention?: Lowercase<keyof typeof logs.RetentionDays>;
}

const HTTP_FIELDS = [
  `"requestTime":"$context.requestTime"`, `"requestId":"$context.requestId"`, `"httpMethod":"$context.httpMethod"`,
  `"path":"$context.path"`, `"routeKey":"$context.routeKey"`,
  // numbers, not quoted
  `"status":$context.status`, `"responseLatency":$context.responseLatency`,
  `"integrationRequestId":"$context.integration.requestId"`, `"integrationStatus":"$context.integration.status"`,
  `"integrationLatency":"$context.integration.latency"`, `"integrationServiceStatus":"$context.integration.integrationStatus"`,
  `"ip":"$context.identity.sourceIp"`, `"userAgent":"$context.identity.userAgent"`,
];

const WEBSOCKET_FIELDS = [
  `"requestTime":"$context.requestTime"`, `"requestId":"$context.requestId"`, `"eventType":"$context.eventType"`,
  `"routeKey":"$context.routeKey"`, `"status":$context.status`,
  `"integrationRequestId":"$context.awsEndpointRequestId"`, `"integrationStatus":"$context.integrationStatus"`,
  `"integrationLatency":"$context.integrationLatency"`, `"integrationServiceStatus":"$context.integration.integrationStatus"`,
  `"ip":"$context.identity.sourceIp"`, `"userAgent":"$context.identity.userAgent"`,
  `"cognitoIdentityId":"$context.identity.cognitoIdentityId"`, `"connectedAt":"$context.connectedAt"`,
  `"connectionId":"$context.connectionId"`,
];

/** Sets the stage's access log settings; returns the log group it created, if any. */
export function buildAccessLog(
  scope: Construct,
  accessLog: boolean | string | AccessLogProps | undefined,
  stage: apig.HttpStage | apig.WebSocketStage,
  isDefaultStage: boolean,
): logs.LogGroup | undefined {
  if (accessLog === false) return undefined;
  const props = typeof accessLog === "object" ? accessLog : {};
  let logGroup: logs.LogGroup | undefined;
  let destinationArn = props.destinationArn;
  if (!destinationArn) {
    const apiName = App.of(scope).logicalPrefixedName(scope.node.id);
    logGroup = new logs.LogGroup(scope, "LogGroup" + (isDefaultStage ? "" : stage.stageName), {
      logGroupName: `/aws/vendedlogs/apis/${cleanupLogGroupName(apiName)}-${stage.api.apiId}/${cleanupLogGroupName(stage.stageName)}`,
      retention: retentionOf(props.retention),
    });
    destinationArn = logGroup.logGroupArn;
  }
  const format = props.format ?? (typeof accessLog === "string" ? accessLog
    : `{${(stage instanceof apig.WebSocketStage ? WEBSOCKET_FIELDS : HTTP_FIELDS).join(",")}}`);
  const cfnStage = stage.node.defaultChild as apig.CfnStage | undefined;
  if (!cfnStage) throw new Error(`Failed to define the default stage for the API`);
  cfnStage.accessLogSettings = { format, destinationArn };
  return logGroup;
}

/** Log group names allow only `.-_/#` and letters and digits ("$default" becomes "default"). */
export function cleanupLogGroupName(s: string): string {
  return s.replace(/[^.\-_/#A-Za-z0-9]/g, "");
}

function retentionOf(retention: string | undefined): logs.RetentionDays {
  if (!retention) return logs.RetentionDays.INFINITE;
  const value = logs.RetentionDays[retention.toUpperCase() as keyof typeof logs.RetentionDays];
  if (value === undefined) throw new Error(`Invalid access log retention value "${retention}".`);
  return value;
}
