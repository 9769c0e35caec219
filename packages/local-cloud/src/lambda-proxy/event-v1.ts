/**
 * The Lambda event of payload format version 1.0: the REST-API-compatible shape an
 * HTTP API sends when an integration asks for it. Single-value maps keep the last
 * value; the multi-value maps keep all of them.
 */
import { ACCOUNT_ID } from "../types.js";
import { clfTime, isTextContentType, parseQueryString, type GatewayRequest } from "./http-request.js";
import type { EventContext } from "./event-v2.js";

export function buildEventV1(req: GatewayRequest, ctx: EventContext): Record<string, unknown> {
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
  const resourcePath = ctx.routeKey === "$default" ? "$default" : ctx.routeKey.replace(/^\S+\s+/, "");
  const text = isTextContentType(req.headers["content-type"]);
  const hasParams = Object.keys(ctx.pathParameters).length > 0;
  return {
    version: "1.0",
    resource: resourcePath,
    path: req.rawPath,
    httpMethod: req.method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: ctx.apiId,
      authorizer: authorizerV1(ctx.authorizer),
      domainName: req.domainName,
      domainPrefix: req.domainName.split(".")[0],
      extendedRequestId: req.requestId,
      httpMethod: req.method,
      identity: {
        accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null,
        principalOrgId: null, sourceIp: req.sourceIp, user: null,
        userAgent: req.headers["user-agent"] ?? "", userArn: null,
      },
      path: req.rawPath,
      protocol: "HTTP/1.1",
      requestId: req.requestId,
      requestTime: clfTime(req.time),
      requestTimeEpoch: req.time,
      resourceId: ctx.routeKey,
      resourcePath,
      stage: req.stage,
    },
    pathParameters: hasParams ? ctx.pathParameters : null,
    stageVariables: ctx.stageVariables && Object.keys(ctx.stageVariables).length ? ctx.stageVariables : null,
    body: req.body.length ? (text ? req.body.toString("utf8") : req.body.toString("base64")) : null,
    isBase64Encoded: req.body.length > 0 && !text,
  };
}

/** Format 1.0 carries a Lambda authorizer's context flat, REST-API style; JWT claims stay under `jwt`. */
function authorizerV1(authorizer: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!authorizer) return undefined;
  const lambda = authorizer.lambda;
  return lambda && typeof lambda === "object" ? { ...(lambda as Record<string, unknown>) } : authorizer;
}
