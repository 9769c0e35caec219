/**
 * REST integrations other than the Lambda proxy: MOCK, AWS (a Lambda function called
 * with the mapped payload — `arn:aws:apigateway:{region}:lambda:path/…/invocations` —
 * or a service, aws-service-call.ts), HTTP (a URL, with templates) and HTTP_PROXY (a
 * URL, the request and answer passed through). All but HTTP_PROXY go through the
 * mapping steps of integration-mapping.ts: request parameters and template in, the
 * integration response out. Failures answer as API Gateway does: a template that does
 * not render, an unreachable endpoint, a role API Gateway cannot assume
 * `500 {"message": "Internal server error"}`, the integration's timeout (29 s unless
 * `TimeoutInMillis`) `504 {"message": "Endpoint request timed out"}`.
 */
import type { GatewayRequest } from "../../../lambda-proxy/http-request.js";
import { parseQueryString } from "../../../lambda-proxy/http-request.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../../lambda-proxy/lambda-invoke.js";
import type { GatewayResponse } from "../../../lambda-proxy/response-map.js";
import { callAwsService, type AwsServiceWire } from "./aws-service-call.js";
import { gatewayError } from "./gateway-responses.js";
import {
  convertContent, internalServerError, mapIntegrationResponse, selectRequestTemplate, unsupportedMediaType, type IntegrationAnswer,
} from "./integration-mapping.js";
import { renderApiTemplate, type MethodParams } from "./mapping-context.js";
import { mapRequestParameters, type IntegrationRequestParts } from "./parameter-mapping.js";

type Doc = Record<string, any>;

export interface IntegrationDeps {
  region: string;
  lambda: () => LambdaInvoker | undefined;
  wire?: AwsServiceWire;
}

/** One method request, as the integrations read it. */
export interface MethodRequestView {
  gw: GatewayRequest;
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  /** `$context` of templates and `context.*` of parameter mappings. */
  context: Record<string, unknown>;
  /** True when a Content-Type is among the API's BinaryMediaTypes. */
  binary: (contentType: string | undefined) => boolean;
  /** TestInvokeMethod's execution log: each step's request and answer, as AWS's log names them. */
  trace?: (line: string) => void;
}

const timedOut = () => gatewayError("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out");
const integrationFailure = () => gatewayError("INTEGRATION_FAILURE", 500, "Internal server error");

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length", "te", "trailer", "proxy-authorization", "proxy-authenticate", "x-forwarded-for"]);

function paramsOf(view: MethodRequestView): MethodParams {
  const query = parseQueryString(view.gw.rawQueryString);
  const querystring: Record<string, string> = {};
  for (const [k, v] of query) querystring[k] = v.at(-1)!;
  // copies: a template may change what it reads (`$input.params().header.put(…)`), never the request
  return { path: { ...view.pathParameters }, querystring, header: { ...view.gw.headers } };
}

