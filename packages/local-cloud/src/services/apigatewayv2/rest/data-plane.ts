/**
 * The execute-api data plane of REST APIs (v1): `/{stage}/{path}` is served by what
 * the stage's deployment froze. The path selects a method as HTTP APIs select a route
 * (route-match.ts: literals beat `{param}`, which beats `{proxy+}`; an explicit method
 * beats ANY); its authorization runs (IAM, a Lambda TOKEN/REQUEST authorizer); then its
 * integration: a Lambda proxy (the v1 proxy event, REST flavour), or MOCK, AWS, HTTP and
 * HTTP_PROXY with their mapping templates (integrations.ts). Errors have AWS's shapes: no stage or method is 403 "Missing
 * Authentication Token", a failed or malformed Lambda answer 502 "Internal server
 * error", the integration's timeout (29 s unless set) 504.
 */
import { randomUUID } from "node:crypto";
import type { EventEmitter } from "node:events";
import type { AwsRequest, AwsResponse, Principal } from "../../../types.js";
import type { EventContext } from "../../../lambda-proxy/event-v2.js";
import { buildEventV1, type RestEventContext } from "../../../lambda-proxy/event-v1.js";
import { gatewayRequestOf, parseQueryString, type GatewayRequest } from "../../../lambda-proxy/http-request.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../../lambda-proxy/lambda-invoke.js";
import { mapResponseV1, type GatewayResponse } from "../../../lambda-proxy/response-map.js";
import { asGatewayError, customizeGatewayResponse, gatewayError, type GatewayResponseConfig } from "./gateway-responses.js";
import { LogShipper } from "../../../kernel/log-shipper.js";
import { writeAccessLog } from "../access-log.js";
import { newGatewayRequestId } from "../ids.js";
import { authorizeIam, type IamAuthCloud } from "../iam-auth.js";
import { routeArn } from "../lambda-authorizer.js";
import { selectRoute } from "../route-match.js";
import type { ApiGatewayStore } from "../store.js";
import { ExecuteApiPlane, type ServedRequest } from "../request-envelope.js";
import { RestAuthorizers, type RestAuthorizer } from "./authorizer.js";
import type { RestSnapshot } from "./management.js";
import { serveIntegration, type IntegrationDeps } from "./integrations.js";
import type { AwsServiceWire } from "./aws-service-call.js";
import type { RequestSources } from "./parameter-mapping.js";
import { checkResourcePolicy, resourcePolicyAllows } from "./resource-policy.js";
import { ModelSchemas, validateRequest } from "./request-validation.js";
import { UsageLimits } from "./usage-limits.js";
import { StageThrottle } from "./stage-throttle.js";
import { JwksCache } from "../jwt.js";

type Doc = Record<string, any>;

export interface RestDataPlaneDeps {
  store: ApiGatewayStore;
  region: string;
  events?: EventEmitter;
  lambda: () => LambdaInvoker | undefined;
  iam?: IamAuthCloud;
  /** CloudWatch Logs, for stage access logs. */
  logs?: () => { call(operation: string, input: any): Promise<any> } | undefined;
  /** Signing keys of Cognito user pools (COGNITO_USER_POOLS authorizers). */
  jwks?: JwksCache;
  /** The cloud's wire, for AWS service integrations called as their role. */
  wire?: AwsServiceWire;
}

/** What TestInvokeMethod takes. */
export interface TestInvokeInput {
  pathWithQueryString?: string;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
}

/** What TestInvokeMethod answers. */
export interface TestInvokeResult {
  status: number;
  body: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  log: string;
  latency: number;
}

/** One method as route-match.ts selects it: "GET /users/{id}". */
interface MethodRoute {
  RouteKey: string;
  method: Doc;
  resourcePath: string;
}

/** A REST API's own settings, as the data plane reads them. */
interface ServedApi {
  api: Doc;
  stages: Map<string, Doc>;
  gatewayResponses: Map<string, GatewayResponseConfig>;
}

/** A deployment compiled for serving (deployments never change once made). */
interface ServedDeployment {
  routes: MethodRoute[];
  authorizers: Map<string, Doc>;
  validators: Map<string, Doc>;
  models: ModelSchemas;
  /** The API's resource policy as deployed. */
  policy?: string;
}

