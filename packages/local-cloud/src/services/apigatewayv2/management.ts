/**
 * The management operations of API Gateway v2 (HTTP APIs), in SDK shapes. Documents
 * are stored with dates as ISO strings; outputs turn them back into Dates and add
 * what is derived rather than stored (the API endpoint, which follows the cloud's
 * port, and tags, which live in their own table).
 */
import { badRequest, conflict, notFound } from "./errors.js";
import { newApiId, newSubId } from "./ids.js";
import { paginate } from "./pagination.js";
import { webSocketEndpoint } from "./websocket/endpoint.js";
import { routeKeyProblem } from "./route-match.js";
import type { ApiGatewayStore, ResourceKind } from "./store.js";

export interface ManagementDeps {
  store: ApiGatewayStore;
  region: string;
  /** Base URL of the local cloud, e.g. "http://127.0.0.1:4570". */
  endpoint: () => string;
}

type Doc = Record<string, any>;
type Op = (input: Doc) => Doc | Promise<Doc>;

const DATE_FIELDS = ["CreatedDate", "LastUpdatedDate"];
const STAGE_NAME = /^(\$default|[A-Za-z0-9_\-]{1,128})$/;
const AUTHORIZATION_TYPES = ["NONE", "JWT", "CUSTOM", "AWS_IAM"];
const HTTP_INTEGRATION_TYPES = ["AWS_PROXY", "HTTP_PROXY"];
const ALL_INTEGRATION_TYPES = ["AWS_PROXY", "HTTP_PROXY", "AWS", "HTTP", "MOCK"];
/** The integration subtypes API Gateway offers: EventBridge-PutEvents, SQS-SendMessage, AppConfig-GetConfiguration, Kinesis-PutRecord, StepFunctions-StartExecution … */
const AWS_SUBTYPE = /^(EventBridge-PutEvents|SQS-(SendMessage|ReceiveMessage|DeleteMessage|PurgeQueue)|AppConfig-GetConfiguration|Kinesis-PutRecord|StepFunctions-(StartExecution|StartSyncExecution|StopExecution))$/;

export function required(input: Doc, field: string): any {
  const v = input[field];
  if (v === undefined || v === null || v === "") throw badRequest(`${field} is required`);
  return v;
}

export function pick(input: Doc, fields: string[]): Doc {
  const out: Doc = {};
  for (const f of fields) if (input[f] !== undefined) out[f] = input[f];
  return out;
}

function withDates(doc: Doc): Doc {
  const out = { ...doc };
  for (const f of DATE_FIELDS) if (typeof out[f] === "string") out[f] = new Date(out[f]);
  return out;
}

export class ManagementApi {
  readonly operations: Record<string, Op>;

