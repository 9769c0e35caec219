/**
 * The execute-api data plane of HTTP APIs: resolves the stage, answers CORS
 * preflights, selects the route, runs its authorizer, calls the integration and maps
 * its answer, then reports the request on `cloud.events` ("apigateway:request").
 */
import type { EventEmitter } from "node:events";
import type { AwsRequest, AwsResponse } from "../../types.js";
import { AccessLogWriter, formatAccessLog, logGroupOfArn } from "./access-log.js";
import { applyCors, isPreflight, preflightHeaders, type CorsConfiguration } from "./cors.js";
import { buildEventV1 } from "./event-v1.js";
import { buildEventV2, type EventContext } from "./event-v2.js";
import { clfTime, domainNameOf, rawQueryOf, sourceIpOf, type GatewayRequest } from "./http-request.js";
import { proxyHttp } from "./http-proxy.js";
import { newGatewayRequestId } from "./ids.js";
import { authorizeIam, type IamAuthCloud } from "./iam-auth.js";
import { authorizeJwt, JwksCache } from "./jwt.js";
import { AuthorizerCache, routeArn, runLambdaAuthorizer } from "./lambda-authorizer.js";
import { functionFromIntegrationUri, invokeWithTimeout, type LambdaInvoker } from "./lambda-invoke.js";
import { internalError, jsonMessage, mapResponseV1, mapResponseV2, type GatewayResponse } from "./response-map.js";
import { selectRoute } from "./route-match.js";
import { callAwsIntegration } from "./aws-integration.js";
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
interface Served {
  response: GatewayResponse;
  routeKey?: string;
  stage?: Doc;
  integrationStatus?: number;
  integrationLatency?: number;
  error?: string;
}

type Doc = Record<string, any>;

export class DataPlane {
  private readonly jwks: JwksCache;
  readonly accessLogs: AccessLogWriter;
  private readonly authorizerCache = new AuthorizerCache();

  constructor(private readonly deps: DataPlaneDeps) {
    this.jwks = deps.jwks ?? new JwksCache();
    this.accessLogs = new AccessLogWriter(() => deps.logs?.());
  }

  async handle(req: AwsRequest, apiId: string, path: string): Promise<AwsResponse> {
    const started = Date.now();
    const requestId = newGatewayRequestId();
    let served: Served;
    try {
      served = await this.serve(req, apiId, path || "/", requestId, started);
    } catch (err) {
      // bad input must never take the server down; anything unexpected is API Gateway's 500
      console.error(`[local-cloud] execute-api ${apiId} failed`, err);
      served = { response: internalError() };
    }
    const answer = served.response;
    const durationMs = Date.now() - started;
    this.deps.events?.emit("apigateway:request", {
      apiId, method: req.method, path: path || "/", routeKey: served.routeKey, status: answer.status, durationMs, requestId,
    });
    if (served.stage?.AccessLogSettings?.DestinationArn) this.writeAccessLog(req, apiId, path || "/", requestId, started, durationMs, served);
    return toAwsResponse(answer, requestId, req.method);
  }

  private writeAccessLog(req: AwsRequest, apiId: string, path: string, requestId: string, started: number, durationMs: number, s: Served): void {
    const settings = s.stage!.AccessLogSettings;
    const group = logGroupOfArn(settings.DestinationArn);
    if (!group) return;
    const format: string = settings.Format ||
      '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength" }';
    const line = formatAccessLog(format, {
      requestId, extendedRequestId: requestId, apiId, stage: s.stage!.StageName,
      "identity.sourceIp": sourceIpOf(req.headers), "identity.userAgent": req.headers["user-agent"],
      requestTime: clfTime(started), requestTimeEpoch: started, httpMethod: req.method.toUpperCase(), path,
      routeKey: s.routeKey, status: s.response.status, protocol: "HTTP/1.1", responseLength: s.response.body.length,
      responseLatency: durationMs, integrationLatency: s.integrationLatency, integrationStatus: s.integrationStatus,
      "integration.status": s.integrationStatus, "integration.latency": s.integrationLatency, "error.message": s.error,
      "integrationErrorMessage": s.error, domainName: domainNameOf(req.headers), "domainPrefix": domainNameOf(req.headers).split(".")[0],
    });
    this.accessLogs.write(group, `${apiId}_${s.stage!.StageName}`, line, started);
  }

