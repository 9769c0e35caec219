/**
 * AWS AppSync (AWS::AppSync::*, what SST's AppSyncApi and CDK's GraphqlApi write). The
 * API, its schema, API keys, data sources and resolvers are made through the appsync
 * service (services/appsync), which serves GraphQL at the API's GraphQLUrl
 * (`{endpoint}/_aws/appsync/{apiId}/graphql`), pipeline functions included. Custom domains
 * and their associations are recorded only, with AppSync's id and ARN formats.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { compact, ignoreNotFound, service, type ProviderContext, type ResourceProvider } from "../provider.js";
import { readBody } from "../../services/cloudformation/template-source.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** AppSync ids are 26 lowercase letters and digits. */
function appSyncId(length = 26): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

function apiArn(ctx: ProviderContext, apiId: string): string {
  return `arn:aws:appsync:${ctx.region}:${ctx.accountId}:apis/${apiId}`;
}

/** The API id inside an ARN ("arn:aws:appsync:…:apis/<id>") or the id itself. */
function apiIdOf(value: unknown): string {
  return String(value ?? "").split("/").pop()!;
}

const appsync = (ctx: ProviderContext) => service(ctx, "appsync");

function apiAttributes(api: Record<string, any>): Record<string, unknown> {
  const url = new URL(api.Uris.GRAPHQL);
  const realtime = `ws://${url.host}${url.pathname}`;
  return {
    ApiId: api.ApiId, Arn: api.Arn, GraphQLUrl: api.Uris.GRAPHQL, GraphQLDns: url.host,
    RealtimeUrl: realtime, RealtimeDns: url.host, GraphQLEndpointArn: api.Arn,
  };
}

const apiInput = (p: Record<string, any>) => compact({
  Name: p.Name, AuthenticationType: p.AuthenticationType, AdditionalAuthenticationProviders: p.AdditionalAuthenticationProviders,
  UserPoolConfig: p.UserPoolConfig, OpenIDConnectConfig: p.OpenIDConnectConfig, LambdaAuthorizerConfig: p.LambdaAuthorizerConfig,
  IntrospectionConfig: p.IntrospectionConfig, QueryDepthLimit: p.QueryDepthLimit, EnvironmentVariables: p.EnvironmentVariables,
});
const dataSourceInput = (p: Record<string, any>) => compact({ ApiId: apiIdOf(p.ApiId), Name: p.Name, Type: p.Type, ServiceRoleArn: p.ServiceRoleArn, LambdaConfig: p.LambdaConfig, DynamoDBConfig: p.DynamoDBConfig, HttpConfig: p.HttpConfig, RelationalDatabaseConfig: p.RelationalDatabaseConfig });

/** `s3://bucket/key` (what CDK's Code.fromAsset and MappingTemplate.fromFile write for big templates): read from the local S3. */
async function readS3Location(ctx: ProviderContext, location: unknown, prop: string): Promise<string | undefined> {
  if (location === undefined) return undefined;
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(String(location));
  if (!m) throw new Error(`${ctx.resourceType} ${ctx.logicalId}: ${prop} must be an s3://bucket/key location`);
  const out: any = await service(ctx, "s3").call("GetObject", { Bucket: m[1], Key: m[2] }).catch(() => {
    throw new Error(`${ctx.resourceType} ${ctx.logicalId}: ${prop} ${String(location)} is not in the local S3`);
  });
  return readBody(out?.Body);
}

/** Templates and code inline, or read from S3 when given as locations. */
async function codeInputs(p: Record<string, any>, ctx: ProviderContext) {
  return compact({
    RequestMappingTemplate: p.RequestMappingTemplate ?? (await readS3Location(ctx, p.RequestMappingTemplateS3Location, "RequestMappingTemplateS3Location")),
    ResponseMappingTemplate: p.ResponseMappingTemplate ?? (await readS3Location(ctx, p.ResponseMappingTemplateS3Location, "ResponseMappingTemplateS3Location")),
    Code: p.Code ?? (await readS3Location(ctx, p.CodeS3Location, "CodeS3Location")),
    Runtime: p.Runtime, MaxBatchSize: p.MaxBatchSize,
  });
}

const resolverInput = async (p: Record<string, any>, ctx: ProviderContext) =>
  compact({
    ApiId: apiIdOf(p.ApiId), TypeName: p.TypeName, FieldName: p.FieldName, DataSourceName: p.DataSourceName, Kind: p.Kind,
    PipelineConfig: p.PipelineConfig, ...(await codeInputs(p, ctx)),
  });

const functionInput = async (p: Record<string, any>, ctx: ProviderContext) =>
  compact({
    ApiId: apiIdOf(p.ApiId), Name: p.Name, Description: p.Description, DataSourceName: p.DataSourceName, FunctionVersion: p.FunctionVersion,
    ...(await codeInputs(p, ctx)),
  });

const functionAttributes = (fn: Record<string, any>) => ({ FunctionArn: fn.FunctionArn, FunctionId: fn.FunctionId, Name: fn.Name, DataSourceName: fn.DataSourceName });