  constructor(private readonly deps: ManagementDeps) {
    this.operations = {
      CreateApi: (i) => this.createApi(i),
      GetApi: (i) => this.apiOut(this.api(required(i, "ApiId"))),
      GetApis: (i) => {
        const page = paginate(this.deps.store.listApis(), i.MaxResults, i.NextToken);
        return { ...page, Items: page.Items.map((a) => this.apiOut(a)) };
      },
      UpdateApi: (i) => this.updateApi(i),
      DeleteApi: (i) => {
        const api = this.api(required(i, "ApiId"));
        this.deps.store.removeApi(api.ApiId, this.apiArn(api.ApiId));
        return {};
      },

      DeleteCorsConfiguration: (i) => {
        const { CorsConfiguration: _removed, ...api } = this.api(required(i, "ApiId"));
        this.deps.store.update(api.ApiId, "api", api.ApiId, api);
        return {};
      },

      CreateRoute: (i) => this.createRoute(this.api(required(i, "ApiId")), i),
      GetRoute: (i) => this.child(i, "route", "RouteId", "Route"),
      GetRoutes: (i) => this.childList(i, "route"),
      UpdateRoute: (i) => this.updateRoute(i),
      DeleteRoute: (i) => this.deleteChild(i, "route", "RouteId", "Route"),

      CreateIntegration: (i) => this.createIntegration(this.api(required(i, "ApiId")), i),
      GetIntegration: (i) => this.child(i, "integration", "IntegrationId", "Integration"),
      GetIntegrations: (i) => this.childList(i, "integration"),
      UpdateIntegration: (i) => this.updateIntegration(i),
      DeleteIntegration: (i) => this.deleteIntegration(i),

      CreateStage: (i) => this.createStage(this.api(required(i, "ApiId")), i),
      GetStage: (i) => this.stageOut(this.child(i, "stage", "StageName", "Stage", false)),
      GetStages: (i) => {
        const page = this.childList(i, "stage", false);
        return { ...page, Items: page.Items.map((s: Doc) => this.stageOut(s)) };
      },
      UpdateStage: (i) => this.updateStage(i),
      DeleteStage: (i) => {
        const api = this.api(required(i, "ApiId"));
        this.deleteChild(i, "stage", "StageName", "Stage");
        this.deps.store.removeTags(this.stageArn(api.ApiId, i.StageName), Object.keys(this.deps.store.tags(this.stageArn(api.ApiId, i.StageName))));
        return {};
      },

      CreateDeployment: (i) => this.createDeployment(this.api(required(i, "ApiId")), i),
      GetDeployment: (i) => this.child(i, "deployment", "DeploymentId", "Deployment"),
      GetDeployments: (i) => this.childList(i, "deployment"),
      DeleteDeployment: (i) => this.deleteDeployment(i),

      CreateAuthorizer: (i) => this.createAuthorizer(this.api(required(i, "ApiId")), i),
      GetAuthorizer: (i) => this.child(i, "authorizer", "AuthorizerId", "Authorizer"),
      GetAuthorizers: (i) => this.childList(i, "authorizer"),
      UpdateAuthorizer: (i) => this.updateAuthorizer(i),
      DeleteAuthorizer: (i) => this.deleteAuthorizer(i),

      TagResource: (i) => {
        this.checkTaggable(required(i, "ResourceArn"));
        this.deps.store.putTags(i.ResourceArn, i.Tags ?? {});
        return {};
      },
      UntagResource: (i) => {
        this.checkTaggable(required(i, "ResourceArn"));
        this.deps.store.removeTags(i.ResourceArn, i.TagKeys ?? []);
        return {};
      },
      GetTags: (i) => {
        this.checkTaggable(required(i, "ResourceArn"));
        return { Tags: this.deps.store.tags(i.ResourceArn) };
      },
    };
  }

  // ---- lookups -------------------------------------------------------------------

  apiArn(apiId: string): string {
    return `arn:aws:apigateway:${this.deps.region}::/apis/${apiId}`;
  }

  stageArn(apiId: string, stage: string): string {
    return `${this.apiArn(apiId)}/stages/${stage}`;
  }

  api(apiId: string): Doc {
    const api = this.deps.store.get(apiId, "api", apiId);
    if (!api) throw notFound("API", apiId);
    return api;
  }

  private apiOut(api: Doc): Doc {
    return withDates({
      ...api,
      ApiEndpoint: api.ProtocolType === "WEBSOCKET" ? webSocketEndpoint(this.deps.endpoint(), api.ApiId) : `${this.deps.endpoint()}/_aws/execute-api/${api.ApiId}`,
      Tags: this.deps.store.tags(this.apiArn(api.ApiId)),
    });
  }

  /** Stages are stored with their ApiId (to find their tags); the API shape has none. */
  private stageOut(stage: Doc): Doc {
    const { ApiId, ...rest } = stage;
    return withDates({ ...rest, Tags: this.deps.store.tags(this.stageArn(ApiId, stage.StageName)) });
  }

  private getChild(apiId: string, kind: ResourceKind, id: string, what: string): Doc {
    const doc = this.deps.store.get(apiId, kind, id);
    if (!doc) throw notFound(what, id);
    return doc;
  }

  private child(i: Doc, kind: ResourceKind, idField: string, what: string, dates = true): Doc {
    const api = this.api(required(i, "ApiId"));
    const doc = this.getChild(api.ApiId, kind, required(i, idField), what);
    return dates ? withDates(doc) : doc;
  }

