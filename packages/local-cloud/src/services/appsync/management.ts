/**
 * AppSync GraphQL APIs as CloudFormation builds them: the API, its schema, API keys,
 * data sources and resolvers. These operations are in-process only (the CloudFormation
 * providers call them); AppSync's management API is not on the wire. Inputs use the
 * CloudFormation property names.
 */
import { randomBytes } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID } from "../../types.js";
import type { AppSyncKind, AppSyncStore } from "./store.js";

type Doc = Record<string, any>;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
/** AppSync's ids: 26 lowercase letters and digits. */
export function appSyncId(length = 26): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

const badRequest = (message: string) => new AwsError("BadRequestException", message, 400);
const notFound = (message: string) => new AwsError("NotFoundException", message, 404);
const AUTH_TYPES = new Set(["API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA"]);
const DATA_SOURCE_TYPES = new Set(["AWS_LAMBDA", "AMAZON_DYNAMODB", "AMAZON_ELASTICSEARCH", "AMAZON_OPENSEARCH_SERVICE", "NONE", "HTTP", "RELATIONAL_DATABASE", "AMAZON_EVENTBRIDGE", "AMAZON_BEDROCK_RUNTIME"]);

export class AppSyncManagement {
  constructor(private readonly store: AppSyncStore, private readonly region: string, private readonly endpoint: () => string) {}

  readonly operations: Record<string, (input: Doc) => Doc | Promise<Doc>> = {
    CreateGraphqlApi: (i) => this.putApi(i, appSyncId()),
    UpdateGraphqlApi: (i) => this.putApi(i, this.api(i.ApiId).ApiId),
    DeleteGraphqlApi: (i) => (this.api(i.ApiId), this.store.removeApi(i.ApiId), {}),
    StartSchemaCreation: (i) => this.putSchema(i),
    CreateApiKey: (i) => this.putApiKey(i, `da2-${appSyncId()}`),
    UpdateApiKey: (i) => this.putApiKey(i, this.existing(i.ApiId, "apikey", i.Id, "API key").Id),
    DeleteApiKey: (i) => this.remove(i.ApiId, "apikey", i.Id, "API key"),
    CreateDataSource: (i) => this.putDataSource(i, false),
    UpdateDataSource: (i) => this.putDataSource(i, true),
    DeleteDataSource: (i) => this.remove(i.ApiId, "datasource", i.Name, "Data source"),
    CreateResolver: (i) => this.putResolver(i),
    UpdateResolver: (i) => this.putResolver(i),
    DeleteResolver: (i) => this.remove(i.ApiId, "resolver", `${i.TypeName}.${i.FieldName}`, "Resolver"),
    CreateFunction: (i) => this.putFunction(i, appSyncId()),
    UpdateFunction: (i) => this.putFunction(i, this.existing(i.ApiId, "function", i.FunctionId, "Function").FunctionId),
    DeleteFunction: (i) => this.remove(i.ApiId, "function", i.FunctionId, "Function"),
  };

  arn(apiId: string): string {
    return `arn:aws:appsync:${this.region}:${ACCOUNT_ID}:apis/${apiId}`;
  }

  /** Where the data plane answers the API's GraphQL requests. */
  graphqlUrl(apiId: string): string {
    return `${this.endpoint()}/_aws/appsync/${apiId}/graphql`;
  }

  private api(id: unknown): Doc {
    const api = typeof id === "string" ? this.store.get<Doc>(id, "api", id) : undefined;
    if (!api) throw notFound(`GraphQL API ${String(id)} not found.`);
    return api;
  }

  private existing(apiId: unknown, kind: Exclude<AppSyncKind, "api" | "schema">, id: unknown, what: string): Doc {
    this.api(apiId);
    const doc = typeof id === "string" ? this.store.get<Doc>(apiId as string, kind, id) : undefined;
    if (!doc) throw notFound(`${what} ${String(id)} not found.`);
    return doc;
  }

  private remove(apiId: unknown, kind: Exclude<AppSyncKind, "api" | "schema">, id: unknown, what: string): Doc {
    this.existing(apiId, kind, id, what);
    this.store.remove(apiId as string, kind, id as string);
    return {};
  }

