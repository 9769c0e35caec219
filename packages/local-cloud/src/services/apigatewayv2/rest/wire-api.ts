/**
 * The REST API (v1) management API on the wire: what `aws apigateway get-rest-apis`,
 * `get-resources --embed methods`, `get-method`, `get-stages`, … and
 * `@aws-sdk/client-api-gateway` read, answered from what CloudFormation deployed
 * (rest/management.ts, rest/api-keys.ts keep those documents with CloudFormation's
 * property names; this file writes them in the v1 API's camelCase shapes). Lists page
 * with `limit` (25 unless given, at most 500) and an opaque `position`. API keys and the
 * keys of usage plans can also be made and removed here; models and request validators are read too; test-invoke-method calls a
 * method's integration as it is now (rest/data-plane.ts).
 */
import { AwsError } from "../../../server/aws-error.js";
import { ACCOUNT_ID, type Principal } from "../../../types.js";
import { paginate } from "../pagination.js";
import type { ApiGatewayStore } from "../store.js";
import type { ApiKeys } from "./api-keys.js";
import type { RestDataPlane } from "./data-plane.js";

type Doc = Record<string, any>;
type Op = (input: Doc, ctx: { principal: Principal }) => Doc | Promise<Doc>;

const notFound = (what: string, id?: string) =>
  new AwsError("NotFoundException", id === undefined ? `Invalid ${what} identifier specified` : `Invalid ${what} identifier specified ${ACCOUNT_ID}:${id}`, 404);

/** A page of `items`, as the v1 API answers a list. */
function page<T>(items: T[], input: Doc): { items: T[]; position?: string } {
  const limit = input.limit === undefined ? 25 : Math.min(Number(input.limit), 500);
  const { Items, NextToken } = paginate(items, limit, input.position);
  return NextToken === undefined ? { items: Items } : { items: Items, position: NextToken };
}

const date = (iso: unknown) => (typeof iso === "string" ? new Date(iso) : undefined);

/** A `{ "200": {...} }` map from a list of CloudFormation entries keyed by StatusCode. */
function byStatusCode<T>(list: Doc[] | undefined, shape: (entry: Doc) => T): Record<string, T> | undefined {
  if (!list?.length) return undefined;
  return Object.fromEntries(list.map((e) => [String(e.StatusCode), shape(e)]));
}

export class RestWireApi {
  readonly operations: Record<string, Op>;