  private childList(i: Doc, kind: ResourceKind, dates = true): { Items: Doc[]; NextToken?: string } {
    const api = this.api(required(i, "ApiId"));
    const page = paginate(this.deps.store.list(api.ApiId, kind), i.MaxResults, i.NextToken);
    return dates ? { ...page, Items: page.Items.map(withDates) } : page;
  }

  private deleteChild(i: Doc, kind: ResourceKind, idField: string, what: string): Doc {
    const api = this.api(required(i, "ApiId"));
    this.getChild(api.ApiId, kind, required(i, idField), what);
    this.deps.store.remove(api.ApiId, kind, i[idField]);
    return {};
  }

  private checkTaggable(arn: string): void {
    const m = /^arn:aws:apigateway:[^:]*::\/apis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn);
    if (!m) throw badRequest(`Invalid resource ARN ${arn}`);
    this.api(m[1]);
    if (m[2]) this.getChild(m[1], "stage", m[2], "Stage");
  }

  // ---- APIs -----------------------------------------------------------------------

  private validateCors(cors: Doc | undefined): void {
    if (!cors) return;
    if (cors.AllowCredentials && (cors.AllowOrigins ?? []).includes("*"))
      throw badRequest("allow-credentials is not supported when allow-origins is set to '*'");
    if (cors.MaxAge != null && (!Number.isInteger(cors.MaxAge) || cors.MaxAge < -1 || cors.MaxAge > 86400))
      throw badRequest("MaxAge must be between -1 and 86400");
  }

  private createApi(i: Doc): Doc {
    const name = required(i, "Name");
    const protocolType = required(i, "ProtocolType");
    if (protocolType !== "HTTP" && protocolType !== "WEBSOCKET") throw badRequest(`Invalid ProtocolType ${protocolType}: must be HTTP or WEBSOCKET`);
    if (protocolType === "WEBSOCKET" && !i.RouteSelectionExpression) throw badRequest("RouteSelectionExpression is required for WEBSOCKET APIs");
    if (protocolType === "WEBSOCKET" && (i.Target || i.CorsConfiguration)) throw badRequest("Target and CorsConfiguration are only supported for HTTP APIs");
    this.validateCors(i.CorsConfiguration);
    if (i.RouteKey && !i.Target) throw badRequest("RouteKey is only supported with Target (quick create)");
    if (i.RouteKey) this.checkRouteKey(i.RouteKey);

    const apiId = newApiId();
    const api: Doc = {
      ApiId: apiId,
      ApiKeySelectionExpression: i.ApiKeySelectionExpression ?? "$request.header.x-api-key",
      CreatedDate: new Date().toISOString(),
      DisableExecuteApiEndpoint: i.DisableExecuteApiEndpoint ?? false,
      IpAddressType: i.IpAddressType ?? "ipv4",
      Name: name,
      ProtocolType: protocolType,
      RouteSelectionExpression: i.RouteSelectionExpression ?? "$request.method $request.path",
      ...pick(i, ["CorsConfiguration", "Description", "Version", "DisableSchemaValidation"]),
    };
    this.deps.store.insert(apiId, "api", apiId, api);
    if (i.Tags) this.deps.store.putTags(this.apiArn(apiId), i.Tags);

    if (i.Target) this.quickCreate(api, i);
    return this.apiOut(api);
  }

  /** Quick create: one integration to Target, one route to it, and an auto-deployed $default stage. */
  private quickCreate(api: Doc, i: Doc): void {
    const isLambda = /^arn:aws:(lambda|apigateway):/.test(i.Target);
    const integration = this.createIntegration(api, {
      IntegrationType: isLambda ? "AWS_PROXY" : "HTTP_PROXY",
      IntegrationUri: i.Target,
      IntegrationMethod: isLambda ? "POST" : "ANY",
      PayloadFormatVersion: isLambda ? "2.0" : "1.0",
      CredentialsArn: i.CredentialsArn,
    }, true);
    this.createRoute(api, { RouteKey: i.RouteKey ?? "$default", Target: `integrations/${integration.IntegrationId}` }, true);
    this.createStage(api, { StageName: "$default", AutoDeploy: true }, true);
  }

  private updateApi(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    if (i.ProtocolType && i.ProtocolType !== api.ProtocolType) throw badRequest("ProtocolType cannot be changed");
    this.validateCors(i.CorsConfiguration);
    const updated = {
      ...api,
      ...pick(i, ["Name", "Description", "Version", "CorsConfiguration", "RouteSelectionExpression", "ApiKeySelectionExpression", "DisableExecuteApiEndpoint", "DisableSchemaValidation", "IpAddressType"]),
    };
    this.deps.store.update(api.ApiId, "api", api.ApiId, updated);
    return this.apiOut(updated);
  }

  // ---- routes ---------------------------------------------------------------------

  private checkRouteKey(routeKey: string): void {
    const problem = routeKeyProblem(routeKey);
    if (problem) throw badRequest(problem);
  }

  private checkRouteRefs(apiId: string, r: Doc): void {
    if (r.Target != null) {
      const m = /^integrations\/([a-z0-9]+)$/.exec(r.Target);
      if (!m) throw badRequest(`Invalid target ${r.Target}: must be of the form integrations/{IntegrationId}`);
      this.getChild(apiId, "integration", m[1], "Integration");
    }
    if (!AUTHORIZATION_TYPES.includes(r.AuthorizationType)) throw badRequest(`Invalid AuthorizationType ${r.AuthorizationType}`);
    if (r.AuthorizationType === "JWT" || r.AuthorizationType === "CUSTOM") {
      if (!r.AuthorizerId) throw badRequest(`AuthorizerId is required for AuthorizationType ${r.AuthorizationType}`);
      const auth = this.getChild(apiId, "authorizer", r.AuthorizerId, "Authorizer");
      const expected = r.AuthorizationType === "JWT" ? "JWT" : "REQUEST";
      if (auth.AuthorizerType !== expected) throw badRequest(`AuthorizationType ${r.AuthorizationType} requires an authorizer of type ${expected}`);
    }
  }

  private checkUniqueRouteKey(apiId: string, routeKey: string, exceptId?: string): void {
    const clash = this.deps.store.list(apiId, "route").find((r) => r.RouteKey === routeKey && r.RouteId !== exceptId);
    if (clash) throw conflict(`Route with key ${routeKey} already exists for this API`);
  }

  private createRoute(api: Doc, i: Doc, managed = false): Doc {
    const routeKey = required(i, "RouteKey");
    if (api.ProtocolType === "HTTP") this.checkRouteKey(routeKey);
    this.checkUniqueRouteKey(api.ApiId, routeKey);
    const route: Doc = {
      ApiKeyRequired: i.ApiKeyRequired ?? false,
      AuthorizationType: i.AuthorizationType ?? "NONE",
      RouteId: newSubId(),
      RouteKey: routeKey,
      ...pick(i, ["AuthorizerId", "AuthorizationScopes", "OperationName", "RequestParameters", "Target", "RouteResponseSelectionExpression", "ModelSelectionExpression", "RequestModels"]),
    };
    if (managed) route.ApiGatewayManaged = true;
    this.checkRouteRefs(api.ApiId, route);
    this.deps.store.insert(api.ApiId, "route", route.RouteId, route);
    return route;
  }

  private updateRoute(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const route = this.getChild(api.ApiId, "route", required(i, "RouteId"), "Route");
    if (i.RouteKey && i.RouteKey !== route.RouteKey) {
      if (api.ProtocolType === "HTTP") this.checkRouteKey(i.RouteKey);
      this.checkUniqueRouteKey(api.ApiId, i.RouteKey, route.RouteId);
    }
    const updated = {
      ...route,
      ...pick(i, ["RouteKey", "Target", "AuthorizationType", "AuthorizerId", "AuthorizationScopes", "ApiKeyRequired", "OperationName", "RequestParameters", "RouteResponseSelectionExpression", "ModelSelectionExpression", "RequestModels"]),
    };
    // switching to NONE drops the authorizer, as API Gateway does
    if (updated.AuthorizationType === "NONE") delete updated.AuthorizerId;
    this.checkRouteRefs(api.ApiId, updated);
    this.deps.store.update(api.ApiId, "route", route.RouteId, updated);
    return updated;
  }

  // ---- integrations ---------------------------------------------------------------

  private checkIntegration(api: Doc, x: Doc): void {
    const types = api.ProtocolType === "HTTP" ? HTTP_INTEGRATION_TYPES : ALL_INTEGRATION_TYPES;
    if (!types.includes(x.IntegrationType)) throw badRequest(`Unsupported integration type ${x.IntegrationType} for ${api.ProtocolType} APIs`);
    if (x.IntegrationSubtype !== undefined) {
      // AWS service integrations: no URI, a role to call the service as, and its parameters.
      if (x.IntegrationType !== "AWS_PROXY") throw badRequest(`IntegrationSubtype is only supported for AWS_PROXY integrations`);
      if (!AWS_SUBTYPE.test(x.IntegrationSubtype)) throw badRequest(`Invalid IntegrationSubtype ${x.IntegrationSubtype}`);
      if (x.PayloadFormatVersion !== "1.0") throw badRequest("AWS service integrations support only payload format version 1.0");
      if (!x.RequestParameters) throw badRequest(`RequestParameters are required for the ${x.IntegrationSubtype} integration subtype`);
      return;
    }
    if (x.IntegrationType !== "MOCK" && !x.IntegrationUri) throw badRequest("IntegrationUri is required");
    if (x.IntegrationType === "AWS_PROXY" && !/^arn:aws:(lambda|apigateway):/.test(x.IntegrationUri ?? ""))
      throw badRequest(`Invalid IntegrationUri ${x.IntegrationUri}: a Lambda proxy integration needs a Lambda function ARN`);
    if (x.IntegrationType === "HTTP_PROXY" && x.ConnectionType !== "VPC_LINK" && !/^https?:\/\//.test(x.IntegrationUri ?? ""))
      throw badRequest(`Invalid IntegrationUri ${x.IntegrationUri}: an HTTP proxy integration needs an http(s) URL`);
    if (!["1.0", "2.0"].includes(x.PayloadFormatVersion)) throw badRequest(`Invalid PayloadFormatVersion ${x.PayloadFormatVersion}: must be 1.0 or 2.0`);
    if (x.PayloadFormatVersion === "2.0" && x.IntegrationType !== "AWS_PROXY") throw badRequest("PayloadFormatVersion 2.0 is only supported for AWS_PROXY integrations");
    const max = api.ProtocolType === "HTTP" ? 30000 : 29000;
    if (!Number.isInteger(x.TimeoutInMillis) || x.TimeoutInMillis < 50 || x.TimeoutInMillis > max)
      throw badRequest(`TimeoutInMillis must be between 50 and ${max}`);
  }

  private createIntegration(api: Doc, i: Doc, managed = false): Doc {
    const type = required(i, "IntegrationType");
    const integration: Doc = {
      ConnectionType: i.ConnectionType ?? "INTERNET",
      IntegrationId: newSubId(),
      IntegrationMethod: i.IntegrationMethod ?? (type === "AWS_PROXY" ? "POST" : undefined),
      IntegrationType: type,
      PayloadFormatVersion: i.PayloadFormatVersion ?? "1.0",
      TimeoutInMillis: i.TimeoutInMillis ?? (api.ProtocolType === "HTTP" ? 30000 : 29000),
      ...pick(i, ["IntegrationUri", "CredentialsArn", "Description", "ConnectionId", "IntegrationSubtype", "RequestParameters", "ResponseParameters", "RequestTemplates", "TemplateSelectionExpression", "PassthroughBehavior", "ContentHandlingStrategy", "TlsConfig"]),
    };
    if (integration.IntegrationMethod === undefined) delete integration.IntegrationMethod;
    if (managed) integration.ApiGatewayManaged = true;
    this.checkIntegration(api, integration);
    this.deps.store.insert(api.ApiId, "integration", integration.IntegrationId, integration);
    return integration;
  }

  private updateIntegration(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const current = this.getChild(api.ApiId, "integration", required(i, "IntegrationId"), "Integration");
    const updated = {
      ...current,
      ...pick(i, ["IntegrationType", "IntegrationUri", "IntegrationMethod", "PayloadFormatVersion", "TimeoutInMillis", "CredentialsArn", "Description", "ConnectionType", "ConnectionId", "IntegrationSubtype", "RequestParameters", "ResponseParameters", "RequestTemplates", "TemplateSelectionExpression", "PassthroughBehavior", "ContentHandlingStrategy", "TlsConfig"]),
    };
    this.checkIntegration(api, updated);
    this.deps.store.update(api.ApiId, "integration", current.IntegrationId, updated);
    return updated;
  }

  private deleteIntegration(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const id = required(i, "IntegrationId");
    this.getChild(api.ApiId, "integration", id, "Integration");
    const user = this.deps.store.list(api.ApiId, "route").find((r) => r.Target === `integrations/${id}`);
    if (user) throw conflict(`Cannot delete Integration ${id} because it is still referenced by Route ${user.RouteId}`);
    this.deps.store.remove(api.ApiId, "integration", id);
    return {};
  }

  // ---- stages and deployments -------------------------------------------------------

  /** A deployment freezes the API's routes, integrations and authorizers; stages without AutoDeploy serve that. */
  private newDeployment(apiId: string, description: string | undefined, autoDeployed: boolean): Doc {
    const { store } = this.deps;
    const deployment: Doc = {
      AutoDeployed: autoDeployed,
      CreatedDate: new Date().toISOString(),
      DeploymentId: newSubId().slice(0, 6),
      DeploymentStatus: "DEPLOYED",
      ...(description !== undefined ? { Description: description } : {}),
    };
    store.insert(apiId, "deployment", deployment.DeploymentId, deployment);
    store.insert(apiId, "snapshot", deployment.DeploymentId, {
      routes: store.list(apiId, "route"), integrations: store.list(apiId, "integration"), authorizers: store.list(apiId, "authorizer"),
    });
    return deployment;
  }

  private deleteDeployment(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const id = required(i, "DeploymentId");
    this.getChild(api.ApiId, "deployment", id, "Deployment");
    if (this.deps.store.list(api.ApiId, "stage").some((s) => s.DeploymentId === id))
      throw badRequest("Active stages pointing to this deployment must be moved or deleted");
    this.deps.store.remove(api.ApiId, "deployment", id);
    this.deps.store.remove(api.ApiId, "snapshot", id);
    return {};
  }

  private createStage(api: Doc, i: Doc, managed = false): Doc {
    const name = required(i, "StageName");
    if (!STAGE_NAME.test(name)) throw badRequest(`Invalid stage name ${name}: use $default or letters, digits, '-' and '_'`);
    if (this.deps.store.get(api.ApiId, "stage", name)) throw conflict(`Stage ${name} already exists`);
    if (i.DeploymentId) this.getChild(api.ApiId, "deployment", i.DeploymentId, "Deployment");
    const now = new Date().toISOString();
    const stage: Doc = {
      ApiId: api.ApiId,
      AutoDeploy: i.AutoDeploy ?? false,
      CreatedDate: now,
      DefaultRouteSettings: i.DefaultRouteSettings ?? { DetailedMetricsEnabled: false },
      LastUpdatedDate: now,
      RouteSettings: i.RouteSettings ?? {},
      StageName: name,
      StageVariables: i.StageVariables ?? {},
      ...pick(i, ["AccessLogSettings", "ClientCertificateId", "DeploymentId", "Description"]),
    };
    if (managed) stage.ApiGatewayManaged = true;
    if (stage.AutoDeploy && !stage.DeploymentId) stage.DeploymentId = this.newDeployment(api.ApiId, undefined, true).DeploymentId;
    this.deps.store.insert(api.ApiId, "stage", name, stage);
    if (i.Tags) this.deps.store.putTags(this.stageArn(api.ApiId, name), i.Tags);
    return this.stageOut(stage);
  }

  private updateStage(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const stage = this.getChild(api.ApiId, "stage", required(i, "StageName"), "Stage");
    if (i.DeploymentId) this.getChild(api.ApiId, "deployment", i.DeploymentId, "Deployment");
    const updated = {
      ...stage,
      ...pick(i, ["AutoDeploy", "StageVariables", "DefaultRouteSettings", "RouteSettings", "AccessLogSettings", "ClientCertificateId", "DeploymentId", "Description"]),
      LastUpdatedDate: new Date().toISOString(),
    };
    this.deps.store.update(api.ApiId, "stage", stage.StageName, updated);
    return this.stageOut(updated);
  }

  private createDeployment(api: Doc, i: Doc): Doc {
    let stage: Doc | undefined;
    if (i.StageName) {
      stage = this.getChild(api.ApiId, "stage", i.StageName, "Stage");
      if (stage.AutoDeploy) throw badRequest(`Stage ${i.StageName} has AutoDeploy enabled; deployments are created automatically`);
    }
    const deployment = this.newDeployment(api.ApiId, i.Description, false);
    if (stage) this.deps.store.update(api.ApiId, "stage", stage.StageName, { ...stage, DeploymentId: deployment.DeploymentId, LastUpdatedDate: new Date().toISOString() });
    return withDates(deployment);
  }

  // ---- authorizers ----------------------------------------------------------------

  private checkAuthorizer(a: Doc): void {
    if (a.AuthorizerType === "JWT") {
      if (!a.JwtConfiguration?.Issuer) throw badRequest("JwtConfiguration.Issuer is required for JWT authorizers");
      if (!a.JwtConfiguration?.Audience?.length) throw badRequest("JwtConfiguration.Audience is required for JWT authorizers");
      if (!a.IdentitySource?.length) throw badRequest("IdentitySource is required for JWT authorizers");
    } else if (a.AuthorizerType === "REQUEST") {
      if (!a.AuthorizerUri) throw badRequest("AuthorizerUri is required for REQUEST authorizers");
      if (a.AuthorizerPayloadFormatVersion && !["1.0", "2.0"].includes(a.AuthorizerPayloadFormatVersion))
        throw badRequest(`Invalid AuthorizerPayloadFormatVersion ${a.AuthorizerPayloadFormatVersion}`);
      if (a.EnableSimpleResponses && a.AuthorizerPayloadFormatVersion !== "2.0")
        throw badRequest("EnableSimpleResponses requires AuthorizerPayloadFormatVersion 2.0");
    } else throw badRequest(`Invalid AuthorizerType ${a.AuthorizerType}: must be JWT or REQUEST`);
  }

  private createAuthorizer(api: Doc, i: Doc): Doc {
    const authorizer: Doc = {
      AuthorizerId: newSubId(),
      AuthorizerType: required(i, "AuthorizerType"),
      Name: required(i, "Name"),
      IdentitySource: i.IdentitySource ?? (i.AuthorizerType === "JWT" ? ["$request.header.Authorization"] : []),
      ...pick(i, ["JwtConfiguration", "AuthorizerUri", "AuthorizerPayloadFormatVersion", "EnableSimpleResponses", "AuthorizerResultTtlInSeconds", "AuthorizerCredentialsArn", "IdentityValidationExpression"]),
    };
    this.checkAuthorizer(authorizer);
    this.deps.store.insert(api.ApiId, "authorizer", authorizer.AuthorizerId, authorizer);
    return authorizer;
  }

  private updateAuthorizer(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const current = this.getChild(api.ApiId, "authorizer", required(i, "AuthorizerId"), "Authorizer");
    const updated = {
      ...current,
      ...pick(i, ["Name", "AuthorizerType", "IdentitySource", "JwtConfiguration", "AuthorizerUri", "AuthorizerPayloadFormatVersion", "EnableSimpleResponses", "AuthorizerResultTtlInSeconds", "AuthorizerCredentialsArn", "IdentityValidationExpression"]),
    };
    this.checkAuthorizer(updated);
    this.deps.store.update(api.ApiId, "authorizer", current.AuthorizerId, updated);
    return updated;
  }

  private deleteAuthorizer(i: Doc): Doc {
    const api = this.api(required(i, "ApiId"));
    const id = required(i, "AuthorizerId");
    this.getChild(api.ApiId, "authorizer", id, "Authorizer");
    const user = this.deps.store.list(api.ApiId, "route").find((r) => r.AuthorizerId === id);
    if (user) throw conflict(`Cannot delete Authorizer ${id} because it is still referenced by Route ${user.RouteId}`);
    this.deps.store.remove(api.ApiId, "authorizer", id);
    return {};
  }
}