  private putApi(i: Doc, apiId: string): Doc {
    if (typeof i.Name !== "string" || !i.Name) throw badRequest("A GraphQL API needs a Name.");
    const authenticationType = String(i.AuthenticationType ?? "");
    if (i.IntrospectionConfig !== undefined && i.IntrospectionConfig !== "ENABLED" && i.IntrospectionConfig !== "DISABLED") throw badRequest(`Invalid introspection config ${String(i.IntrospectionConfig)}.`);
    if (i.QueryDepthLimit !== undefined && !(Number.isInteger(i.QueryDepthLimit) && i.QueryDepthLimit >= 0 && i.QueryDepthLimit <= 75)) throw badRequest("queryDepthLimit must be between 0 and 75.");
    if (!AUTH_TYPES.has(authenticationType)) throw badRequest(`Invalid authentication type ${authenticationType}.`);
    const additional: Doc[] = i.AdditionalAuthenticationProviders ?? [];
    for (const provider of [i, ...additional]) checkAuthProvider(provider);
    const modes = [authenticationType, ...additional.map((p) => String(p.AuthenticationType))];
    if (new Set(modes).size !== modes.length) throw badRequest("An authentication type can be used only once (default and additional providers together).");
    const api = {
      ApiId: apiId, Name: i.Name, Arn: this.arn(apiId), AuthenticationType: authenticationType,
      AdditionalAuthenticationProviders: additional,
      UserPoolConfig: i.UserPoolConfig, OpenIDConnectConfig: i.OpenIDConnectConfig, LambdaAuthorizerConfig: i.LambdaAuthorizerConfig,
      IntrospectionConfig: i.IntrospectionConfig ?? "ENABLED", QueryDepthLimit: i.QueryDepthLimit ?? 0,
      EnvironmentVariables: checkEnvironment(i.EnvironmentVariables),
      Uris: { GRAPHQL: this.graphqlUrl(apiId) },
    };
    this.store.put(apiId, "api", apiId, api);
    return api;
  }

  /** The schema is checked as AppSync checks it; `graphql` loads on the first one (not at every start). */
  private async putSchema(i: Doc): Promise<Doc> {
    const apiId = this.api(i.ApiId).ApiId;
    const definition = typeof i.Definition === "string" ? i.Definition : Buffer.isBuffer(i.Definition) ? i.Definition.toString("utf8") : undefined;
    if (!definition) throw badRequest("Schema definition is required (DefinitionS3Location is not read by the local cloud).");
    const { buildAppSyncSchema } = await import("./schema.js");
    try {
      buildAppSyncSchema(definition);
    } catch (err) {
      throw badRequest(`Failed to parse schema document - ${(err as Error).message}`);
    }
    this.store.put(apiId, "schema", apiId, { Definition: definition });
    return { Status: "SUCCESS" };
  }

  private putApiKey(i: Doc, id: string): Doc {
    const apiId = this.api(i.ApiId).ApiId;
    // AWS's default: seven days from now, in epoch seconds
    const expires = i.Expires !== undefined ? Number(i.Expires) : Math.floor(Date.now() / 1000) + 7 * 86400;
    const key = { Id: id, Description: i.Description, Expires: expires };
    this.store.put(apiId, "apikey", id, key);
    return { ApiKey: key };
  }