const missingAuthenticationToken = () => gatewayError("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", "MissingAuthenticationTokenException");
const forbidden = (type = "DEFAULT_4XX") => gatewayError(type, 403, "Forbidden", "ForbiddenException");
const internalError = () => gatewayError("DEFAULT_5XX", 500, "Internal server error");
const badGateway = () => gatewayError("DEFAULT_5XX", 502, "Internal server error");
/** AWS's answers for a request a method's API key requirement, or a throttle, turns away. */
const USAGE_REFUSALS = {
  forbidden: () => forbidden("INVALID_API_KEY"),
  throttled: () => gatewayError("THROTTLED", 429, "Too Many Requests", "TooManyRequestsException"),
  "quota-exceeded": () => gatewayError("QUOTA_EXCEEDED", 429, "Limit Exceeded", "LimitExceededException"),
};

/** API Gateway's CLF-like format for a REST stage whose access log setting gives none. */
const REST_API_LOG_FORMAT = '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId';

/** What one request leaves for the event stream and the stage's access log. */
interface Served extends ServedRequest {
  stage?: Doc;
  resourcePath?: string;
  authorizer?: Record<string, unknown>;
  integrationStatus?: number;
  integrationLatency?: number;
  /** What gateway responses map from the request (made only when one applies). */
  request?: () => RequestSources;
}

export class RestDataPlane extends ExecuteApiPlane<Served> {
  private readonly authorizers: RestAuthorizers;
  private readonly usage: UsageLimits;
  private readonly stageThrottle = new StageThrottle();
  /** Stage access logs, batched to CloudWatch Logs (a missing group drops its lines, as on AWS). */
  readonly accessLogs: LogShipper;
  private generation = -1;
  private restApiIds = new Set<string>();
  private readonly deployments = new Map<string, ServedDeployment>();
  /** Each REST API's own document, stages and gateway responses, read once per change of the store. */
  private readonly apis = new Map<string, ServedApi>();

  protected readonly events: EventEmitter | undefined;
  private readonly integrationDeps: IntegrationDeps;

  constructor(private readonly deps: RestDataPlaneDeps) {
    super();
    this.events = deps.events;
    this.authorizers = new RestAuthorizers(deps.lambda, deps.jwks ?? new JwksCache());
    this.usage = new UsageLimits(deps.store);
    this.accessLogs = new LogShipper(() => deps.logs?.(), { createGroups: false });
    this.integrationDeps = { region: deps.region, lambda: deps.lambda, wire: deps.wire };
  }

  /** True when `apiId` is a REST API (read once per change of the store, not per request). */
  serves(apiId: string): boolean {
    this.refresh();
    return this.restApiIds.has(apiId);
  }

  private refresh(): void {
    if (this.generation === this.deps.store.generation) return;
    this.generation = this.deps.store.generation;
    this.restApiIds = new Set(this.deps.store.listRestApiIds());
    this.deployments.clear();
    this.apis.clear();
  }

  protected newRequestId(): string {
    return randomUUID();
  }

  protected failed(): Served {
    return { response: internalError() };
  }

  protected answer(req: AwsRequest, apiId: string, path: string, requestId: string, started: number, durationMs: number, served: Served): AwsResponse {
    const { response, routeKey } = served;
    const logSetting = served.stage?.AccessLogSetting;
    if (logSetting?.DestinationArn) {
      writeAccessLog(this.accessLogs, logSetting, REST_API_LOG_FORMAT, {
        req, apiId, stageName: served.stage!.StageName, path, requestId, started, durationMs, status: response.status,
        responseLength: response.body.length, routeKey, resourcePath: served.resourcePath, integrationStatus: served.integrationStatus,
        integrationLatency: served.integrationLatency, authorizer: served.authorizer,
      });
    }
    const gatewayResponses = this.apiOf(apiId)?.gatewayResponses;
    if (gatewayResponses) customizeGatewayResponse(response, gatewayResponses, { requestId, request: served.request });
    const headers: Record<string, any> = response.headers;
    headers["x-amzn-requestid"] = requestId;
    headers["x-amz-apigw-id"] = newGatewayRequestId();
    if (response.setCookies.length) headers["set-cookie"] = response.setCookies;
    headers["content-length"] = String(response.body.length);
    return { status: response.status, headers, body: req.method.toUpperCase() === "HEAD" ? undefined : response.body };
  }