  private async serve(req: AwsRequest, apiId: string, path: string, requestId: string, time: number): Promise<Served> {
    const { store } = this.deps;
    const api = store.get<Doc>(apiId, "api", apiId);
    if (!api || api.ProtocolType !== "HTTP") return { response: jsonMessage(404, "Not Found") };

    const stages = store.list<Doc>(apiId, "stage");
    const first = path.split("/")[1] ?? "";
    let stage = stages.find((s) => s.StageName !== "$default" && s.StageName === first);
    let routePath = path;
    if (stage) routePath = path.slice(first.length + 1) || "/";
    else stage = stages.find((s) => s.StageName === "$default");
    if (!stage) return { response: jsonMessage(404, "Not Found") };
    const stageVariables: Record<string, string> = stage.StageVariables ?? {};

    const gw: GatewayRequest = {
      method: req.method.toUpperCase(),
      rawPath: path,
      routePath,
      rawQueryString: rawQueryOf(req),
      headers: req.headers,
      body: req.body,
      sourceIp: sourceIpOf(req.headers),
      domainName: domainNameOf(req.headers),
      stage: stage.StageName,
      requestId,
      time,
    };
    const cors: CorsConfiguration | undefined = api.CorsConfiguration;
    const withCors = (response: GatewayResponse) => {
      if (cors) applyCors(cors, gw.headers, response.headers);
      return response;
    };

    if (cors && isPreflight(gw.method, gw.headers)) {
      return { response: { status: 204, headers: preflightHeaders(cors, gw.headers), setCookies: [], body: Buffer.alloc(0) }, stage };
    }

    const view = this.viewOf(apiId, stage);
    if (!view) return { response: withCors(jsonMessage(404, "Not Found")), stage };
    const match = selectRoute(view.routes as (Doc & { RouteKey: string })[], gw.method, routePath);
    if (!match) return { response: withCors(jsonMessage(404, "Not Found")), stage };
    const route = match.route;
    const ctx: EventContext & { region: string } = {
      apiId, routeKey: route.RouteKey, pathParameters: match.pathParameters, stageVariables, region: this.deps.region,
    };

    const denied = await this.authorize(route, gw, ctx, req, view);
    if (denied) return { response: withCors(denied), routeKey: route.RouteKey, stage, error: JSON.parse(denied.body.toString()).message };

    const integrationId = /^integrations\/(.+)$/.exec(route.Target ?? "")?.[1];
    const integration = integrationId ? view.integrations.find((x) => x.IntegrationId === integrationId) : undefined;
    if (!integration) return { response: withCors(jsonMessage(404, "Not Found")), routeKey: route.RouteKey, stage };

    const integrationStarted = Date.now();
    let response: GatewayResponse;
    if (integration.IntegrationType === "AWS_PROXY" && integration.IntegrationSubtype) {
      response = await callAwsIntegration(integration, gw, { ...ctx, requestId }, (name) => this.deps.awsService?.(name));
    } else if (integration.IntegrationType === "AWS_PROXY") response = await this.invokeLambda(integration, gw, ctx);
    else if (integration.IntegrationType === "HTTP_PROXY") response = await proxyHttp(gw, integration as any, match.pathParameters, stageVariables);
    else response = internalError();
    const error = response.status >= 500 && response.headers["content-type"] === "application/json" ? safeMessage(response.body) : undefined;
    return {
      response: withCors(response), routeKey: route.RouteKey, stage,
      integrationStatus: response.status, integrationLatency: Date.now() - integrationStarted, error,
    };
  }

  /** Runs the route's authorizer; returns the error response, or undefined to go on (with ctx.authorizer set). */
  /**
   * What a stage serves: the API as it is now when the stage auto-deploys, otherwise
   * the snapshot of the stage's deployment (none → nothing is served).
   */
  private viewOf(apiId: string, stage: Doc): { routes: Doc[]; integrations: Doc[]; authorizers: Doc[] } | undefined {
    const { store } = this.deps;
    if (stage.AutoDeploy) {
      return { routes: store.list(apiId, "route"), integrations: store.list(apiId, "integration"), authorizers: store.list(apiId, "authorizer") };
    }
    return stage.DeploymentId ? store.get(apiId, "snapshot", stage.DeploymentId) : undefined;
  }

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
    if (outcome.kind === "timeout") return jsonMessage(503, "Service Unavailable");
    if (outcome.kind !== "ok") return internalError();
    return v2 ? mapResponseV2(outcome.payload) : mapResponseV1(outcome.payload);
  }
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
  const headers: Record<string, any> = { ...r.headers, date: new Date().toUTCString(), "apigw-requestid": requestId };
  if (r.setCookies.length) headers["set-cookie"] = r.setCookies; // node's writeHead sends an array as repeated headers
  headers["content-length"] = String(r.body.length);
  return { status: r.status, headers, body: method.toUpperCase() === "HEAD" ? undefined : r.body };
}
