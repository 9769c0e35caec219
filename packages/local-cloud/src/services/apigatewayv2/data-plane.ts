/**
 * The execute-api data plane of HTTP APIs: resolves the stage, answers CORS
 * preflights, selects the route, runs its authorizer, calls the integration and maps
 * its answer, then reports the request on `cloud.events` ("apigateway:request").
 */
import type { EventEmitter } from "node:events";
import type { AwsRequest, AwsResponse } from "../../types.js";
import { LogShipper } from "../../kernel/log-shipper.js";
import { writeAccessLog } from "./access-log.js";

/** API Gateway's format when a stage's access log settings give none. */
const HTTP_API_LOG_FORMAT =
  '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength" }';
import { applyCors, isPreflight, preflightHeaders, type CorsConfiguration } from "../../lambda-proxy/cors.js";
import { buildEventV1 } from "../../lambda-proxy/event-v1.js";
import { buildEventV2, type EventContext } from "../../lambda-proxy/event-v2.js";
import { gatewayRequestOf, type GatewayRequest } from "../../lambda-proxy/http-request.js";
import { proxyHttp } from "./http-proxy.js";
import { newGatewayRequestId } from "./ids.js";
import { authorizeIam, type IamAuthCloud } from "./iam-auth.js";
import { authorizeJwt, JwksCache } from "./jwt.js";
import { AuthorizerCache, routeArn, runLambdaAuthorizer } from "./lambda-authorizer.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "../../lambda-proxy/lambda-invoke.js";
import { internalError, jsonMessage, mapResponseV1, mapResponseV2, type GatewayResponse } from "../../lambda-proxy/response-map.js";
import { selectRoute } from "./route-match.js";
import { callAwsIntegration } from "./aws-integration.js";
import { ExecuteApiPlane, type ServedRequest } from "./request-envelope.js";
import type { ApiGatewayStore } from "./store.js";

export interface DataPlaneDeps {
  store: ApiGatewayStore;
  region: string;
  events?: EventEmitter;
  /** Resolved per request: the Lambda service may be registered after this one. */
  lambda: () => LambdaInvoker | undefined;
  /** CloudWatch Logs, for stage access logs. */
  logs?: () => { call(operation: string, input: any): Promise<any> } | undefined;
  /** Signature and policy checks for AWS_IAM routes. */
  iam?: IamAuthCloud;
  /** Other services of the cloud, for AWS service integrations (EventBridge, SQS). */
  awsService?: (name: string) => { call(operation: string, input: any, ctx?: any): Promise<any> } | undefined;
  jwks?: JwksCache;
}

/** What one request leaves behind for the access log and the event stream. */
interface Served extends ServedRequest {
  stage?: Doc;
  integrationStatus?: number;
  integrationLatency?: number;
  error?: string;
}

type Doc = Record<string, any>;

/** What a stage serves: its routes, integrations and authorizers. */
interface View {
  routes: Doc[];
  integrations: Doc[];
  authorizers: Doc[];
}

/** An API as the data plane reads it, kept until the store changes. */
interface ApiSnapshot {
  api: Doc | undefined;
  stages: Doc[];
  /** Per stage name; null when the stage serves nothing (no deployment). */
  views: Map<string, View | null>;
}

export class DataPlane extends ExecuteApiPlane<Served> {
  private readonly jwks: JwksCache;
  readonly accessLogs: LogShipper;
  private readonly authorizerCache = new AuthorizerCache();
  /** APIs read from the store, valid while its generation holds (requests must not parse SQLite rows). */
  private readonly snapshots = new Map<string, ApiSnapshot>();
  private snapshotsGeneration = -1;

  protected readonly events: EventEmitter | undefined;

  constructor(private readonly deps: DataPlaneDeps) {
    super();
    this.events = deps.events;
    this.jwks = deps.jwks ?? new JwksCache();
    // A missing log group is the template's business, as on AWS: its lines are dropped.
    this.accessLogs = new LogShipper(() => deps.logs?.(), { createGroups: false });
  }

  protected newRequestId(): string {
    return newGatewayRequestId();
  }

  protected failed(): Served {
    return { response: internalError() };
  }

  protected answer(req: AwsRequest, apiId: string, path: string, requestId: string, started: number, durationMs: number, served: Served): AwsResponse {
    if (served.stage?.AccessLogSettings?.DestinationArn) this.writeAccessLog(req, apiId, path, requestId, started, durationMs, served);
    return toAwsResponse(served.response, requestId, req.method);
  }

  private writeAccessLog(req: AwsRequest, apiId: string, path: string, requestId: string, started: number, durationMs: number, s: Served): void {
    writeAccessLog(this.accessLogs, s.stage!.AccessLogSettings, HTTP_API_LOG_FORMAT, {
      req, apiId, stageName: s.stage!.StageName, path, requestId, started, durationMs, status: s.response.status, responseLength: s.response.body.length,
      routeKey: s.routeKey, integrationStatus: s.integrationStatus, integrationLatency: s.integrationLatency, error: s.error,
    });
  }