  protected async serve(req: AwsRequest, apiId: string, path: string, requestId: string, time: number): Promise<Served> {
    const served = this.apiOf(apiId);
    const stageName = path.split("/")[1] ?? "";
    if (!stageName) return { response: missingAuthenticationToken() };
    const stage = served?.stages.get(safeDecode(stageName));
    if (!served || !stage) return { response: forbidden() };
    const deployment = this.deploymentOf(apiId, stage.DeploymentId);
    if (!deployment) return { response: forbidden(), stage };
    const routePath = path.slice(stageName.length + 1) || "/";

    const gw = gatewayRequestOf(req, { rawPath: path, routePath, stage: stage.StageName, requestId, time });
    const match = selectRoute(deployment.routes, gw.method, routePath);
    if (!match) return { response: missingAuthenticationToken(), stage };
    const { method, resourcePath } = match.route;
    const rest: RestEventContext = { resourceId: method.ResourceId, resourcePath, binaryBody: isBinary(served.api.BinaryMediaTypes ?? [], req.headers["content-type"], req.headers["accept"]) };
    const ctx: EventContext = { apiId, routeKey: match.route.RouteKey, pathParameters: match.pathParameters, stageVariables: stage.Variables ?? {} };
    const methodArn = routeArn(this.deps.region, apiId, stage.StageName, gw.method, routePath);

    const request = () => requestSourcesOf(gw, ctx, rest);
    const matched = { stage, routeKey: ctx.routeKey, resourcePath, request };
    if (!this.stageThrottle.admits(apiId, stage, resourcePath, method.HttpMethod)) return { ...matched, response: USAGE_REFUSALS.throttled() };
    const auth = await this.authorize(method, deployment, req, gw, ctx, rest, methodArn);
    if (auth?.denied) return { ...matched, response: auth.denied };
    const iamCaller = ctx.authorizer?.iam as Record<string, any> | undefined;
    const policyRefusal = checkResourcePolicy(deployment.policy, methodArn, { principalArn: iamCaller?.userArn, sourceIp: gw.sourceIp, secure: false });
    if (policyRefusal) return { ...matched, response: policyRefusal };
    if (method.ApiKeyRequired) {
      // the key comes from the authorizer's usageIdentifierKey when the API says so, else x-api-key
      const key = served.api.ApiKeySourceType === "AUTHORIZER" ? auth?.usageIdentifierKey : req.headers["x-api-key"];
      const verdict = this.usage.check(apiId, stage.StageName, key, resourcePath, method.HttpMethod);
      if (verdict !== "ok") return { ...matched, response: USAGE_REFUSALS[verdict]() };
    }
    const invalid = this.validate(method, deployment, gw, ctx);
    if (invalid) return { ...matched, response: invalid };

    const integrationStarted = Date.now();
    const response = await this.integrate(method, req, gw, ctx, rest, served.api.BinaryMediaTypes ?? []);
    return { ...matched, response, authorizer: ctx.authorizer, integrationStatus: response.status, integrationLatency: Date.now() - integrationStarted };
  }

  /** Calls the method's integration: a Lambda proxy, or one of integrations.ts (MOCK, AWS, HTTP, HTTP_PROXY). */
  private integrate(method: Doc, req: AwsRequest, gw: GatewayRequest, ctx: EventContext, rest: RestEventContext, binaryMediaTypes: string[], trace?: (line: string) => void): Promise<GatewayResponse> | GatewayResponse {
    const integration: Doc = method.Integration ?? {};
    if (integration.Type === "AWS_PROXY") {
      if (/:lambda:path\/|^arn:aws[\w-]*:lambda:/.test(String(integration.Uri ?? ""))) return this.invokeLambda(integration, gw, ctx, rest);
      return internalError(); // AWS_PROXY is for Lambda functions only
    }
    return serveIntegration(integration, {
      gw, pathParameters: ctx.pathParameters, stageVariables: ctx.stageVariables ?? {}, context: templateContextOf(gw, ctx, rest),
      binary: (contentType) => isBinary(binaryMediaTypes, contentType, undefined), trace,
    }, this.integrationDeps);
  }