/** Serves a non-Lambda-proxy integration. */
export async function serveIntegration(integration: Doc, view: MethodRequestView, deps: IntegrationDeps): Promise<GatewayResponse> {
  const params = paramsOf(view);
  // what templates may set: `#set($context.responseOverride.status = 404)` and the like
  const overrides = { requestOverride: { header: {}, querystring: {}, path: {} }, responseOverride: { header: {} } as Doc };
  view = { ...view, context: { ...view.context, ...overrides } };
  const sources = {
    params, multiQuery: parseQueryString(view.gw.rawQueryString), body: view.gw.body.toString("utf8"),
    context: view.context, stageVariables: view.stageVariables,
  };
  const parts = mapRequestParameters(integration.RequestParameters, sources);
  const trace = view.trace;
  trace?.(`Method request path: ${JSON.stringify(params.path)}`);
  trace?.(`Method request query string: ${JSON.stringify(params.querystring)}`);
  trace?.(`Method request body before transformations: ${sources.body}`);
  if (integration.Type === "HTTP_PROXY") return proxyHttp(integration, view, parts);

  const requestContentType = view.gw.headers["content-type"];
  const mapping = selectRequestTemplate(integration, requestContentType);
  if (mapping.kind === "unsupported") return unsupportedMediaType();
  let payload: Buffer;
  let payloadType: string | undefined = requestContentType;
  const binaryRequest = view.binary(requestContentType);
  if (mapping.kind === "template") {
    const source = binaryRequest ? view.gw.body.toString("base64") : sources.body;
    const rendered = renderApiTemplate(mapping.template, { body: source, params, context: view.context, stageVariables: view.stageVariables });
    if (rendered.error) return internalServerError();
    payload = Buffer.from(rendered.returned ? String(rendered.returned.value ?? "") : rendered.output);
    payloadType = mapping.contentType;
    applyRequestOverride(parts, overrides.requestOverride);
  } else {
    payload = convertContent(view.gw.body, integration.ContentHandling, binaryRequest);
  }

  trace?.(`Endpoint request URI: ${fillUri(String(integration.Uri ?? ""), parts.path, view.stageVariables) || "(none)"}`);
  trace?.(`Endpoint request headers: ${JSON.stringify(parts.header)}`);
  trace?.(`Endpoint request body after transformations: ${payload.toString("utf8")}`);
  const answer = await callBackend(integration, view, parts, payload, payloadType, deps);
  if ("setCookies" in answer) return answer;
  trace?.(`Endpoint response headers: ${JSON.stringify(answer.headers)}`);
  trace?.(`Endpoint response body before transformations: ${answer.body.toString("utf8")}`);
  const response = mapIntegrationResponse(integration, answer, {
    params, context: view.context, stageVariables: view.stageVariables, accept: view.gw.headers["accept"], binary: view.binary,
  });
  applyResponseOverride(response, overrides.responseOverride);
  trace?.(`Method response body after transformations: ${response.body.toString("utf8")}`);
  trace?.(`Method response headers: ${JSON.stringify(response.headers)}`);
  return response;
}

/** `$context.requestOverride.{header,querystring,path}.<name>` a request template set: they replace the mapped values. */
function applyRequestOverride(parts: IntegrationRequestParts, override: { header: Doc; querystring: Doc; path: Doc }): void {
  for (const [k, v] of Object.entries(override.header)) if (v !== undefined && v !== null) parts.header[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(override.querystring)) if (v !== undefined && v !== null) parts.querystring.set(k, [String(v)]);
  for (const [k, v] of Object.entries(override.path)) if (v !== undefined && v !== null) parts.path[k] = String(v);
}

/** `$context.responseOverride.status` and `.header.<name>` a response template set: they replace the integration response's. */
function applyResponseOverride(response: GatewayResponse, override: Doc): void {
  const status = Number(override.status);
  if (Number.isInteger(status) && status >= 100 && status <= 599) response.status = status;
  for (const [k, v] of Object.entries<unknown>(override.header ?? {})) if (v !== undefined && v !== null) response.headers[k.toLowerCase()] = String(v);
}

type BackendResult = IntegrationAnswer | GatewayResponse;

