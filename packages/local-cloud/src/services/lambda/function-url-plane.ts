/**
 * The function URL data plane: `/_aws/lambda-url/{urlId}/{path}` invokes the function
 * with the payload-2.0 event Lambda URLs send (routeKey "$default", requestContext
 * with the url id as apiId and domainPrefix) and maps its answer as API Gateway's
 * payload 2.0 does; both reuse the API Gateway data plane's helpers. CORS preflights
 * are answered from the URL's Cors config. AuthType NONE needs a resource-policy
 * statement allowing lambda:InvokeFunctionUrl to "*"; AWS_IAM needs a valid SigV4
 * signature whose principal may lambda:InvokeFunctionUrl the function.
 */
import { AwsError } from "../../server/aws-error.js";
import { readSignature, verifySignature } from "../../server/sigv4.js";
import type { AwsRequest, AwsResponse, Principal } from "../../types.js";
import { applyCors, isPreflight, preflightHeaders } from "../../lambda-proxy/cors.js";
import { buildEventV2 } from "../../lambda-proxy/event-v2.js";
import { domainNameOf, rawQueryOf, sourceIpOf, type GatewayRequest } from "../../lambda-proxy/http-request.js";
import { invokeWithTimeout, type LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";
import { jsonMessage, mapResponseV2, type GatewayResponse } from "../../lambda-proxy/response-map.js";
import type { FunctionUrlOperations, StoredFunctionUrl } from "./function-urls.js";
import { functionArn } from "./names.js";
import type { PolicyStatement } from "./model.js";

export interface FunctionUrlPlaneDeps {
  region: string;
  accountId: string;
  urls: FunctionUrlOperations;
  invoker: LambdaInvoker;
  /** Resource-policy statements of a function (qualifier "" = unqualified). */
  permissions(name: string, qualifier: string): PolicyStatement[];
  /** The function's timeout in seconds, or undefined when it is gone. */
  timeoutOf(name: string, qualifier: string): number | undefined;
  lookupAccessKey(accessKeyId: string, headers?: Record<string, string>): { secretAccessKey: string; sessionToken?: string; principal: Principal } | undefined;
  authorize(ctx: { principal: Principal; region: string; requestId: string }, action: string, resource: string, deny?: (m: string) => AwsError): void;
}

const forbidden = () => jsonMessage(403, "Forbidden");

export async function serveFunctionUrl(deps: FunctionUrlPlaneDeps, req: AwsRequest, rest: string): Promise<AwsResponse> {
  const m = /^\/([a-z0-9]{32})(\/.*)?$/.exec(rest);
  const config = m ? deps.urls.byUrlId(m[1]!) : undefined;
  if (!m || !config) return toAws(jsonMessage(404, "Not Found"), req.requestId);
  const gw: GatewayRequest = {
    method: req.method,
    rawPath: m[2] ?? "/",
    routePath: m[2] ?? "/",
    rawQueryString: rawQueryOf(req),
    headers: req.headers,
    body: req.body,
    sourceIp: sourceIpOf(req.headers),
    domainName: domainNameOf(req.headers),
    stage: "$default",
    requestId: req.requestId,
    time: Date.now(),
  };
  if (config.Cors && isPreflight(req.method, req.headers)) {
    return toAws({ status: 200, headers: preflightHeaders(config.Cors, req.headers), setCookies: [], body: Buffer.alloc(0) }, req.requestId);
  }
  const arn = functionArn(deps.region, deps.accountId, config.functionName, config.qualifier || undefined);
  const auth = authorizeUrl(deps, config, req, arn);
  if (!auth.ok) return toAws(withCors(config, req, auth.response), req.requestId);

  const event = buildEventV2(gw, { apiId: config.urlId, routeKey: "$default", pathParameters: {}, ...(auth.authorizer ? { authorizer: auth.authorizer } : {}) });
  const context = event.requestContext as Record<string, unknown>;
  context.accountId = auth.authorizer ? deps.accountId : "anonymous";
  context.domainPrefix = config.urlId;

  const timeout = deps.timeoutOf(config.functionName, config.qualifier);
  if (timeout === undefined) return toAws(jsonMessage(404, "Not Found"), req.requestId);
  const target = config.qualifier ? `${config.functionName}:${config.qualifier}` : config.functionName;
  const outcome = await invokeWithTimeout(deps.invoker, target, event, (timeout + 5) * 1000);
  // A function that fails or times out is a 502 from a function URL.
  const response = outcome.kind === "ok" ? mapResponseV2(outcome.payload) : jsonMessage(502, "Internal Server Error");
  if (outcome.kind === "ok" && response.status === 500 && response.body.toString() === JSON.stringify({ message: "Internal Server Error" })) {
    response.status = 502; // an answer that cannot be mapped is a bad gateway too
  }
  return toAws(withCors(config, req, response), req.requestId);
}

type UrlAuth = { ok: true; authorizer?: Record<string, unknown> } | { ok: false; response: GatewayResponse };

function authorizeUrl(deps: FunctionUrlPlaneDeps, config: StoredFunctionUrl, req: AwsRequest, arn: string): UrlAuth {
  if (config.AuthType === "NONE") {
    const allowed = deps.permissions(config.functionName, config.qualifier).some((s) => publicUrlStatement(s));
    return allowed ? { ok: true } : { ok: false, response: forbidden() };
  }
  const sig = readSignature(req.headers, req.query);
  if (!sig || "malformed" in sig) return { ok: false, response: forbidden() };
  const key = deps.lookupAccessKey(sig.accessKeyId, req.headers);
  if (!key || verifySignature(sig, key.secretAccessKey, req)) return { ok: false, response: forbidden() };
  if (key.sessionToken !== undefined && sig.securityToken !== key.sessionToken) return { ok: false, response: forbidden() };
  // verifySignature hashed the body itself: a body swapped under a kept x-amz-content-sha256 already failed.
  try {
    deps.authorize({ principal: key.principal, region: sig.region, requestId: req.requestId }, "lambda:InvokeFunctionUrl", arn, (msg) => new AwsError("AccessDeniedException", msg, 403));
  } catch {
    return { ok: false, response: forbidden() };
  }
  const p = key.principal;
  const callerId = p.arn.split("/").slice(-2).join(":");
  return {
    ok: true,
    authorizer: { iam: { accessKey: sig.accessKeyId, accountId: deps.accountId, callerId, cognitoIdentity: null, principalOrgId: null, userArn: p.arn, userId: callerId } },
  };
}

/** `lambda:InvokeFunctionUrl` (or a wildcard) for Principal "*", conditioned on auth type NONE. */
function publicUrlStatement(s: PolicyStatement): boolean {
  const principalOk = s.Principal === "*" || (typeof s.Principal === "object" && "AWS" in s.Principal && s.Principal.AWS === "*");
  const actionOk = s.Action === "lambda:InvokeFunctionUrl" || s.Action === "lambda:*" || s.Action === "*";
  const authType = s.Condition?.StringEquals?.["lambda:FunctionUrlAuthType"];
  return principalOk && actionOk && (authType === undefined || authType === "NONE");
}

function withCors(config: StoredFunctionUrl, req: AwsRequest, r: GatewayResponse): GatewayResponse {
  if (config.Cors) applyCors(config.Cors, req.headers, r.headers);
  return r;
}

function toAws(r: GatewayResponse, requestId: string): AwsResponse {
  const headers: Record<string, any> = { ...r.headers, "x-amzn-requestid": requestId };
  if (r.setCookies.length) headers["set-cookie"] = r.setCookies; // node's writeHead sends an array as repeated headers
  return { status: r.status, headers, body: r.body };
}