  /**
   * TestInvokeMethod: the method as it is now (not as deployed), called without its
   * authorization or API key, in the stage "test-invoke-stage" with the given stage
   * variables, as the console's Test button does. Undefined when there is no such method.
   */
  async testInvoke(apiId: string, resourceId: string, httpMethod: string, input: TestInvokeInput, principal: Principal): Promise<TestInvokeResult | undefined> {
    const { store } = this.deps;
    const method = store.get<Doc>(apiId, "restmethod", `${resourceId}-${httpMethod.toUpperCase()}`);
    const resource = store.get<Doc>(apiId, "restresource", resourceId);
    const api = store.get<Doc>(apiId, "restapi", apiId);
    if (!method || !resource || !api) return undefined;
    const started = Date.now();
    const stage = "test-invoke-stage";
    const target = input.pathWithQueryString || resource.Path;
    const q = target.indexOf("?");
    const routePath = q < 0 ? target : target.slice(0, q);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
    for (const [k, v] of Object.entries(input.multiValueHeaders ?? {})) headers[k.toLowerCase()] = v.join(",");
    const req: AwsRequest = {
      requestId: randomUUID(), method: method.HttpMethod === "ANY" ? "GET" : method.HttpMethod, path: `/${stage}${routePath}`,
      query: new URLSearchParams(q < 0 ? "" : target.slice(q + 1)), headers, body: Buffer.from(input.body ?? ""),
      service: "execute-api", region: this.deps.region, principal,
    };
    const route = { RouteKey: `${method.HttpMethod} ${resource.Path}` };
    const match = selectRoute([route], req.method, routePath);
    if (!match) return { status: 400, body: JSON.stringify({ message: `The path ${routePath} does not match the resource ${resource.Path}` }), headers: {}, multiValueHeaders: {}, latency: 0, log: "" };
    const gw = gatewayRequestOf(req, { rawPath: req.path, routePath, stage, requestId: req.requestId, time: started });
    const rest: RestEventContext = { resourceId, resourcePath: resource.Path, binaryBody: isBinary(api.BinaryMediaTypes ?? [], headers["content-type"], headers["accept"]) };
    const ctx: EventContext = { apiId, routeKey: route.RouteKey, pathParameters: match.pathParameters, stageVariables: input.stageVariables ?? {} };
    const steps: string[] = [];
    const response = await this.integrate(method, req, gw, ctx, rest, api.BinaryMediaTypes ?? [], (line) => steps.push(`${new Date().toUTCString()} : ${line}\n`));
    const latency = Date.now() - started;
    const single: Record<string, string> = {};
    const multi: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(response.headers)) (single[k] = String(v)), (multi[k] = [String(v)]);
    if (response.setCookies.length) (single["Set-Cookie"] = response.setCookies.at(-1)!), (multi["Set-Cookie"] = response.setCookies);
    const log = `Execution log for request ${req.requestId}\n${new Date(started).toUTCString()} : Starting execution for request: ${req.requestId}\n` +
      `${new Date(started).toUTCString()} : HTTP Method: ${method.HttpMethod}, Resource Path: ${routePath}\n` + steps.join("") +
      `${new Date().toUTCString()} : Method completed with status: ${response.status}\n`;
    return { status: response.status, body: response.body.toString("utf8"), headers: single, multiValueHeaders: multi, latency, log };
  }

  /** The REST API as it is now (gateway responses are read live, not per deployment); undefined for an unknown id. */
  private apiOf(apiId: string): ServedApi | undefined {
    this.refresh();
    let served = this.apis.get(apiId);
    if (!served && this.restApiIds.has(apiId)) {
      const { store } = this.deps;
      const api = store.get<Doc>(apiId, "restapi", apiId);
      if (!api) return undefined;
      served = {
        api,
        stages: new Map(store.list<Doc>(apiId, "reststage").map((st) => [st.StageName, st])),
        gatewayResponses: new Map(store.list<GatewayResponseConfig>(apiId, "restgatewayresponse").map((g) => [g.ResponseType, g])),
      };
      this.apis.set(apiId, served);
    }
    return served;
  }

  private deploymentOf(apiId: string, deploymentId: string): ServedDeployment | undefined {
    const key = `${apiId}/${deploymentId}`;
    let served = this.deployments.get(key);
    if (!served) {
      const snapshot: RestSnapshot | undefined = this.deps.store.get<Doc>(apiId, "restdeployment", deploymentId)?.Snapshot;
      if (!snapshot) return undefined;
      const paths = new Map(snapshot.resources.map((r) => [r.Id, r.Path as string]));
      const routes = snapshot.methods
        .filter((m) => paths.has(m.ResourceId))
        .map((m) => ({ RouteKey: `${m.HttpMethod} ${paths.get(m.ResourceId)}`, method: m, resourcePath: paths.get(m.ResourceId)! }));
      served = {
        routes, authorizers: new Map(snapshot.authorizers.map((a) => [a.Id, a])),
        validators: new Map((snapshot.validators ?? []).map((v) => [v.Id, v])), models: new ModelSchemas(apiId, snapshot.models ?? []), policy: snapshot.policy,
      };
      this.deployments.set(key, served);
    }
    return served;
  }

  /** The method's request validator's refusal, if any. */
  private validate(method: Doc, deployment: ServedDeployment, gw: GatewayRequest, ctx: EventContext) {
    const validator = method.RequestValidatorId ? deployment.validators.get(method.RequestValidatorId) : undefined;
    if (!validator) return undefined;
    const query = parseQueryString(gw.rawQueryString);
    const querystring: Record<string, string> = {};
    for (const [k, v] of query) querystring[k] = v.at(-1)!;
    return validateRequest(method, validator, deployment.models, {
      params: { path: ctx.pathParameters, querystring, header: gw.headers }, queryNames: new Set(query.keys()), body: gw.body, contentType: gw.headers["content-type"],
    });
  }

  /** Runs the method's authorization: the error response, or what an authorizer allowed with (ctx.authorizer set); undefined for no authorization. */
  private async authorize(method: Doc, deployment: ServedDeployment, req: AwsRequest, gw: GatewayRequest, ctx: EventContext, rest: RestEventContext, methodArn: string): Promise<{ denied?: GatewayResponse; usageIdentifierKey?: string } | undefined> {
    const type = method.AuthorizationType ?? "NONE";
    if (type === "NONE") return undefined;
    if (type === "AWS_IAM") {
      // an unsigned request to an IAM method is answered as a request for no method at all, as on AWS
      if (!this.deps.iam || (!req.headers.authorization && !req.query.has("X-Amz-Signature"))) return { denied: missingAuthenticationToken() };
      const policy = deployment.policy;
      const viaPolicy = policy ? (p: Principal) => resourcePolicyAllows(policy, methodArn, { principalArn: p.arn, sourceIp: gw.sourceIp, secure: false }) : undefined;
      const result = authorizeIam(req, this.deps.iam, methodArn, "execute-api:Invoke", viaPolicy);
      if (!result.ok) return { denied: asGatewayError(result.response, result.responseType) };
      ctx.authorizer = result.authorizer; // buildEventV1 reports a REST API's caller in requestContext.identity
      return undefined;
    }
    const authorizer = deployment.authorizers.get(method.AuthorizerId);
    if (!authorizer) return { denied: internalError() };
    const result = await this.authorizers.authorize(authorizer as RestAuthorizer, gw, ctx, rest, methodArn, method.AuthorizationScopes);
    if (!result.ok) return { denied: result.response };
    ctx.authorizer = result.authorizer;
    return { usageIdentifierKey: result.usageIdentifierKey };
  }

  private async invokeLambda(integration: Doc, gw: GatewayRequest, ctx: EventContext, rest: RestEventContext): Promise<GatewayResponse> {
    const event = buildEventV1(gw, ctx, rest);
    const fn = functionFromIntegrationUri(String(integration.Uri), ctx.stageVariables);
    const outcome = await invokeWithTimeout(this.deps.lambda(), fn, event, Number(integration.TimeoutInMillis ?? 29_000));
    if (outcome.kind === "timeout") return gatewayError("INTEGRATION_TIMEOUT", 504, "Endpoint request timed out");
    if (outcome.kind === "throttled") return gatewayError("THROTTLED", 429, "Too Many Requests");
    if (outcome.kind !== "ok") return badGateway();
    return mapResponseV1(outcome.payload, badGateway);
  }
}