  private putDataSource(i: Doc, update: boolean): Doc {
    const apiId = this.api(i.ApiId).ApiId;
    const name = String(i.Name ?? "");
    if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) throw badRequest(`Data source name ${name} is invalid: letters, digits and _ only.`);
    if (!DATA_SOURCE_TYPES.has(i.Type)) throw badRequest(`Invalid data source type ${i.Type}.`);
    if (update) this.existing(apiId, "datasource", name, "Data source");
    else if (this.store.get(apiId, "datasource", name)) throw badRequest(`Data source with name ${name} already exists.`);
    if (i.Type === "AWS_LAMBDA" && !i.LambdaConfig?.LambdaFunctionArn) throw badRequest("A Lambda data source needs LambdaConfig.LambdaFunctionArn.");
    if (i.Type === "HTTP" && !i.HttpConfig?.Endpoint) throw badRequest("An HTTP data source needs HttpConfig.Endpoint.");
    if (i.Type === "RELATIONAL_DATABASE" && !i.RelationalDatabaseConfig?.RdsHttpEndpointConfig?.DbClusterIdentifier) throw badRequest("A relational database data source needs RelationalDatabaseConfig.RdsHttpEndpointConfig.DbClusterIdentifier.");
    const ds = {
      Name: name, Type: i.Type, DataSourceArn: `${this.arn(apiId)}/datasources/${name}`, ServiceRoleArn: i.ServiceRoleArn,
      LambdaConfig: i.LambdaConfig, DynamoDBConfig: i.DynamoDBConfig, HttpConfig: i.HttpConfig, RelationalDatabaseConfig: i.RelationalDatabaseConfig,
    };
    this.store.put(apiId, "datasource", name, ds);
    return { DataSource: ds };
  }

  private putResolver(i: Doc): Doc {
    const apiId = this.api(i.ApiId).ApiId;
    if (!i.TypeName || !i.FieldName) throw badRequest("A resolver needs a TypeName and a FieldName.");
    const kind = i.Kind ?? "UNIT";
    if (kind !== "UNIT" && kind !== "PIPELINE") throw badRequest(`Invalid resolver kind ${kind}.`);
    if (kind === "UNIT" && !i.DataSourceName) throw badRequest("A unit resolver needs a DataSourceName.");
    const functions: string[] = i.PipelineConfig?.Functions ?? [];
    if (kind === "PIPELINE") for (const id of functions) this.existing(apiId, "function", id, "Function");
    checkRuntime(i);
    const resolver = {
      TypeName: i.TypeName, FieldName: i.FieldName, DataSourceName: i.DataSourceName, Kind: kind,
      RequestMappingTemplate: i.RequestMappingTemplate, ResponseMappingTemplate: i.ResponseMappingTemplate,
      PipelineConfig: kind === "PIPELINE" ? { Functions: functions } : undefined,
      Code: i.Code, Runtime: i.Runtime, MaxBatchSize: i.MaxBatchSize,
      // local-only: set by CloudFormation for a resolver the data plane cannot run (its queries get this error)
      Unsupported: i.Unsupported,
      ResolverArn: `${this.arn(apiId)}/types/${i.TypeName}/resolvers/${i.FieldName}`,
    };
    this.store.put(apiId, "resolver", `${i.TypeName}.${i.FieldName}`, resolver);
    return { Resolver: resolver };
  }

  /** A pipeline function (AWS::AppSync::FunctionConfiguration): a data source and its VTL templates or APPSYNC_JS code. */
  private putFunction(i: Doc, functionId: string): Doc {
    const apiId = this.api(i.ApiId).ApiId;
    if (typeof i.Name !== "string" || !i.Name) throw badRequest("A function needs a Name.");
    if (!i.DataSourceName) throw badRequest("A function needs a DataSourceName.");
    this.existing(apiId, "datasource", i.DataSourceName, "Data source");
    checkRuntime(i);
    const fn = {
      FunctionId: functionId, FunctionArn: `${this.arn(apiId)}/functions/${functionId}`, Name: i.Name, Description: i.Description,
      DataSourceName: i.DataSourceName, FunctionVersion: i.FunctionVersion, RequestMappingTemplate: i.RequestMappingTemplate,
      ResponseMappingTemplate: i.ResponseMappingTemplate, Code: i.Code, Runtime: i.Runtime, MaxBatchSize: i.MaxBatchSize,
    };
    this.store.put(apiId, "function", functionId, fn);
    return { FunctionConfiguration: fn };
  }
}

/** What AppSync requires of each authorization provider's configuration. */
function checkAuthProvider(p: Doc): void {
  const type = String(p.AuthenticationType ?? "");
  if (!AUTH_TYPES.has(type)) throw badRequest(`Invalid authentication type ${type}.`);
  if (type === "AMAZON_COGNITO_USER_POOLS" && !p.UserPoolConfig?.UserPoolId) throw badRequest("userPoolConfig is required for AMAZON_COGNITO_USER_POOLS authentication.");
  if (type === "OPENID_CONNECT" && !p.OpenIDConnectConfig?.Issuer) throw badRequest("openIDConnectConfig is required for OPENID_CONNECT authentication.");
  if (type === "AWS_LAMBDA" && !p.LambdaAuthorizerConfig?.AuthorizerUri) throw badRequest("lambdaAuthorizerConfig is required for AWS_LAMBDA authentication.");
}

/**
 * The API's environment variables (`ctx.env`): at most 50, keys of 2 to 64 letters,
 * digits and underscores starting with a letter, values of at most 512 characters.
 */
function checkEnvironment(env: unknown): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env !== "object") throw badRequest("environmentVariables must be a map of strings.");
  const entries = Object.entries(env as Record<string, unknown>);
  if (entries.length > 50) throw badRequest("An API can have at most 50 environment variables.");
  for (const [k, v] of entries) {
    if (!/^[A-Za-z][A-Za-z0-9_]{1,63}$/.test(k)) throw badRequest(`Invalid environment variable key ${k}.`);
    if (typeof v !== "string" || v.length > 512) throw badRequest(`The value of environment variable ${k} must be a string of at most 512 characters.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Code goes with the APPSYNC_JS runtime, and the runtime with code. */
function checkRuntime(i: Doc): void {
  if (i.Code === undefined && i.Runtime === undefined) return;
  if (i.Code === undefined) throw badRequest("Code is required when a runtime is set.");
  if (i.Runtime?.Name !== "APPSYNC_JS") throw badRequest(`Invalid runtime ${String(i.Runtime?.Name)}: only APPSYNC_JS runs code.`);
  if (i.Runtime.RuntimeVersion !== "1.0.0") throw badRequest(`Invalid runtime version ${String(i.Runtime.RuntimeVersion)} for APPSYNC_JS (1.0.0).`);
}
