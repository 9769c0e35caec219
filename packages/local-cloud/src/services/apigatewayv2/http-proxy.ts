/**
 * HTTP_PROXY integrations: the request goes on to the integration URL (with the
 * greedy path variable substituted and the query string kept), the answer comes back
 * unchanged apart from hop-by-hop headers.
 */
import type { GatewayRequest } from "../../lambda-proxy/http-request.js";
import { jsonMessage, type GatewayResponse } from "../../lambda-proxy/response-map.js";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length", "te", "trailer", "proxy-authorization", "proxy-authenticate"]);

export function integrationUrl(uri: string, pathParameters: Record<string, string>, stageVariables: Record<string, string>, rawQueryString: string): string {
  let url = uri
    .replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, n) => stageVariables[n] ?? "")
    .replace(/\{([^{}+]+)\+?\}/g, (_, n) => (pathParameters[n] ?? "").split("/").map(encodeURIComponent).join("/"));
  if (rawQueryString) url += (url.includes("?") ? "&" : "?") + rawQueryString;
  return url;
}

export async function proxyHttp(
  req: GatewayRequest,
  integration: { IntegrationUri: string; IntegrationMethod?: string; TimeoutInMillis?: number },
  pathParameters: Record<string, string>,
  stageVariables: Record<string, string>,
): Promise<GatewayResponse> {
  const method = !integration.IntegrationMethod || integration.IntegrationMethod === "ANY" ? req.method : integration.IntegrationMethod;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
  headers["x-forwarded-for"] = req.sourceIp;
  let res: Response;
  try {
    res = await fetch(integrationUrl(integration.IntegrationUri, pathParameters, stageVariables, req.rawQueryString), {
      method,
      headers,
      body: method === "GET" || method === "HEAD" || !req.body.length ? undefined : new Uint8Array(req.body),
      redirect: "manual",
      signal: AbortSignal.timeout(integration.TimeoutInMillis ?? 30_000),
    });
  } catch (err: any) {
    if (err?.name === "TimeoutError") return jsonMessage(503, "Service Unavailable");
    return jsonMessage(500, "Internal Server Error");
  }
  const out: GatewayResponse = { status: res.status, headers: {}, setCookies: [], body: Buffer.from(await res.arrayBuffer()) };
  res.headers.forEach((value, name) => {
    if (name === "set-cookie" || HOP_BY_HOP.has(name) || name === "content-encoding") return;
    out.headers[name] = value;
  });
  out.setCookies.push(...res.headers.getSetCookie());
  return out;
}
