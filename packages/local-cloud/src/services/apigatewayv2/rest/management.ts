/**
 * REST APIs (API Gateway v1) as CloudFormation builds them: the API and its root
 * resource, the resource tree, methods with their integration inline, authorizers,
 * deployments and stages. A deployment freezes the API's resources, methods and
 * authorizers as they are when it is created, which is what its stages serve, as on
 * AWS (a change reaches requests only through a new deployment; CDK makes one
 * whenever a method changes).
 *
 * These operations are in-process only (CloudFormation's providers call them through
 * the apigateway service); there is no v1 management API on the wire yet. Their names
 * say "Rest" where AWS's v1 and v2 APIs share one (CreateStage is the HTTP API's here),
 * and inputs and outputs use the CloudFormation property names.
 */
import { ACCOUNT_ID } from "../../../types.js";
import { badRequest, conflict } from "../errors.js";
import { AwsError } from "../../../server/aws-error.js";
import { newApiId, randomId } from "../ids.js";
import type { ApiGatewayStore } from "../store.js";

type Doc = Record<string, any>;

/** What a deployment froze: what its stages serve. */
export interface RestSnapshot {
  resources: Doc[];
  methods: Doc[];
  authorizers: Doc[];
  /** Request validators and models (older snapshots have none). */
  validators?: Doc[];
  models?: Doc[];
  /** The API's resource policy (JSON text) when deployed. */
  policy?: string;
}

const notFound = (what: string, id: string) => new AwsError("NotFoundException", `Invalid ${what} identifier specified ${ACCOUNT_ID}:${id}`, 404);