  protected async serve(req: AwsRequest, apiId: string, path: string, requestId: string, time: number): Promise<Served> {
    const snapshot = this.snapshotOf(apiId);
    const api = snapshot.api;
    if (!api || api.ProtocolType !== "HTTP") return { response: jsonMessage(404, "Not Found") };

    const stages = snapshot.stages;
    const first = path.split("/")[1] ?? "";
    let stage = stages.find((s) => s.StageName !== "$default" && s.StageName === first);
    let routePath = path;
    if (stage) routePath = path.slice(first.length + 1) || "/";
    else stage = stages.find((s) => s.StageName === "$default");
    if (!stage) return { response: jsonMessage(404, "Not Found") };
    const stageVariables: Record<string, string> = stage.StageVariables ?? {};

    const gw = gatewayRequestOf(req, { rawPath: path, routePath, stage: stage.StageName, requestId, time });
    const cors: CorsConfiguration | undefined = api.CorsConfiguration;

    if (cors && isPreflight(gw.method, gw.headers)) {
      return { response: { status: 204, headers: preflightHeaders(cors, gw.headers), setCookies: [], body: Buffer.alloc(0) }, stage };
    }

    const view = this.viewOf(apiId, stage, snapshot);
    if (!view) return { response: withCors(cors, gw, jsonMessage(404, "Not Found")), stage };
    const match = selectRoute(view.routes as (Doc & { RouteKey: string })[], gw.method, routePath);
    if (!match) return { response: withCors(cors, gw, jsonMessage(404, "Not Found")), stage };
    const route = match.route;
    const ctx: EventContext & { region: string } = {
      apiId, routeKey: route.RouteKey, pathParameters: match.pathParameters, stageVariables, region: this.deps.region,
    };

    // Most routes have no authorizer: no promise to wait for.
    const denied = (route.AuthorizationType ?? "NONE") === "NONE" ? undefined : await this.authorize(route, gw, ctx, req, view);
    if (denied) return { response: withCors(cors, gw, denied), routeKey: route.RouteKey, stage, error: JSON.parse(denied.body.toString()).message };

    const integrationId = /^integrations\/(.+)$/.exec(route.Target ?? "")?.[1];
    const integration = integrationId ? view.integrations.find((x) => x.IntegrationId === integrationId) : undefined;
    if (!integration) return { response: withCors(cors, gw, jsonMessage(404, "Not Found")), routeKey: route.RouteKey, stage };

    const integrationStarted = Date.now();
    let response: GatewayResponse;
    if (integration.IntegrationType === "AWS_PROXY" && integration.IntegrationSubtype) {
      response = await callAwsIntegration(integration, gw, { ...ctx, requestId }, (name) => this.deps.awsService?.(name));
    } else if (integration.IntegrationType === "AWS_PROXY") response = await this.invokeLambda(integration, gw, ctx);
    else if (integration.IntegrationType === "HTTP_PROXY") response = await proxyHttp(gw, integration as any, match.pathParameters, stageVariables);
    else response = internalError();
    const error = response.status >= 500 && response.headers["content-type"] === "application/json" ? safeMessage(response.body) : undefined;
    return {
      response: withCors(cors, gw, response), routeKey: route.RouteKey, stage,
      integrationStatus: response.status, integrationLatency: Date.now() - integrationStarted, error,
    };
  }

  /** The API's document as of the store's current generation (cached), if it exists. */
  apiDocument(apiId: string): Doc | undefined {
    return this.snapshotOf(apiId).api;
  }

  /**
   * An API, one of its stages and what that stage serves now (the WebSocket data plane
   * reads routes the same way); undefined for an unknown API, stage or undeployed stage.
   */
  stageView(apiId: string, stageName: string): (View & { api: Doc; stage: Doc }) | undefined {
    const snapshot = this.snapshotOf(apiId);
    const stage = snapshot.stages.find((s) => s.StageName === stageName);
    if (!snapshot.api || !stage) return undefined;
    const view = this.viewOf(apiId, stage, snapshot);
    return view ? { api: snapshot.api, stage, ...view } : undefined;
  }

  /** The API's resources as of the store's current generation. */
  private snapshotOf(apiId: string): ApiSnapshot {
    const { store } = this.deps;
    if (this.snapshotsGeneration !== store.generation) {
      this.snapshots.clear();
      this.snapshotsGeneration = store.generation;
    }
    let snapshot = this.snapshots.get(apiId);
    if (!snapshot) {
      const api = store.get<Doc>(apiId, "api", apiId);
      snapshot = { api, stages: api ? store.list<Doc>(apiId, "stage") : [], views: new Map() };
      // Unknown ids are not kept: a client trying random ids must not grow the cache.
      if (api) this.snapshots.set(apiId, snapshot);
    }
    return snapshot;
  }

