/**
 * The Lambda events of WebSocket APIs, in the shapes API Gateway sends them: CONNECT
 * carries the handshake's headers and query string (names as the client spelled them),
 * MESSAGE carries the frame's body, DISCONNECT the close code and reason. All three share
 * one requestContext.
 */
import { clfTime, parseQueryString } from "../../../lambda-proxy/http-request.js";
import { newGatewayRequestId } from "../ids.js";

/** What every event of one connection says about it. */
export interface ConnectionFacts {
  apiId: string;
  stage: string;
  connectionId: string;
  /** Epoch millis of the handshake. */
  connectedAt: number;
  /** `{apiId}.execute-api.localhost`: with `/{stage}`, the management API's endpoint. */
  domainName: string;
  sourceIp: string;
  userAgent?: string;
}

export interface RequestFacts {
  routeKey: string;
  requestId: string;
  /** Epoch millis the frame or handshake arrived. */
  time: number;
  /** What the route's authorizer returned, for requestContext.authorizer. */
  authorizer?: Record<string, unknown>;
}

function requestContext(c: ConnectionFacts, r: RequestFacts, eventType: "CONNECT" | "MESSAGE" | "DISCONNECT", extra: Record<string, unknown> = {}) {
  const identity: Record<string, string> = { sourceIp: c.sourceIp };
  if (c.userAgent !== undefined) identity.userAgent = c.userAgent;
  const context: Record<string, unknown> = {
    routeKey: r.routeKey,
    ...extra,
    eventType,
    extendedRequestId: r.requestId,
    requestTime: clfTime(r.time),
    messageDirection: "IN",
    stage: c.stage,
    connectedAt: c.connectedAt,
    requestTimeEpoch: r.time,
    identity,
    requestId: r.requestId,
    domainName: c.domainName,
    connectionId: c.connectionId,
    apiId: c.apiId,
  };
  if (r.authorizer) context.authorizer = r.authorizer;
  return context;
}

/**
 * Single- and multi-value header maps from a handshake's raw header list (name, value,
 * name, value …), keeping the client's spelling of each name as API Gateway does.
 */
export function handshakeHeaders(rawHeaders: readonly string[]): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

export function connectEvent(c: ConnectionFacts, r: RequestFacts, rawHeaders: readonly string[], rawQuery: string): Record<string, unknown> {
  const event: Record<string, unknown> = handshakeHeaders(rawHeaders);
  const query = parseQueryString(rawQuery);
  if (query.size) {
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (const [name, values] of query) {
      single[name] = values[values.length - 1]!;
      multi[name] = values;
    }
    event.queryStringParameters = single;
    event.multiValueQueryStringParameters = multi;
  }
  event.requestContext = requestContext(c, r, "CONNECT");
  event.isBase64Encoded = false;
  return event;
}

export function messageEvent(c: ConnectionFacts, r: RequestFacts, messageId: string, data: Buffer, binary: boolean): Record<string, unknown> {
  return {
    requestContext: requestContext(c, r, "MESSAGE", { messageId }),
    body: binary ? data.toString("base64") : data.toString("utf8"),
    isBase64Encoded: binary,
  };
}

export function disconnectEvent(c: ConnectionFacts, r: RequestFacts, statusCode: number, reason: string): Record<string, unknown> {
  // API Gateway's $disconnect carries a few headers of its own, not the client's.
  const headers: Record<string, string> = { Host: c.domainName, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": "" };
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  return {
    headers,
    multiValueHeaders,
    requestContext: requestContext(c, r, "DISCONNECT", { disconnectStatusCode: statusCode, disconnectReason: reason }),
    isBase64Encoded: false,
  };
}

/** Ids of connections, messages and requests: 11 random bytes in base64, as AWS's look ("L0SM9cOFvHcCIhw="). */
export const newWebSocketId = newGatewayRequestId;
