/**
 * The Lambda event of payload format version 1.0: the shape REST APIs (v1) send to
 * Lambda proxy integrations, and HTTP APIs send when an integration asks for it.
 * Single-value maps keep the last value; the multi-value maps keep all of them.
 *
 * The two differ where REST APIs know more: a REST API names the matched resource
 * (its id and path template), reports `path` without the stage (requestContext.path
 * keeps it), has no `version`, and passes a body base64-encoded only when the API
 * lists its content type among its binary media types.
 */
import { cognitoCaller } from "../auth/cognito-identity.js";
import { ACCOUNT_ID } from "../types.js";
import { clfTime, isTextContentType, parseQueryString, type GatewayRequest } from "./http-request.js";
import type { EventContext } from "./event-v2.js";

/** What a REST API adds to the event (`rest` argument of buildEventV1). */
export interface RestEventContext {
  /** The matched resource's id (requestContext.resourceId). */
  resourceId: string;
  /** Its path template, "/users/{id}" (resource, requestContext.resourcePath). */
  resourcePath: string;
  /** True when the body is binary by the API's BinaryMediaTypes. */
  binaryBody: boolean;
}

export function buildEventV1(req: GatewayRequest, ctx: EventContext, rest?: RestEventContext): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // the kernel hands us repeated headers joined with ","; the cookie header is one value
    multiValueHeaders[name] = name === "cookie" ? [value] : value.split(",").map((v) => v.trim());
    if (name !== "cookie") headers[name] = multiValueHeaders[name][multiValueHeaders[name].length - 1];
  }
  const query = parseQueryString(req.rawQueryString);
  let queryStringParameters: Record<string, string> | null = null;
  let multiValueQueryStringParameters: Record<string, string[]> | null = null;
  if (query.size) {
    queryStringParameters = {};
    multiValueQueryStringParameters = {};
    for (const [name, values] of query) {
      queryStringParameters[name] = values[values.length - 1];
      multiValueQueryStringParameters[name] = values;
    }
  }
  const resourcePath = rest ? rest.resourcePath : ctx.routeKey === "$default" ? "$default" : ctx.routeKey.replace(/^\S+\s+/, "");
  const text = rest ? !rest.binaryBody : isTextContentType(req.headers["content-type"]);
  const hasParams = Object.keys(ctx.pathParameters).length > 0;
  const event: Record<string, unknown> = {
    version: "1.0",
    resource: resourcePath,
    path: rest ? req.routePath : req.rawPath,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: ctx.apiId,
      authorizer: rest && ctx.authorizer?.iam ? undefined : authorizerV1(ctx.authorizer),
      domainName: req.domainName,
      domainPrefix: req.domainName.split(".")[0],
      extendedRequestId: req.requestId,
      httpMethod: req.method,
      identity: identityOf(req, rest ? (ctx.authorizer?.iam as Record<string, any> | undefined) : undefined),
      path: req.rawPath,
      protocol: "HTTP/1.1",
      requestId: req.requestId,
      requestTime: clfTime(req.time),
      requestTimeEpoch: req.time,
      resourceId: rest ? rest.resourceId : ctx.routeKey,
      resourcePath,
      stage: req.stage,
    },
    pathParameters: hasParams ? ctx.pathParameters : null,
    stageVariables: ctx.stageVariables && Object.keys(ctx.stageVariables).length ? ctx.stageVariables : null,
    body: req.body.length ? (text ? req.body.toString("utf8") : req.body.toString("base64")) : null,
    isBase64Encoded: req.body.length > 0 && !text,
  };
  if (rest) delete event.version;
  return event;
}

/** requestContext.identity; a REST API names an IAM-authorized caller there (and the Cognito identity behind it). */
function identityOf(req: GatewayRequest, iam: Record<string, any> | undefined): Record<string, unknown> {
  // authorizer.iam.cognitoIdentity is the session's WebIdentity (services/apigatewayv2/iam-auth.ts).
  const cognito = cognitoCaller(iam?.cognitoIdentity ?? undefined);
  return {
    accessKey: iam?.accessKey ?? null, accountId: iam?.accountId ?? null, caller: iam?.callerId ?? null,
    cognitoAuthenticationProvider: cognito.authenticationProvider, cognitoAuthenticationType: cognito.authenticationType,
    cognitoIdentityId: cognito.identityId, cognitoIdentityPoolId: cognito.identityPoolId,
    principalOrgId: null, sourceIp: req.sourceIp, user: iam?.userId ?? null,
    userAgent: req.headers["user-agent"] ?? "", userArn: iam?.userArn ?? null,
  };
}

/** Format 1.0 carries a Lambda authorizer's context flat, REST-API style; JWT claims stay under `jwt`. */
function authorizerV1(authorizer: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!authorizer) return undefined;
  const lambda = authorizer.lambda;
  return lambda && typeof lambda === "object" ? { ...(lambda as Record<string, unknown>) } : authorizer;
}