const served: Record<string, ResourceProvider> = {
  "AWS::AppSync::GraphQLApi": {
    async create(props, ctx) {
      const api = await appsync(ctx).call("CreateGraphqlApi", apiInput(props));
      // Ref is the API's ARN.
      return { physicalId: api.Arn, attributes: apiAttributes(api) };
    },
    async update(arn, props, _old, ctx) {
      return apiAttributes(await appsync(ctx).call("UpdateGraphqlApi", { ...apiInput(props), ApiId: apiIdOf(arn) }));
    },
    async delete(arn, _props, ctx) {
      await ignoreNotFound(appsync(ctx).call("DeleteGraphqlApi", { ApiId: apiIdOf(arn) }));
    },
  },
  "AWS::AppSync::GraphQLSchema": {
    replacementProps: ["ApiId"],
    async create(props, ctx) {
      if (props.Definition === undefined) throw new Error("AWS::AppSync::GraphQLSchema: the local cloud reads the schema from Definition (DefinitionS3Location is not supported)");
      await appsync(ctx).call("StartSchemaCreation", { ApiId: apiIdOf(props.ApiId), Definition: props.Definition });
      return { physicalId: `${apiIdOf(props.ApiId)}GraphQLSchema` };
    },
    async update(_id, props, _old, ctx) {
      await appsync(ctx).call("StartSchemaCreation", { ApiId: apiIdOf(props.ApiId), Definition: props.Definition });
      return {};
    },
    async delete() {},
  },
  "AWS::AppSync::ApiKey": {
    replacementProps: ["ApiId"],
    async create(props, ctx) {
      const { ApiKey } = await appsync(ctx).call("CreateApiKey", compact({ ApiId: apiIdOf(props.ApiId), Description: props.Description, Expires: props.Expires }));
      const arn = `${apiArn(ctx, apiIdOf(props.ApiId))}/apikeys/${ApiKey.Id}`;
      return { physicalId: arn, attributes: { ApiKey: ApiKey.Id, ApiKeyId: ApiKey.Id, Arn: arn } };
    },
    async update(arn, props, _old, ctx, attrs) {
      await appsync(ctx).call("UpdateApiKey", compact({ ApiId: apiIdOf(props.ApiId), Id: arn.split("/").pop(), Description: props.Description, Expires: props.Expires }));
      return attrs;
    },
    async delete(arn, props, ctx) {
      await ignoreNotFound(appsync(ctx).call("DeleteApiKey", { ApiId: apiIdOf(props.ApiId), Id: arn.split("/").pop() }));
    },
  },
  "AWS::AppSync::DataSource": {
    replacementProps: ["ApiId", "Name"],
    async create(props, ctx) {
      const { DataSource } = await appsync(ctx).call("CreateDataSource", dataSourceInput(props));
      return { physicalId: DataSource.DataSourceArn, attributes: { DataSourceArn: DataSource.DataSourceArn, Name: DataSource.Name } };
    },
    async update(_arn, props, _old, ctx, attrs) {
      await appsync(ctx).call("UpdateDataSource", dataSourceInput(props));
      return attrs;
    },
    async delete(_arn, props, ctx) {
      await ignoreNotFound(appsync(ctx).call("DeleteDataSource", { ApiId: apiIdOf(props.ApiId), Name: props.Name }));
    },
  },
  "AWS::AppSync::FunctionConfiguration": {
    replacementProps: ["ApiId"],
    async create(props, ctx) {
      const { FunctionConfiguration: fn } = await appsync(ctx).call("CreateFunction", await functionInput(props, ctx));
      return { physicalId: fn.FunctionArn, attributes: functionAttributes(fn) };
    },
    async update(arn, props, _old, ctx) {
      const { FunctionConfiguration: fn } = await appsync(ctx).call("UpdateFunction", { ...(await functionInput(props, ctx)), FunctionId: arn.split("/").pop() });
      return functionAttributes(fn);
    },
    async delete(arn, props, ctx) {
      await ignoreNotFound(appsync(ctx).call("DeleteFunction", { ApiId: apiIdOf(props.ApiId), FunctionId: arn.split("/").pop() }));
    },
  },
  "AWS::AppSync::Resolver": {
    replacementProps: ["ApiId", "TypeName", "FieldName"],
    async create(props, ctx) {
      const { Resolver } = await appsync(ctx).call("CreateResolver", await resolverInput(props, ctx));
      return { physicalId: Resolver.ResolverArn, attributes: { ResolverArn: Resolver.ResolverArn, TypeName: props.TypeName, FieldName: props.FieldName } };
    },
    async update(_arn, props, _old, ctx, attrs) {
      await appsync(ctx).call("UpdateResolver", await resolverInput(props, ctx));
      return attrs;
    },
    async delete(_arn, props, ctx) {
      await ignoreNotFound(appsync(ctx).call("DeleteResolver", { ApiId: apiIdOf(props.ApiId), TypeName: props.TypeName, FieldName: props.FieldName }));
    },
  },
};

export const appSyncProviders: Record<string, ResourceProvider> = {
  ...served,
  "AWS::AppSync::DomainName": recordedProvider({
    replacementProps: ["DomainName"],
    id: (p) => String(p.DomainName),
    attributes: (name) => ({ DomainName: name, AppSyncDomainName: `${appSyncId(14)}.cloudfront.net`, HostedZoneId: "Z2FDTNDATAQYW2" }),
  }),
  "AWS::AppSync::DomainNameApiAssociation": recordedProvider({
    replacementProps: ["DomainName"],
    id: (p) => String(p.DomainName),
    attributes: (name) => ({ ApiAssociationIdentifier: name }),
  }),
};
