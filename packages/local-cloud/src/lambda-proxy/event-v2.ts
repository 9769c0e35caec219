/**
 * The Lambda event of payload format version 2.0 (HTTP APIs), built as API Gateway
 * builds it: the cookie header moves into `cookies`, repeated headers and query
 * parameters are joined with ",", and non-text bodies arrive base64-encoded.
 */
import { ACCOUNT_ID } from "../types.js";
import { clfTime, isTextContentType, parseQueryString, type GatewayRequest } from "./http-request.js";

export interface EventContext {
  apiId: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  stageVariables?: Record<string, string>;
  /** requestContext.authorizer, when an authorizer ran. */
  authorizer?: Record<string, unknown>;
}

export function buildEventV2(req: GatewayRequest, ctx: EventContext): Record<string, unknown> {
  // Built on every request: a for-in over the headers, no entries array; no query map
  // for a request without a query string.
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  const given = req.headers;
  for (const name in given) {
    if (name === "cookie") cookies = given[name]!.split(/;\s*/).filter((c) => c !== "");
    else headers[name] = given[name]!;
  }
  headers["x-forwarded-for"] ??= req.sourceIp;
  headers["x-forwarded-proto"] ??= "http";

  let queryStringParameters: Record<string, string> | undefined;
  if (req.rawQueryString) {
    queryStringParameters = {};
    for (const [name, values] of parseQueryString(req.rawQueryString)) queryStringParameters[name] = values.join(",");
  }

  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: ctx.routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
  };
  if (cookies?.length) event.cookies = cookies;
  event.headers = headers;
  if (queryStringParameters && hasKeys(queryStringParameters)) event.queryStringParameters = queryStringParameters;
  const requestContext: Record<string, unknown> = {
    accountId: ACCOUNT_ID,
    apiId: ctx.apiId,
    domainName: req.domainName,
    domainPrefix: req.domainName.split(".")[0],
    http: {
      method: req.method,
      path: req.rawPath,
      protocol: "HTTP/1.1",
      sourceIp: req.sourceIp,
      userAgent: req.headers["user-agent"] ?? "",
    },
    requestId: req.requestId,
    routeKey: ctx.routeKey,
    stage: req.stage,
    time: clfTime(req.time),
    timeEpoch: req.time,
  };
  if (ctx.authorizer) requestContext.authorizer = ctx.authorizer;
  event.requestContext = requestContext;
  if (hasKeys(ctx.pathParameters)) event.pathParameters = ctx.pathParameters;
  if (ctx.stageVariables && hasKeys(ctx.stageVariables)) event.stageVariables = ctx.stageVariables;
  if (req.body.length) {
    const text = isTextContentType(req.headers["content-type"]);
    event.body = text ? req.body.toString("utf8") : req.body.toString("base64");
    event.isBase64Encoded = !text;
  } else event.isBase64Encoded = false;
  return event;
}

/** Whether an object has an own key (without the array Object.keys would build). */
function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true;
  return false;
}