  constructor(private readonly store: ApiGatewayStore, private readonly restApiArn: (id: string) => string, private readonly keys: ApiKeys, private readonly dataPlane: RestDataPlane) {
    this.operations = {
      GetRestApis: (i) => page(this.restApis().map((a) => this.restApiOut(a)), i),
      GetRestApi: (i) => this.restApiOut(this.restApi(i.restApiId)),
      GetResources: (i) => {
        const apiId = this.restApi(i.restApiId).Id;
        return page(this.store.list<Doc>(apiId, "restresource").map((r) => this.resourceOut(apiId, r, embedsMethods(i.embed))), i);
      },
      GetResource: (i) => {
        const apiId = this.restApi(i.restApiId).Id;
        return this.resourceOut(apiId, this.resource(apiId, i.resourceId), embedsMethods(i.embed));
      },
      GetMethod: (i) => methodOut(this.method(i)),
      GetIntegration: (i) => {
        const integration = this.method(i).Integration;
        if (!integration) throw notFound("Integration");
        return integrationOut(integration, i.resourceId);
      },
      GetStages: (i) => {
        const apiId = this.restApi(i.restApiId).Id;
        const stages = this.store.list<Doc>(apiId, "reststage").filter((s) => i.deploymentId === undefined || s.DeploymentId === i.deploymentId);
        return { item: stages.map(stageOut) };
      },
      GetStage: (i) => stageOut(this.child(i.restApiId, "reststage", i.stageName, "Stage")),
      GetDeployments: (i) => page(this.store.list<Doc>(this.restApi(i.restApiId).Id, "restdeployment").map(deploymentOut), i),
      GetDeployment: (i) => deploymentOut(this.child(i.restApiId, "restdeployment", i.deploymentId, "Deployment")),
      GetAuthorizers: (i) => page(this.store.list<Doc>(this.restApi(i.restApiId).Id, "restauthorizer").map(authorizerOut), i),
      GetAuthorizer: (i) => authorizerOut(this.child(i.restApiId, "restauthorizer", i.authorizerId, "Authorizer")),
      GetModels: (i) => page(this.store.list<Doc>(this.restApi(i.restApiId).Id, "restmodel").map(modelOut), i),
      GetModel: (i) => modelOut(this.child(i.restApiId, "restmodel", i.modelName, "Model")),
      GetRequestValidators: (i) => page(this.store.list<Doc>(this.restApi(i.restApiId).Id, "restvalidator").map(validatorOut), i),
      GetRequestValidator: (i) => validatorOut(this.child(i.restApiId, "restvalidator", i.requestValidatorId, "Request Validator")),
      GetApiKeys: (i) => {
        const keys = this.keys.apiKeys().filter((k) => (!i.nameQuery || String(k.Name).startsWith(i.nameQuery)) && (!i.customerId || k.CustomerId === i.customerId));
        return page(keys.map((k) => apiKeyOut(k, i.includeValues === true)), i);
      },
      GetApiKey: (i) => apiKeyOut(this.keys.apiKey(i.apiKey), i.includeValue === true),
      CreateApiKey: (i) => {
        const key = this.keys.operations.CreateApiKey({
          Name: i.name, Description: i.description, Enabled: i.enabled, Value: i.value, CustomerId: i.customerId,
          StageKeys: i.stageKeys?.map((s: Doc) => ({ RestApiId: s.restApiId, StageName: s.stageName })),
        });
        return apiKeyOut(key, true);
      },
      DeleteApiKey: (i) => this.keys.operations.DeleteApiKey({ ApiKeyId: i.apiKey }),
      GetUsagePlans: (i) => {
        let plans = this.keys.usagePlans();
        if (i.keyId !== undefined) {
          const admitting = new Set(this.keys.usagePlanKeys().filter((k) => k.KeyId === i.keyId).map((k) => k.UsagePlanId));
          plans = plans.filter((p) => admitting.has(p.Id));
        }
        return page(plans.map(usagePlanOut), i);
      },
      GetUsagePlan: (i) => usagePlanOut(this.keys.usagePlan(i.usagePlanId)),
      GetUsagePlanKeys: (i) => {
        const plan = this.keys.usagePlan(i.usagePlanId);
        const keys = this.keys.usagePlanKeys(plan.Id).map((pk) => this.keys.apiKey(pk.KeyId));
        return page(keys.filter((k) => !i.nameQuery || String(k.Name).startsWith(i.nameQuery)).map(usagePlanKeyOut), i);
      },
      CreateUsagePlanKey: (i) => {
        const pk = this.keys.operations.CreateUsagePlanKey({ UsagePlanId: i.usagePlanId, KeyId: i.keyId, KeyType: i.keyType });
        return usagePlanKeyOut(this.keys.apiKey(pk.KeyId));
      },
      DeleteUsagePlanKey: (i) => this.keys.operations.DeleteUsagePlanKey({ UsagePlanId: i.usagePlanId, KeyId: i.keyId }),
      TestInvokeMethod: async (i, ctx) => {
        const apiId = this.restApi(i.restApiId).Id;
        this.resource(apiId, i.resourceId);
        const result = await this.dataPlane.testInvoke(apiId, i.resourceId, String(i.httpMethod ?? ""), i, ctx.principal);
        if (!result) throw notFound("Method");
        return result;
      },
    };
  }

  private restApis(): Doc[] {
    return this.store.listRestApiIds().map((id) => this.store.get<Doc>(id, "restapi", id)!).filter(Boolean);
  }

  private restApi(id: unknown): Doc {
    const api = typeof id === "string" ? this.store.get<Doc>(id, "restapi", id) : undefined;
    if (!api) throw notFound("API", String(id));
    return api;
  }

  private resource(apiId: string, id: unknown): Doc {
    return this.child(apiId, "restresource", id, "Resource");
  }

  /** A resource of a REST API by its id; NotFoundException for the API first, then for it. */
  private child(restApiId: unknown, kind: "restresource" | "reststage" | "restdeployment" | "restauthorizer" | "restvalidator" | "restmodel", id: unknown, what: string): Doc {
    const apiId = this.restApi(restApiId).Id;
    const doc = typeof id === "string" ? this.store.get<Doc>(apiId, kind, id) : undefined;
    if (!doc) throw notFound(what, String(id));
    return doc;
  }

