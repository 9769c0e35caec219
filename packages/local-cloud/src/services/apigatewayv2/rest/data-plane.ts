/**
 * The execute-api data plane of REST APIs (v1): `/{stage}/{path}` is served by what
 * the stage's deployment froze. The path selects a method as HTTP APIs select a route
 * (route-match.ts: literals beat `{param}`, which beats `{proxy+}`; an explicit method
 * beats ANY); its authorization runs (IAM, a Lambda TOKEN/REQUEST authorizer); then its
 * integration: a Lambda proxy (the v1 proxy event, REST flavour) or a MOCK (CORS
 * preflights). Errors have AWS's shapes: no stage or method is 403 "Missing
 * Authentication Token", a failed or malformed Lambda answer 502 "Internal server
 * error", the integration's timeout (29 s unless set) 504.
 */
import { randomUUID } from "node:crypto";
import type { EventEmitter } from "node:events";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { EventContext } from "../../../lambda-proxy/event-v2.js";
import { buildEventV1, type RestEventContext } from "../../../lambda-proxy/event-v1.js";
import { gatewayRequestOf, type GatewayRequest } from "../../../lambda-proxy/http-request.js";
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
import { RestAuthorizers, type RestAuthorizer } from "./authorizer.js";
import type { RestSnapshot } from "./management.js";
import { answerMock } from "./mock-integration.js";

type Doc = Record<string, any>;

export interface RestDataPlaneDeps {
  store: ApiGatewayStore;
  region: string;
  events?: EventEmitter;
  lambda: () => LambdaInvoker | undefined;
  iam?: IamAuthCloud;
  /** CloudWatch Logs, for stage access logs. */
  logs?: () => { call(operation: string, input: any): Promise<any> } | undefined;
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
}

const missingAuthenticationToken = () => gatewayError("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token", "MissingAuthenticationTokenException");
const forbidden = (type = "DEFAULT_4XX") => gatewayError(type, 403, "Forbidden", "ForbiddenException");
const internalError = () => gatewayError("DEFAULT_5XX", 500, "Internal server error");
const badGateway = () => gatewayError("DEFAULT_5XX", 502, "Internal server error");

/** API Gateway's CLF-like format for a REST stage whose access log setting gives none. */
const REST_API_LOG_FORMAT = '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId';

/** What one request leaves for the event stream and the stage's access log. */
interface Served {
  response: GatewayResponse;
  stage?: Doc;
  routeKey?: string;
  resourcePath?: string;
  authorizer?: Record<string, unknown>;
  integrationStatus?: number;
  integrationLatency?: number;
}

export class RestDataPlane {
  private readonly authorizers: RestAuthorizers;
  /** Stage access logs, batched to CloudWatch Logs (a missing group drops its lines, as on AWS). */
  readonly accessLogs: LogShipper;
  private generation = -1;
  private restApiIds = new Set<string>();
  private readonly deployments = new Map<string, ServedDeployment>();
  /** Each REST API's own document, stages and gateway responses, read once per change of the store. */
  private readonly apis = new Map<string, ServedApi>();

  constructor(private readonly deps: RestDataPlaneDeps) {
    this.authorizers = new RestAuthorizers(deps.lambda);
    this.accessLogs = new LogShipper(() => deps.logs?.(), { createGroups: false });
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

  async handle(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    const started = Date.now();
    const requestId = randomUUID();
    let served: Served;
    try {
      served = await this.serve(req, apiId, path || "/", requestId, started);
    } catch (err) {
      console.error(`[local-cloud] execute-api ${apiId} failed`, err);
      served = { response: internalError() };
    }
    const { response, routeKey } = served;
    const durationMs = Date.now() - started;
    const events = this.deps.events;
    if (events && events.listenerCount("apigateway:request") > 0) {
      events.emit("apigateway:request", { apiId, method: req.method, path: path || "/", routeKey, status: response.status, durationMs, requestId });
    }
    const logSetting = served.stage?.AccessLogSetting;
    if (logSetting?.DestinationArn) {
      writeAccessLog(this.accessLogs, logSetting, REST_API_LOG_FORMAT, {
        req, apiId, stageName: served.stage!.StageName, path: path || "/", requestId, started, durationMs, status: response.status,
        responseLength: response.body.length, routeKey, resourcePath: served.resourcePath, integrationStatus: served.integrationStatus,
        integrationLatency: served.integrationLatency, authorizer: served.authorizer,
      });
    }
    const gatewayResponses = this.apiOf(apiId)?.gatewayResponses;
    if (gatewayResponses) customizeGatewayResponse(response, gatewayResponses, requestId);
    const headers: Record<string, any> = response.headers;
    headers["x-amzn-requestid"] = requestId;
    headers["x-amz-apigw-id"] = newGatewayRequestId();
    if (response.setCookies.length) headers["set-cookie"] = response.setCookies;
    headers["content-length"] = String(response.body.length);
    return { status: response.status, headers, body: req.method.toUpperCase() === "HEAD" ? undefined : response.body };
  }

  private async serve(req: AwsRequest, apiId: string, path: string, requestId: string, time: number): Promise<Served> {
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

    const matched = { stage, routeKey: ctx.routeKey, resourcePath };
    if (method.ApiKeyRequired) return { ...matched, response: forbidden("INVALID_API_KEY") };
    const denied = await this.authorize(method, deployment, req, gw, ctx, rest, methodArn);
    if (denied) return { ...matched, response: denied };

    const integration: Doc = method.Integration ?? {};
    const integrationStarted = Date.now();
    let response: GatewayResponse;
    if (integration.Type === "MOCK") response = answerMock(integration, req.headers["content-type"]);
    else if (integration.Type === "AWS_PROXY" && /:lambda:path\/|^arn:aws[\w-]*:lambda:/.test(String(integration.Uri ?? ""))) {
      response = await this.invokeLambda(integration, gw, ctx, rest);
    } else {
      // AWS (non-proxy), HTTP and HTTP_PROXY integrations are not served locally (docs/local-cloud.md)
      response = internalError();
    }
    return { ...matched, response, authorizer: ctx.authorizer, integrationStatus: response.status, integrationLatency: Date.now() - integrationStarted };
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
      served = { routes, authorizers: new Map(snapshot.authorizers.map((a) => [a.Id, a])) };
      this.deployments.set(key, served);
    }
    return served;
  }

  /** Runs the method's authorization; the error response, or undefined to go on (ctx.authorizer set). */
  private async authorize(method: Doc, deployment: ServedDeployment, req: AwsRequest, gw: GatewayRequest, ctx: EventContext, rest: RestEventContext, methodArn: string): Promise<GatewayResponse | undefined> {
    const type = method.AuthorizationType ?? "NONE";
    if (type === "NONE") return undefined;
    if (type === "AWS_IAM") {
      // an unsigned request to an IAM method is answered as a request for no method at all, as on AWS
      if (!this.deps.iam || (!req.headers.authorization && !req.query.has("X-Amz-Signature"))) return missingAuthenticationToken();
      const result = authorizeIam(req, this.deps.iam, methodArn);
      if (!result.ok) return asGatewayError(result.response);
      ctx.authorizer = result.authorizer; // buildEventV1 reports a REST API's caller in requestContext.identity
      return undefined;
    }
    const authorizer = deployment.authorizers.get(method.AuthorizerId);
    if (!authorizer) return internalError();
    const result = await this.authorizers.authorize(authorizer as RestAuthorizer, gw, ctx, rest, methodArn);
    if (!result.ok) return result.response;
    ctx.authorizer = result.authorizer;
    return undefined;
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