function callBackend(integration: Doc, view: MethodRequestView, parts: IntegrationRequestParts, payload: Buffer, payloadType: string | undefined, deps: IntegrationDeps): Promise<BackendResult> | BackendResult {
  const timeoutMs = Number(integration.TimeoutInMillis ?? 29_000);
  const uri = fillUri(String(integration.Uri ?? ""), parts.path, view.stageVariables);
  switch (integration.Type) {
    case "MOCK":
      return mockAnswer(payload);
    case "HTTP":
      return httpAnswer(uri, integration.IntegrationHttpMethod, view.gw.method, { ...parts.header, ...(payloadType ? { "content-type": payloadType } : {}) }, parts.querystring, payload, timeoutMs);
    case "AWS":
      if (/^arn:aws[\w-]*:apigateway:[^:]*:lambda:path\//.test(uri)) {
        // with a role, Lambda's Invoke is called over the wire as that role, so IAM decides
        if (integration.Credentials) return lambdaAsRole(integration, view, uri, parts, payload, timeoutMs, deps);
        // `integration.request.header.X-Amz-Invocation-Type: 'Event'` invokes asynchronously, as Lambda's Invoke does
        if (parts.header["x-amz-invocation-type"] === "Event") return lambdaEvent(uri, payload, deps);
        return lambdaAnswer(uri, payload, timeoutMs, deps);
      }
      return serviceAnswer(integration, view, uri, parts, payload, payloadType, timeoutMs, deps);
    default:
      return internalServerError();
  }
}

/** A MOCK answers with the status code its rendered request template names (`{"statusCode": 200}`), 200 when none. */
function mockAnswer(payload: Buffer): IntegrationAnswer {
  const status = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(payload.toString("utf8"))?.[1];
  return { status: status ? Number(status) : 200, headers: {}, body: Buffer.alloc(0) };
}

/** A Lambda function called with the mapped payload (which must be JSON); its error's errorMessage selects the response. */
async function lambdaAnswer(uri: string, payload: Buffer, timeoutMs: number, deps: IntegrationDeps): Promise<BackendResult> {
  let event: unknown;
  try {
    event = payload.length ? JSON.parse(payload.toString("utf8")) : {};
  } catch {
    return internalServerError(); // Lambda refuses a payload that is not JSON
  }
  const outcome = await invokeWithTimeout(deps.lambda(), functionFromIntegrationUri(uri), event, timeoutMs);
  if (outcome.kind === "timeout") return timedOut();
  if (outcome.kind === "throttled") return gatewayError("THROTTLED", 429, "Too Many Requests");
  if (outcome.kind === "failed") return internalServerError();
  const headers = { "content-type": "application/json" };
  if (outcome.kind === "ok") return { status: 200, headers, body: outcome.payload, lambda: true };
  let errorMessage = "";
  try {
    errorMessage = String(JSON.parse(outcome.payload.toString("utf8"))?.errorMessage ?? "");
  } catch {
    errorMessage = outcome.payload.toString("utf8");
  }
  return { status: 200, headers, body: outcome.payload, lambda: true, lambdaError: errorMessage };
}

/** An asynchronous invocation: Lambda queues the event and answers 202 with no body; the integration response sees that. */
async function lambdaEvent(uri: string, payload: Buffer, deps: IntegrationDeps): Promise<BackendResult> {
  const lambda = deps.lambda();
  if (!lambda) return internalServerError();
  try {
    const out = await lambda.invoke(functionFromIntegrationUri(uri), payload.length ? payload : Buffer.from("{}"), { invocationType: "Event" });
    return { status: out.statusCode ?? 202, headers: {}, body: Buffer.alloc(0), lambda: true };
  } catch {
    return internalServerError();
  }
}

/** Lambda's Invoke as the integration's role (the URI's path is Invoke's); a function error's errorMessage selects the response. */
async function lambdaAsRole(integration: Doc, view: MethodRequestView, uri: string, parts: IntegrationRequestParts, payload: Buffer, timeoutMs: number, deps: IntegrationDeps): Promise<BackendResult> {
  const answer = await serviceAnswer(integration, view, uri, parts, payload.length ? payload : Buffer.from("{}"), "application/json", timeoutMs, deps);
  if ("setCookies" in answer) return answer;
  if (answer.status >= 300) return answer.status === 429 ? gatewayError("THROTTLED", 429, "Too Many Requests") : internalServerError(); // refused: IAM, no such function, a payload that is not JSON
  if (!answer.headers["x-amz-function-error"]) return { ...answer, lambda: true };
  let errorMessage = "";
  try {
    errorMessage = String(JSON.parse(answer.body.toString("utf8"))?.errorMessage ?? "");
  } catch {
    errorMessage = answer.body.toString("utf8");
  }
  return { ...answer, lambda: true, lambdaError: errorMessage };
}