  private method(i: Doc): Doc {
    const apiId = this.restApi(i.restApiId).Id;
    this.resource(apiId, i.resourceId);
    const method = this.store.get<Doc>(apiId, "restmethod", `${i.resourceId}-${String(i.httpMethod ?? "").toUpperCase()}`);
    if (!method) throw notFound("Method");
    return method;
  }

  private restApiOut(api: Doc): Doc {
    return {
      id: api.Id, name: api.Name, description: api.Description, createdDate: date(api.CreatedDate),
      binaryMediaTypes: api.BinaryMediaTypes?.length ? api.BinaryMediaTypes : undefined, apiKeySource: api.ApiKeySourceType ?? "HEADER",
      endpointConfiguration: { types: ["EDGE"] }, disableExecuteApiEndpoint: api.DisableExecuteApiEndpoint === true, rootResourceId: api.RootResourceId,
      tags: this.store.tags(this.restApiArn(api.Id)), policy: api.Policy,
    };
  }

  /** A resource; its methods as `{ GET: {} }`, or whole with `embed=methods`, as AWS answers. */
  private resourceOut(apiId: string, r: Doc, embed: boolean): Doc {
    const methods = this.store.list<Doc>(apiId, "restmethod").filter((m) => m.ResourceId === r.Id);
    const out: Doc = { id: r.Id, parentId: r.ParentId, pathPart: r.PathPart, path: r.Path };
    if (methods.length) out.resourceMethods = Object.fromEntries(methods.map((m) => [m.HttpMethod, embed ? methodOut(m) : {}]));
    return out;
  }
}

function embedsMethods(embed: unknown): boolean {
  return Array.isArray(embed) && embed.some((e) => String(e).split(",").map((s) => s.trim()).includes("methods"));
}

function methodOut(m: Doc): Doc {
  return {
    httpMethod: m.HttpMethod, authorizationType: m.AuthorizationType, authorizerId: m.AuthorizerId, apiKeyRequired: m.ApiKeyRequired === true, requestValidatorId: m.RequestValidatorId,
    operationName: m.OperationName, requestParameters: booleans(m.RequestParameters), requestModels: m.RequestModels,
    authorizationScopes: m.AuthorizationScopes,
    methodResponses: byStatusCode(m.MethodResponses, (r) => ({ statusCode: String(r.StatusCode), responseParameters: booleans(r.ResponseParameters), responseModels: r.ResponseModels })),
    methodIntegration: m.Integration ? integrationOut(m.Integration, m.ResourceId) : undefined,
  };
}

function integrationOut(x: Doc, resourceId: string): Doc {
  const type = String(x.Type ?? "");
  return {
    type, httpMethod: x.IntegrationHttpMethod, uri: x.Uri, connectionType: x.ConnectionType ?? (type === "MOCK" ? undefined : "INTERNET"),
    connectionId: x.ConnectionId, credentials: x.Credentials, requestParameters: x.RequestParameters, requestTemplates: x.RequestTemplates,
    passthroughBehavior: x.PassthroughBehavior ?? "WHEN_NO_MATCH", contentHandling: x.ContentHandling,
    timeoutInMillis: Number(x.TimeoutInMillis ?? 29_000), cacheNamespace: x.CacheNamespace ?? resourceId, cacheKeyParameters: x.CacheKeyParameters ?? [],
    integrationResponses: byStatusCode(x.IntegrationResponses, (r) => ({
      statusCode: String(r.StatusCode), selectionPattern: r.SelectionPattern, responseParameters: r.ResponseParameters,
      responseTemplates: r.ResponseTemplates, contentHandling: r.ContentHandling,
    })),
  };
}

/** RequestParameters as the API answers them: `{ "method.request.path.id": true }`. */
function booleans(params: Doc | undefined): Record<string, boolean> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === true || v === "true"]));
}