/** The request as parameter mappings and templates read it (for gateway responses). */
function requestSourcesOf(gw: GatewayRequest, ctx: EventContext, rest: RestEventContext): RequestSources {
  const multiQuery = parseQueryString(gw.rawQueryString);
  const querystring: Record<string, string> = {};
  for (const [k, v] of multiQuery) querystring[k] = v.at(-1)!;
  return {
    params: { path: ctx.pathParameters, querystring, header: gw.headers }, multiQuery, body: gw.body.toString("utf8"),
    context: templateContextOf(gw, ctx, rest), stageVariables: ctx.stageVariables ?? {},
  };
}

/** `$context` of templates: the request context a Lambda proxy event carries (an empty authorizer when none ran). */
function templateContextOf(gw: GatewayRequest, ctx: EventContext, rest: RestEventContext): Record<string, unknown> {
  const requestContext = buildEventV1(gw, ctx, rest).requestContext as Record<string, unknown>;
  return { ...requestContext, authorizer: requestContext.authorizer ?? {} };
}

/** A body is binary when its Content-Type (or the Accept header) is among the API's BinaryMediaTypes ("image/*", "*\/*"). */
function isBinary(types: string[], contentType: string | undefined, accept: string | undefined): boolean {
  if (!types.length) return false;
  const matches = (value: string | undefined) => {
    const type = (value ?? "").split(";")[0].trim().toLowerCase();
    if (!type) return false;
    return types.some((t) => {
      const [major, minor] = t.toLowerCase().split("/");
      const [a, b] = type.split("/");
      return (major === "*" || major === a) && (minor === "*" || minor === b);
    });
  };
  return matches(contentType) || (!contentType && matches(accept));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
