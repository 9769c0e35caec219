/**
 * Access logs of an API Gateway REST API (v1) stage as SST v2 writes them: JSON lines
 * (REST API `$context` variables) to a new log group `LogGroup` kept forever, unless
 * turned off, sent to an existing group (`destinationArn`) or given another format.
 */
import type { Construct } from "constructs";
import * as logs from "aws-cdk-lib/aws-logs";
import * as apig from "aws-cdk-lib/aws-apigateway";

export interface AccessLogProps {
  format?: string;
  destinationArn?: string;
  retention?: Lowercase<keyof typeof logs.RetentionDays>;
}

export interface AccessLogData {
  /** Set only when the log group is created here. */
  logGroup?: logs.LogGroup;
  format: apig.AccessLogFormat;
  destination: apig.LogGroupLogDestination;
}

/** Integers (status, latency) stay unquoted so the lines parse as numbers. */
const DEFAULT_FORMAT = `{${[
  `"requestTime":"$context.requestTime"`,
  `"requestId":"$context.requestId"`,
  `"httpMethod":"$context.httpMethod"`,
  `"path":"$context.path"`,
  `"resourcePath":"$context.resourcePath"`,
  `"status":$context.status`,
  `"responseLatency":$context.responseLatency`,
  `"xrayTraceId":"$context.xrayTraceId"`,
  `"integrationRequestId":"$context.integration.requestId"`,
  `"functionResponseStatus":"$context.integration.status"`,
  `"integrationLatency":"$context.integration.latency"`,
  `"integrationServiceStatus":"$context.integration.integrationStatus"`,
  `"ip":"$context.identity.sourceIp"`,
  `"userAgent":"$context.identity.userAgent"`,
  `"principalId":"$context.authorizer.principalId"`,
].join(",")}}`;

/** Undefined when access logging is off (`false`). Throws on a retention CloudWatch does not have. */
export function buildRestApiAccessLog(scope: Construct, accessLog: boolean | string | AccessLogProps | undefined): AccessLogData | undefined {
  if (accessLog === false) return undefined;
  const props = typeof accessLog === "object" ? accessLog : {};
  let logGroup: logs.LogGroup | undefined;
  let destination: apig.LogGroupLogDestination;
  if (props.destinationArn) {
    destination = new apig.LogGroupLogDestination(logs.LogGroup.fromLogGroupArn(scope, "LogGroup", props.destinationArn));
  } else {
    const retention = props.retention ?? "infinite";
    const days = logs.RetentionDays[retention.toUpperCase() as keyof typeof logs.RetentionDays];
    if (days === undefined) throw new Error(`Invalid access log retention value "${retention}".`);
    logGroup = new logs.LogGroup(scope, "LogGroup", { retention: days });
    destination = new apig.LogGroupLogDestination(logGroup);
  }
  const format = props.format ?? (typeof accessLog === "string" ? accessLog : DEFAULT_FORMAT);
  return { logGroup, format: apig.AccessLogFormat.custom(format), destination };
}
