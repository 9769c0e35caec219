/**
 * Stage access logs: a stage with AccessLogSettings gets one line per request in
 * the CloudWatch Logs group of its DestinationArn, formatted by substituting the
 * `$context.*` variables of its Format (SST's Api turns these on by default, and the
 * Console reads them). The lines are shipped by the LogShipper (kernel/log-shipper.ts), which
 * batches them; writing never delays or fails the request.
 */

import type { AwsRequest } from "../../types.js";
import type { LogShipper } from "../../kernel/log-shipper.js";
import { clfTime, domainNameOf, sourceIpOf } from "../../lambda-proxy/http-request.js";

export interface AccessLogVariables {
  [name: string]: string | number | undefined;
}

/** A format split into literal text (even indexes) and variable names (odd indexes), once per format. */
const compiled = new Map<string, string[]>();
const MAX_COMPILED = 1000;

function compile(format: string): string[] {
  let parts = compiled.get(format);
  if (!parts) {
    parts = format.split(/\$\{?context\.([A-Za-z0-9_.]+?)\}?(?=[^A-Za-z0-9_.]|$)/);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(format, parts);
  }
  return parts;
}

/**
 * Replaces `$context.a.b` (and `${context.a.b}`) with values; unknown variables become
 * "-", as on AWS. `vars` may be a function, so only the variables the format names are
 * computed.
 */
export function formatAccessLog(format: string, vars: AccessLogVariables | ((name: string) => string | number | undefined)): string {
  const parts = compile(format);
  const lookup = typeof vars === "function" ? vars : (name: string) => vars[name];
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const v = lookup(parts[i]!);
    out += (v === undefined || v === "" ? "-" : String(v)) + parts[i + 1]!;
  }
  return out;
}

const groups = new Map<string, string | undefined>();

export function logGroupOfArn(arn: string): string | undefined {
  let group = groups.get(arn);
  if (group === undefined && !groups.has(arn)) {
    group = /^arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(arn)?.[1];
    if (groups.size >= MAX_COMPILED) groups.clear();
    groups.set(arn, group);
  }
  return group;
}

/** What one served request leaves for its stage's access log (HTTP and REST APIs alike). */
export interface ServedRequest {
  req: AwsRequest;
  apiId: string;
  stageName: string;
  /** The path after the API id, stage included when it is in the URL. */
  path: string;
  requestId: string;
  started: number;
  durationMs: number;
  status: number;
  responseLength: number;
  /** HTTP APIs: the route key; REST APIs: "METHOD /resource/path". */
  routeKey?: string;
  /** REST APIs: the matched resource's path template. */
  resourcePath?: string;
  integrationStatus?: number;
  integrationLatency?: number;
  error?: string;
  /** requestContext.authorizer, when an authorizer ran (its principalId is logged). */
  authorizer?: Record<string, any>;
}

/** The value of `$context.<name>` for a served request; undefined logs "-". */
export function accessLogValue(name: string, s: ServedRequest): string | number | undefined {
  switch (name) {
    case "requestId":
    case "extendedRequestId":
      return s.requestId;
    case "apiId":
      return s.apiId;
    case "stage":
      return s.stageName;
    case "identity.sourceIp":
      return sourceIpOf(s.req.headers);
    case "identity.userAgent":
      return s.req.headers["user-agent"];
    case "requestTime":
      return clfTime(s.started);
    case "requestTimeEpoch":
      return s.started;
    case "httpMethod":
      return s.req.method.toUpperCase();
    case "path":
      return s.path;
    case "routeKey":
      return s.routeKey;
    case "resourcePath":
      return s.resourcePath;
    case "status":
      return s.status;
    case "protocol":
      return "HTTP/1.1";
    case "responseLength":
      return s.responseLength;
    case "responseLatency":
      return s.durationMs;
    case "integrationLatency":
    case "integration.latency":
      return s.integrationLatency;
    case "integrationStatus":
    case "integration.status":
      return s.integrationStatus;
    case "error.message":
    case "integrationErrorMessage":
      return s.error;
    case "domainName":
      return domainNameOf(s.req.headers);
    case "domainPrefix":
      return domainNameOf(s.req.headers).split(".")[0];
    case "authorizer.principalId": {
      const lambda = s.authorizer?.lambda;
      return lambda && typeof lambda === "object" && lambda.principalId != null ? String(lambda.principalId) : undefined;
    }
    default:
      return undefined;
  }
}

/** Formats the request's line and hands it to the shipper (stream `{apiId}_{stage}`); a destination that is no log group is ignored. */
export function writeAccessLog(shipper: LogShipper, settings: { DestinationArn?: string; Format?: string }, defaultFormat: string, s: ServedRequest): void {
  const group = settings.DestinationArn ? logGroupOfArn(settings.DestinationArn) : undefined;
  if (!group) return;
  const line = formatAccessLog(settings.Format || defaultFormat, (name) => accessLogValue(name, s));
  shipper.write(group, `${s.apiId}_${s.stageName}`, { timestamp: s.started, message: line });
}