  /**
   * What a stage serves: the API as it is now when the stage auto-deploys, otherwise
   * the snapshot of the stage's deployment (none → nothing is served).
   */
  private viewOf(apiId: string, stage: Doc, snapshot: ApiSnapshot): View | undefined {
    const cached = snapshot.views.get(stage.StageName);
    if (cached !== undefined) return cached ?? undefined;
    const { store } = this.deps;
    let view: View | undefined;
    if (stage.AutoDeploy) {
      view = { routes: store.list(apiId, "route"), integrations: store.list(apiId, "integration"), authorizers: store.list(apiId, "authorizer") };
    } else if (stage.DeploymentId) {
      view = store.get(apiId, "snapshot", stage.DeploymentId);
    }
    snapshot.views.set(stage.StageName, view ?? null);
    return view;
  }

  /** Runs the route's authorizer; returns the error response, or undefined to go on (with ctx.authorizer set). */
  private async authorize(route: Doc, gw: GatewayRequest, ctx: EventContext & { region: string }, req: AwsRequest, view: { authorizers: Doc[] }): Promise<GatewayResponse | undefined> {
    const type = route.AuthorizationType ?? "NONE";
    if (type === "NONE") return undefined;
    if (type === "AWS_IAM") {
      // the kernel passes execute-api requests through unverified; the signature is checked here
      if (!this.deps.iam) return jsonMessage(403, "Forbidden");
      const result = authorizeIam(req, this.deps.iam, routeArn(ctx.region, ctx.apiId, gw.stage, gw.method, gw.routePath));
      if (!result.ok) return result.response;
      ctx.authorizer = result.authorizer;
      return undefined;
    }
    const authorizer = route.AuthorizerId ? view.authorizers.find((a) => a.AuthorizerId === route.AuthorizerId) : undefined;
    if (!authorizer) return internalError();
    if (type === "JWT") {
      const source: string = authorizer.IdentitySource?.[0] ?? "$request.header.Authorization";
      const headerName = /^\$request\.header\.(.+)$/i.exec(source)?.[1]?.toLowerCase() ?? "authorization";
      const result = await authorizeJwt(gw.headers[headerName], authorizer.JwtConfiguration ?? {}, route.AuthorizationScopes, this.jwks);
      if (!result.ok) {
        const r = jsonMessage(result.status, result.message);
        if (result.status === 401) r.headers["www-authenticate"] = `Bearer scope="" error="invalid_token" error_description="${result.description}"`;
        return r;
      }
      ctx.authorizer = { jwt: { claims: result.claims, scopes: result.scopes } };
      return undefined;
    }
    const result = await runLambdaAuthorizer(this.deps.lambda(), authorizer as any, gw, ctx, this.authorizerCache);
    if (!result.ok) return jsonMessage(result.status, result.message);
    ctx.authorizer = result.authorizer;
    return undefined;
  }

  private async invokeLambda(integration: Doc, gw: GatewayRequest, ctx: EventContext): Promise<GatewayResponse> {
    const v2 = integration.PayloadFormatVersion === "2.0";
    const event = v2 ? buildEventV2(gw, ctx) : buildEventV1(gw, ctx);
    const fn = functionFromIntegrationUri(integration.IntegrationUri, ctx.stageVariables);
    const outcome = await invokeWithTimeout(this.deps.lambda(), fn, event, integration.TimeoutInMillis ?? 30_000);
    // The integration's timeout, and Lambda refusing the invocation for concurrency, are 503s.
    if (outcome.kind === "timeout" || outcome.kind === "throttled") return jsonMessage(503, "Service Unavailable");
    if (outcome.kind !== "ok") return internalError();
    return v2 ? mapResponseV2(outcome.payload) : mapResponseV1(outcome.payload);
  }
}

/** The response with the API's CORS headers (a function, not a closure a request would allocate). */
function withCors(cors: CorsConfiguration | undefined, gw: GatewayRequest, response: GatewayResponse): GatewayResponse {
  if (cors) applyCors(cors, gw.headers, response.headers);
  return response;
}

function safeMessage(body: Buffer): string | undefined {
  try {
    const m = JSON.parse(body.toString("utf8"))?.message;
    return typeof m === "string" ? m : undefined;
  } catch {
    return undefined;
  }
}

function toAwsResponse(r: GatewayResponse, requestId: string, method: string): AwsResponse {
  // The response's own headers object is not shared: it takes the gateway's headers too.
  // (The HTTP layer adds Date, formatted once a second.)
  const headers: Record<string, any> = r.headers;
  headers["apigw-requestid"] = requestId;
  if (r.setCookies.length) headers["set-cookie"] = r.setCookies; // sent as repeated headers
  headers["content-length"] = String(r.body.length);
  return { status: r.status, headers, body: method.length === 4 && method.toUpperCase() === "HEAD" ? undefined : r.body };
}