async function serviceAnswer(integration: Doc, view: MethodRequestView, uri: string, parts: IntegrationRequestParts, payload: Buffer, payloadType: string | undefined, timeoutMs: number, deps: IntegrationDeps): Promise<BackendResult> {
  if (!deps.wire) return internalServerError();
  const headers = { ...parts.header };
  if (payloadType && !headers["content-type"]) headers["content-type"] = payloadType;
  const method = !integration.IntegrationHttpMethod || integration.IntegrationHttpMethod === "ANY" ? view.gw.method : String(integration.IntegrationHttpMethod);
  const result = await callAwsService({ uri, httpMethod: method, body: payload, headers, querystring: parts.querystring, roleArn: integration.Credentials, region: deps.region, timeoutMs }, deps.wire);
  if (result === "timeout") return timedOut();
  if (typeof result === "string") return integrationFailure();
  return result;
}

/** `{name}` placeholders of a URI from the integration request's path parameters, `${stageVariables.x}` from the stage. */
function fillUri(uri: string, path: Record<string, string>, stageVariables: Record<string, string>): string {
  if (!uri.includes("{")) return uri;
  return uri
    .replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, n: string) => stageVariables[n] ?? "")
    .replace(/\{([^{}+]+)\+?\}/g, (whole, n: string) => (n in path ? path[n]!.split("/").map(encodeURIComponent).join("/") : whole));
}

async function httpAnswer(uri: string, integrationMethod: string | undefined, requestMethod: string, headers: Record<string, string>, query: Map<string, string[]>, body: Buffer, timeoutMs: number): Promise<BackendResult> {
  const method = !integrationMethod || integrationMethod === "ANY" ? requestMethod : integrationMethod.toUpperCase();
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return internalServerError();
  }
  for (const [k, values] of query) for (const v of values) url.searchParams.append(k, v);
  try {
    const res = await fetch(url, {
      method, headers, redirect: "manual", signal: AbortSignal.timeout(timeoutMs),
      body: method === "GET" || method === "HEAD" || !body.length ? undefined : new Uint8Array(body),
    });
    const answerHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => (answerHeaders[k] = v));
    return { status: res.status, headers: answerHeaders, body: Buffer.from(await res.arrayBuffer()), cookies: res.headers.getSetCookie() };
  } catch (err) {
    return (err as Error)?.name === "TimeoutError" ? timedOut() : integrationFailure();
  }
}

/** HTTP_PROXY: the whole request goes on (mapped parameters added), the answer comes back as it is. */
async function proxyHttp(integration: Doc, view: MethodRequestView, parts: IntegrationRequestParts): Promise<GatewayResponse> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(view.gw.headers)) if (!HOP_BY_HOP.has(k)) headers[k] = v;
  headers["x-forwarded-for"] = view.gw.sourceIp;
  Object.assign(headers, parts.header);
  const query = parseQueryString(view.gw.rawQueryString);
  for (const [k, v] of parts.querystring) query.set(k, v);
  const uri = fillUri(String(integration.Uri ?? ""), parts.path, view.stageVariables);
  const answer = await httpAnswer(uri, integration.IntegrationHttpMethod, view.gw.method, headers, query, view.gw.body, Number(integration.TimeoutInMillis ?? 29_000));
  if ("setCookies" in answer) return answer;
  const out: GatewayResponse = { status: answer.status, headers: {}, setCookies: answer.cookies ?? [], body: answer.body };
  for (const [name, value] of Object.entries(answer.headers)) {
    if (name === "set-cookie" || HOP_BY_HOP.has(name) || name === "content-encoding") continue;
    out.headers[name] = value;
  }
  return out;
}
