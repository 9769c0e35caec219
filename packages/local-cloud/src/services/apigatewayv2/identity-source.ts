/**
 * Identity sources of authorizers ("$request.header.Authorization",
 * "$request.querystring.token", "$stageVariables.x", "$context.x") resolved against a
 * request. An authorizer with identity sources is not called when any is missing.
 */
import { parseQueryString, type GatewayRequest } from "../../lambda-proxy/http-request.js";

export function resolveIdentitySource(source: string, req: GatewayRequest, stageVariables: Record<string, string>): string | undefined {
  const header = /^\$request\.header\.(.+)$/i.exec(source);
  if (header) return req.headers[header[1].toLowerCase()] || undefined;
  const query = /^\$request\.querystring\.(.+)$/i.exec(source);
  if (query) return parseQueryString(req.rawQueryString).get(query[1])?.join(",") || undefined;
  const stageVar = /^\$stageVariables\.(.+)$/.exec(source);
  if (stageVar) return stageVariables[stageVar[1]] || undefined;
  const context = /^\$context\.(.+)$/.exec(source);
  if (context) {
    const values: Record<string, string> = { requestId: req.requestId, stage: req.stage, httpMethod: req.method, path: req.rawPath };
    return values[context[1]];
  }
  return undefined;
}

/** All identity values in order, or undefined when one is missing. */
export function resolveIdentitySources(sources: string[], req: GatewayRequest, stageVariables: Record<string, string>): string[] | undefined {
  const values: string[] = [];
  for (const s of sources) {
    const v = resolveIdentitySource(s, req, stageVariables);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return values;
}