/** The models every REST API has from its creation, as on AWS (CDK's `Model.EMPTY_MODEL` and `ERROR_MODEL` name them). */
const DEFAULT_MODELS = [
  { Name: "Empty", Description: "This is a default empty schema model", Schema: { $schema: "http://json-schema.org/draft-04/schema#", title: "Empty Schema", type: "object" } },
  { Name: "Error", Description: "This is a default error schema model", Schema: { $schema: "http://json-schema.org/draft-04/schema#", title: "Error Schema", type: "object", properties: { message: { type: "string" } } } },
];
const BUILT_IN_MODELS = new Set(DEFAULT_MODELS.map((m) => m.Name));
const METHODS = new Set(["ANY", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
const AUTHORIZATION_TYPES = new Set(["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]);

export class RestApiManagement {
  constructor(private readonly store: ApiGatewayStore, private readonly region: string) {}

  readonly operations: Record<string, (input: Doc) => Doc> = {
    CreateRestApi: (i) => this.createRestApi(i),
    UpdateRestApi: (i) => this.updateRestApi(i),
    DeleteRestApi: (i) => this.deleteRestApi(i),
    CreateRestResource: (i) => this.createResource(i),
    DeleteRestResource: (i) => this.deleteResource(i),
    PutRestMethod: (i) => this.putMethod(i),
    DeleteRestMethod: (i) => this.deleteMethod(i),
    CreateRestAuthorizer: (i) => this.putAuthorizer(i, randomId(6)),
    UpdateRestAuthorizer: (i) => this.putAuthorizer(i, this.existing(i.RestApiId, "restauthorizer", i.AuthorizerId, "Authorizer").Id),
    DeleteRestAuthorizer: (i) => this.remove(i.RestApiId, "restauthorizer", i.AuthorizerId, "Authorizer"),
    CreateRestDeployment: (i) => this.createDeployment(i),
    DeleteRestDeployment: (i) => this.deleteDeployment(i),
    CreateRestStage: (i) => this.createStage(i),
    UpdateRestStage: (i) => this.updateStage(i),
    DeleteRestStage: (i) => this.remove(i.RestApiId, "reststage", i.StageName, "Stage"),
    PutRestGatewayResponse: (i) => this.putGatewayResponse(i),
    CreateRestRequestValidator: (i) => this.putValidator(i, randomId(6)),
    UpdateRestRequestValidator: (i) => this.putValidator(i, this.existing(i.RestApiId, "restvalidator", i.RequestValidatorId, "Request Validator").Id),
    DeleteRestRequestValidator: (i) => this.remove(i.RestApiId, "restvalidator", i.RequestValidatorId, "Request Validator"),
    CreateRestModel: (i) => this.putModel(i, false),
    UpdateRestModel: (i) => this.putModel(i, true),
    DeleteRestModel: (i) => this.remove(i.RestApiId, "restmodel", i.Name, "Model"),
    DeleteRestGatewayResponse: (i) => this.remove(i.RestApiId, "restgatewayresponse", i.ResponseType, "Gateway response"),
  };

  arn(restApiId: string): string {
    return `arn:aws:apigateway:${this.region}::/restapis/${restApiId}`;
  }

  private restApi(id: unknown): Doc {
    const api = typeof id === "string" ? this.store.get<Doc>(id, "restapi", id) : undefined;
    if (!api) throw notFound("API", String(id));
    return api;
  }

  private existing(apiId: unknown, kind: "restresource" | "restauthorizer" | "restdeployment" | "reststage" | "restgatewayresponse" | "restvalidator" | "restmodel", id: unknown, what: string): Doc {
    this.restApi(apiId);
    const doc = typeof id === "string" ? this.store.get<Doc>(apiId as string, kind, id) : undefined;
    if (!doc) throw notFound(what, String(id));
    return doc;
  }

  private remove(apiId: unknown, kind: "restauthorizer" | "reststage" | "restgatewayresponse" | "restvalidator" | "restmodel", id: unknown, what: string): Doc {
    this.existing(apiId, kind, id, what);
    this.store.remove(apiId as string, kind, id as string);
    return {};
  }

  private createRestApi(i: Doc): Doc {
    if (i.Body !== undefined || i.BodyS3Location !== undefined || i.CloneFrom !== undefined) {
      throw badRequest("Importing an OpenAPI definition or cloning an API (Body, BodyS3Location, CloneFrom) is not supported by the local cloud");
    }
    if (typeof i.Name !== "string" || !i.Name) throw badRequest("Invalid REST API name specified: a REST API needs a Name");
    const id = newApiId();
    const rootId = randomId(6);
    const api = {
      Id: id, Name: i.Name, Description: i.Description, RootResourceId: rootId,
      BinaryMediaTypes: i.BinaryMediaTypes ?? [], ApiKeySourceType: i.ApiKeySourceType ?? "HEADER",
      DisableExecuteApiEndpoint: i.DisableExecuteApiEndpoint === true || i.DisableExecuteApiEndpoint === "true",
      Policy: policyText(i.Policy), CreatedDate: new Date().toISOString(),
    };
    this.store.insert(id, "restapi", id, api);
    this.store.insert(id, "restresource", rootId, { Id: rootId, Path: "/" });
    for (const m of DEFAULT_MODELS) this.store.insert(id, "restmodel", m.Name, { Id: m.Name, Name: m.Name, ContentType: "application/json", Schema: JSON.stringify(m.Schema), Description: m.Description });
    this.putTags(id, i.Tags);
    return api;
  }

  private updateRestApi(i: Doc): Doc {
    const api = this.restApi(i.RestApiId);
    const next = {
      ...api, Name: i.Name ?? api.Name, Description: i.Description, BinaryMediaTypes: i.BinaryMediaTypes ?? [], ApiKeySourceType: i.ApiKeySourceType ?? "HEADER",
      DisableExecuteApiEndpoint: i.DisableExecuteApiEndpoint === true || i.DisableExecuteApiEndpoint === "true",
      Policy: policyText(i.Policy),
    };
    this.store.update(api.Id, "restapi", api.Id, next);
    if (i.Tags !== undefined) {
      const arn = this.arn(api.Id);
      this.store.removeTags(arn, Object.keys(this.store.tags(arn)));
      this.putTags(api.Id, i.Tags);
    }
    return next;
  }

  /** CloudFormation's `[{ Key, Value }]` tags of a REST API, kept by its ARN (GetRestApi answers them). */
  private putTags(apiId: string, tags: unknown): void {
    if (!Array.isArray(tags) || !tags.length) return;
    this.store.putTags(this.arn(apiId), Object.fromEntries(tags.map((t: Doc) => [String(t.Key), String(t.Value ?? "")])));
  }

  private deleteRestApi(i: Doc): Doc {
    const api = this.restApi(i.RestApiId);
    this.store.removeApi(api.Id, this.arn(api.Id));
    return {};
  }

  private createResource(i: Doc): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const parent = this.existing(apiId, "restresource", i.ParentId, "Resource");
    const part = String(i.PathPart ?? "");
    if (!/^(\{[A-Za-z0-9._-]+\+?\}|[A-Za-z0-9._:@~!$&'()*,;=-]+)$/.test(part)) {
      throw badRequest(`Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.`);
    }
    const siblings = this.store.list<Doc>(apiId, "restresource").filter((r) => r.ParentId === parent.Id);
    if (siblings.some((r) => r.PathPart === part)) throw conflict(`Another resource with the same parent already has this name: ${part}`);
    if (part.startsWith("{") && siblings.some((r) => r.PathPart.startsWith("{"))) {
      throw badRequest(`A sibling (${siblings.find((r) => r.PathPart.startsWith("{"))!.PathPart}) of this resource already has a variable path part -- only one is allowed`);
    }
    if (/^\{.+\+\}$/.test(parent.PathPart ?? "")) throw badRequest("Cannot create a child of a resource with a greedy path variable");
    const id = randomId(6);
    const resource = { Id: id, ParentId: parent.Id, PathPart: part, Path: `${parent.Path === "/" ? "" : parent.Path}/${part}` };
    this.store.insert(apiId, "restresource", id, resource);
    return resource;
  }

  private deleteResource(i: Doc): Doc {
    const resource = this.existing(i.RestApiId, "restresource", i.ResourceId, "Resource");
    if (!resource.ParentId) throw badRequest("Cannot delete the root resource of a REST API");
    // children and their methods go with it, as on AWS
    const all = this.store.list<Doc>(i.RestApiId, "restresource");
    const doomed = new Set([resource.Id]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const r of all) if (r.ParentId && doomed.has(r.ParentId) && !doomed.has(r.Id)) (doomed.add(r.Id), (grew = true));
    }
    for (const m of this.store.list<Doc>(i.RestApiId, "restmethod")) if (doomed.has(m.ResourceId)) this.store.remove(i.RestApiId, "restmethod", m.Id);
    for (const id of doomed) this.store.remove(i.RestApiId, "restresource", id);
    return {};
  }

  private putMethod(i: Doc): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const resource = this.existing(apiId, "restresource", i.ResourceId, "Resource");
    const httpMethod = String(i.HttpMethod ?? "").toUpperCase();
    if (!METHODS.has(httpMethod)) throw badRequest(`Invalid HttpMethod specified. Valid options are ${[...METHODS].join(",")}`);
    const authorizationType = String(i.AuthorizationType ?? "NONE").toUpperCase();
    if (!AUTHORIZATION_TYPES.has(authorizationType)) throw badRequest(`Invalid authorization type specified: ${authorizationType}`);
    if ((authorizationType === "CUSTOM" || authorizationType === "COGNITO_USER_POOLS") && !i.AuthorizerId) {
      throw badRequest(`Invalid authorizer ID specified. Setting the authorization type to ${authorizationType} requires a valid authorizer.`);
    }
    if (i.AuthorizerId) this.existing(apiId, "restauthorizer", i.AuthorizerId, "Authorizer");
    if (i.RequestValidatorId) this.existing(apiId, "restvalidator", i.RequestValidatorId, "Request Validator");
    for (const [type, name] of Object.entries<string>(i.RequestModels ?? {})) {
      if (!BUILT_IN_MODELS.has(name) && !this.store.get(apiId, "restmodel", name)) throw badRequest(`Invalid model identifier specified: ${name} (for ${type})`);
    }
    // an integration response answers with one of the method's responses, as AWS checks
    const declared = new Set((i.MethodResponses ?? []).map((r: Doc) => String(r.StatusCode)));
    for (const r of i.Integration?.IntegrationResponses ?? []) {
      if (!declared.has(String(r.StatusCode))) throw new AwsError("NotFoundException", `Invalid Response status code specified: integration response ${r.StatusCode} has no method response`, 404);
    }
    const id = `${resource.Id}-${httpMethod}`;
    const method = {
      Id: id, ResourceId: resource.Id, HttpMethod: httpMethod, AuthorizationType: authorizationType,
      AuthorizerId: i.AuthorizerId, ApiKeyRequired: i.ApiKeyRequired === true || i.ApiKeyRequired === "true",
      Integration: i.Integration, MethodResponses: i.MethodResponses, RequestParameters: i.RequestParameters,
      AuthorizationScopes: i.AuthorizationScopes, OperationName: i.OperationName, RequestModels: i.RequestModels,
      RequestValidatorId: i.RequestValidatorId,
    };
    if (this.store.get(apiId, "restmethod", id)) this.store.update(apiId, "restmethod", id, method);
    else this.store.insert(apiId, "restmethod", id, method);
    return method;
  }

  private deleteMethod(i: Doc): Doc {
    const id = `${i.ResourceId}-${String(i.HttpMethod ?? "").toUpperCase()}`;
    this.restApi(i.RestApiId);
    if (!this.store.get(i.RestApiId, "restmethod", id)) throw new AwsError("NotFoundException", "Invalid Method identifier specified", 404);
    this.store.remove(i.RestApiId, "restmethod", id);
    return {};
  }

  private putAuthorizer(i: Doc, id: string): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const type = String(i.Type ?? "");
    if (!["TOKEN", "REQUEST", "COGNITO_USER_POOLS"].includes(type)) throw badRequest(`Invalid authorizer type specified: ${type}`);
    if (type !== "COGNITO_USER_POOLS" && !i.AuthorizerUri) throw badRequest(`Authorizer URI is required for authorizer type ${type}`);
    const authorizer = {
      Id: id, Name: i.Name, Type: type, AuthorizerUri: i.AuthorizerUri, IdentitySource: i.IdentitySource,
      IdentityValidationExpression: i.IdentityValidationExpression, ProviderARNs: i.ProviderARNs,
      // AWS's default when the field is left out
      AuthorizerResultTtlInSeconds: i.AuthorizerResultTtlInSeconds === undefined ? 300 : Number(i.AuthorizerResultTtlInSeconds),
    };
    if (this.store.get(apiId, "restauthorizer", id)) this.store.update(apiId, "restauthorizer", id, authorizer);
    else this.store.insert(apiId, "restauthorizer", id, authorizer);
    return authorizer;
  }

  private putGatewayResponse(i: Doc): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const type = String(i.ResponseType ?? "");
    if (!/^[A-Z0-9_]+$/.test(type)) throw badRequest(`Invalid gateway response type ${type}`);
    const doc = { ResponseType: type, StatusCode: i.StatusCode, ResponseParameters: i.ResponseParameters, ResponseTemplates: i.ResponseTemplates };
    if (this.store.get(apiId, "restgatewayresponse", type)) this.store.update(apiId, "restgatewayresponse", type, doc);
    else this.store.insert(apiId, "restgatewayresponse", type, doc);
    return doc;
  }

  private putValidator(i: Doc, id: string): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const validator = {
      Id: id, Name: i.Name ?? id,
      ValidateRequestBody: i.ValidateRequestBody === true || i.ValidateRequestBody === "true",
      ValidateRequestParameters: i.ValidateRequestParameters === true || i.ValidateRequestParameters === "true",
    };
    if (this.store.get(apiId, "restvalidator", id)) this.store.update(apiId, "restvalidator", id, validator);
    else this.store.insert(apiId, "restvalidator", id, validator);
    return validator;
  }

  /** A model: a JSON Schema (draft 4) for a content type, kept by its name. */
  private putModel(i: Doc, update: boolean): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const name = String(i.Name ?? "");
    if (!/^[A-Za-z0-9]+$/.test(name)) throw badRequest("Model name must be alphanumeric");
    if (update) this.existing(apiId, "restmodel", name, "Model");
    else if (this.store.get(apiId, "restmodel", name)) throw conflict("Model name already exists for this REST API");
    let schema: string | undefined;
    if (i.Schema !== undefined) {
      schema = typeof i.Schema === "string" ? i.Schema : JSON.stringify(i.Schema);
      try {
        JSON.parse(schema);
      } catch {
        throw badRequest("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]");
      }
    }
    const model = { Id: name, Name: name, ContentType: i.ContentType ?? "application/json", Schema: schema, Description: i.Description };
    if (update) this.store.update(apiId, "restmodel", name, model);
    else this.store.insert(apiId, "restmodel", name, model);
    return model;
  }

  private createDeployment(i: Doc): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const methods = this.store.list<Doc>(apiId, "restmethod");
    if (!methods.length) throw badRequest("The REST API doesn't contain any methods");
    const id = randomId(6);
    const snapshot: RestSnapshot = {
      resources: this.store.list(apiId, "restresource"), methods, authorizers: this.store.list(apiId, "restauthorizer"),
      validators: this.store.list(apiId, "restvalidator"), models: this.store.list(apiId, "restmodel"), policy: this.restApi(apiId).Policy,
    };
    this.store.insert(apiId, "restdeployment", id, { Id: id, Description: i.Description, CreatedDate: new Date().toISOString(), Snapshot: snapshot });
    if (i.StageName) {
      const description = i.StageDescription ?? {};
      const accessLog = description.AccessLogSetting;
      this.createStage({ ...description, RestApiId: apiId, StageName: i.StageName, DeploymentId: id, Variables: description.Variables ?? i.Variables, AccessLogSetting: accessLog });
    }
    return { Id: id };
  }

  private deleteDeployment(i: Doc): Doc {
    this.existing(i.RestApiId, "restdeployment", i.DeploymentId, "Deployment");
    if (this.store.list<Doc>(i.RestApiId, "reststage").some((s) => s.DeploymentId === i.DeploymentId)) {
      throw badRequest("Active stages pointing to this deployment must be moved or deleted");
    }
    this.store.remove(i.RestApiId, "restdeployment", i.DeploymentId);
    return {};
  }

  private createStage(i: Doc): Doc {
    const apiId = this.restApi(i.RestApiId).Id;
    const name = String(i.StageName ?? "");
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) throw badRequest("Stage name only allows a-zA-Z0-9_-");
    this.existing(apiId, "restdeployment", i.DeploymentId, "Deployment");
    if (this.store.get(apiId, "reststage", name)) throw conflict("Stage already exists");
    const now = new Date().toISOString();
    const stage = { StageName: name, DeploymentId: i.DeploymentId, Variables: i.Variables ?? {}, AccessLogSetting: i.AccessLogSetting, ...stageSettings(i), CreatedDate: now, LastUpdatedDate: now };
    this.store.insert(apiId, "reststage", name, stage);
    return stage;
  }

  private updateStage(i: Doc): Doc {
    const stage = this.existing(i.RestApiId, "reststage", i.StageName, "Stage");
    if (i.DeploymentId) this.existing(i.RestApiId, "restdeployment", i.DeploymentId, "Deployment");
    const next = {
      ...stage, DeploymentId: i.DeploymentId ?? stage.DeploymentId, Variables: i.Variables ?? {}, AccessLogSetting: i.AccessLogSetting,
      ...stageSettings(i), LastUpdatedDate: new Date().toISOString(),
    };
    this.store.update(i.RestApiId, "reststage", stage.StageName, next);
    return next;
  }
}

/** What a stage records beside what it serves (GetStage answers it; the local cloud neither traces nor caches). */
function stageSettings(i: Doc): Doc {
  return { Description: i.Description, TracingEnabled: i.TracingEnabled === true || i.TracingEnabled === "true", MethodSettings: i.MethodSettings };
}

/** A resource policy as JSON text (CloudFormation gives an object, the API a string). */
function policyText(policy: unknown): string | undefined {
  if (policy === undefined || policy === null || policy === "") return undefined;
  return typeof policy === "string" ? policy : JSON.stringify(policy);
}
