/**
 * The API Gateway Management API of a WebSocket API (`ApiGatewayManagementApi` in the
 * SDKs): `POST|GET|DELETE /{stage}/@connections/{connectionId}` on the API's own
 * endpoint, which a function builds from its event (`https://{domainName}/{stage}`).
 * Requests are SigV4-signed for `execute-api`, and the caller's policies must allow
 * execute-api:ManageConnections on `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/@connections/{id}`
 * (what `bind` grants). A connection that is gone is a 410 GoneException.
 */
import type { AwsRequest, AwsResponse } from "../../../types.js";
import { authorizeIam, type IamAuthCloud } from "../iam-auth.js";
import { routeArn } from "../lambda-authorizer.js";
import { MAX_MESSAGE_BYTES, type WebSocketGateway } from "./gateway.js";

export interface ManagementApiDeps {
  region: string;
  gateway: WebSocketGateway;
  iam?: IamAuthCloud;
}

const CONNECTIONS_PATH = /^\/([^/]+)\/@connections\/([^/]+)\/?$/;

/** Answers a management request on a WebSocket API; undefined when the path is none of its. */
export function serveManagement(req: AwsRequest, apiId: string, path: string, deps: ManagementApiDeps): AwsResponse | undefined {
  const m = CONNECTIONS_PATH.exec(path);
  if (!m) return undefined;
  const stage = decodeURIComponent(m[1]!);
  const connectionId = decodeURIComponent(m[2]!);
  const method = req.method.toUpperCase();
  if (method !== "POST" && method !== "GET" && method !== "DELETE") return error(req, 403, "ForbiddenException", "Forbidden");

  if (!deps.iam) return error(req, 403, "ForbiddenException", "Forbidden");
  const arn = routeArn(deps.region, apiId, stage, method, `/@connections/${connectionId}`);
  const auth = authorizeIam(req, deps.iam, arn, "execute-api:ManageConnections");
  if (!auth.ok) {
    const text = auth.response.body.toString("utf8");
    let detail = "Forbidden";
    try {
      const parsed = JSON.parse(text);
      detail = parsed.message ?? parsed.Message ?? detail;
    } catch {}
    return error(req, 403, "ForbiddenException", detail);
  }

  const connection = deps.gateway.connection(apiId, connectionId);
  if (!connection) return error(req, 410, "GoneException", undefined);
  if (method === "GET") {
    const identity: Record<string, string> = { sourceIp: connection.facts.sourceIp };
    if (connection.facts.userAgent !== undefined) identity.userAgent = connection.facts.userAgent;
    const body = JSON.stringify({
      connectedAt: new Date(connection.facts.connectedAt).toISOString(),
      identity,
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    });
    return { status: 200, headers: headersFor(req, "application/json"), body };
  }
  if (method === "DELETE") {
    deps.gateway.disconnect(connection);
    return { status: 204, headers: headersFor(req) };
  }
  if (req.body.length > MAX_MESSAGE_BYTES) return error(req, 413, "PayloadTooLargeException", "Message too long");
  if (!deps.gateway.send(connection, req.body)) return error(req, 410, "GoneException", undefined);
  return { status: 200, headers: headersFor(req) };
}

function headersFor(req: AwsRequest, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = { "x-amzn-requestid": req.requestId };
  if (contentType) headers["content-type"] = contentType;
  return headers;
}

/** A REST-JSON error the SDKs read by its x-amzn-errortype. */
function error(req: AwsRequest, status: number, type: string, message: string | undefined): AwsResponse {
  const headers = { ...headersFor(req, "application/json"), "x-amzn-errortype": type };
  return { status, headers, body: JSON.stringify(message === undefined ? {} : { message }) };
}