function stageOut(s: Doc): Doc {
  const log = s.AccessLogSetting;
  return {
    deploymentId: s.DeploymentId, stageName: s.StageName, description: s.Description, variables: s.Variables && Object.keys(s.Variables).length ? s.Variables : undefined,
    accessLogSettings: log ? { format: log.Format, destinationArn: log.DestinationArn } : undefined, cacheClusterEnabled: false, cacheClusterStatus: "NOT_AVAILABLE",
    methodSettings: methodSettingsOut(s.MethodSettings), tracingEnabled: s.TracingEnabled === true, createdDate: date(s.CreatedDate),
    lastUpdatedDate: date(s.LastUpdatedDate ?? s.CreatedDate),
  };
}

/** CloudFormation's `[{ ResourcePath, HttpMethod, ... }]` keyed as GetStage keys them: "~1users/GET" for "/~1users", star-slash-star for the every-method entry. */
function methodSettingsOut(list: Doc[] | undefined): Record<string, Doc> {
  const out: Record<string, Doc> = {};
  for (const m of list ?? []) {
    const path = String(m.ResourcePath ?? "/*");
    // CloudFormation's ResourcePath is already encoded ("/~1users"); the key drops its first slash
    const key = `${path === "/*" ? "*" : path.slice(1)}/${m.HttpMethod ?? "*"}`;
    out[key] = {
      metricsEnabled: m.MetricsEnabled === true || m.MetricsEnabled === "true", loggingLevel: m.LoggingLevel ?? "OFF",
      dataTraceEnabled: m.DataTraceEnabled === true || m.DataTraceEnabled === "true",
      throttlingBurstLimit: m.ThrottlingBurstLimit === undefined ? 5000 : Number(m.ThrottlingBurstLimit),
      throttlingRateLimit: m.ThrottlingRateLimit === undefined ? 10000 : Number(m.ThrottlingRateLimit),
      cachingEnabled: m.CachingEnabled === true || m.CachingEnabled === "true", cacheTtlInSeconds: Number(m.CacheTtlInSeconds ?? 300),
      cacheDataEncrypted: m.CacheDataEncrypted === true || m.CacheDataEncrypted === "true", requireAuthorizationForCacheControl: true,
      unauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER",
    };
  }
  return out;
}

function deploymentOut(d: Doc): Doc {
  return { id: d.Id, description: d.Description, createdDate: date(d.CreatedDate) };
}

function modelOut(m: Doc): Doc {
  return { id: m.Id, name: m.Name, description: m.Description, schema: m.Schema, contentType: m.ContentType };
}

function validatorOut(v: Doc): Doc {
  return { id: v.Id, name: v.Name, validateRequestBody: v.ValidateRequestBody === true, validateRequestParameters: v.ValidateRequestParameters === true };
}

function authorizerOut(a: Doc): Doc {
  return {
    id: a.Id, name: a.Name, type: a.Type, providerARNs: a.ProviderARNs, authorizerUri: a.AuthorizerUri,
    identitySource: a.IdentitySource ?? (a.Type === "REQUEST" ? undefined : "method.request.header.Authorization"),
    identityValidationExpression: a.IdentityValidationExpression, authorizerResultTtlInSeconds: a.AuthorizerResultTtlInSeconds,
  };
}

function apiKeyOut(k: Doc, withValue: boolean): Doc {
  return {
    id: k.Id, value: withValue ? k.Value : undefined, name: k.Name, customerId: k.CustomerId, description: k.Description, enabled: k.Enabled === true,
    createdDate: date(k.CreatedDate), lastUpdatedDate: date(k.LastUpdatedDate), stageKeys: k.StageKeys ?? [],
  };
}

function usagePlanOut(p: Doc): Doc {
  return {
    id: p.Id, name: p.Name, description: p.Description,
    apiStages: (p.ApiStages ?? []).map((s: Doc) => ({
      apiId: s.ApiId, stage: s.Stage,
      throttle: s.Throttle ? Object.fromEntries(Object.entries<Doc>(s.Throttle).map(([k, t]) => [k, { burstLimit: t.BurstLimit, rateLimit: t.RateLimit }])) : undefined,
    })),
    throttle: p.Throttle ? { burstLimit: p.Throttle.BurstLimit, rateLimit: p.Throttle.RateLimit } : undefined,
    quota: p.Quota ? { limit: p.Quota.Limit, offset: p.Quota.Offset, period: p.Quota.Period } : undefined,
  };
}

function usagePlanKeyOut(k: Doc): Doc {
  return { id: k.Id, type: "API_KEY", value: k.Value, name: k.Name };
}
