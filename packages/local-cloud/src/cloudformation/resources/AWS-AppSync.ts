/**
 * AWS AppSync (AWS::AppSync::*, what SST's AppSyncApi and CDK's GraphqlApi write). The
 * API, its schema, API keys, data sources and resolvers are made through the appsync
 * service (services/appsync), which serves GraphQL at the API's GraphQLUrl
 * (`{endpoint}/_aws/appsync/{apiId}/graphql`). Pipeline functions, custom domains and
 * their associations are recorded only, with AppSync's id and ARN formats.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { compact, ignoreNotFound, service, type ProviderContext, type ResourceProvider } from "../provider.js";

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

const apiInput = (p: Record<string, any>) => compact({ Name: p.Name, AuthenticationType: p.AuthenticationType, AdditionalAuthenticationProviders: p.AdditionalAuthenticationProviders });
const dataSourceInput = (p: Record<string, any>) => compact({ ApiId: apiIdOf(p.ApiId), Name: p.Name, Type: p.Type, LambdaConfig: p.LambdaConfig, DynamoDBConfig: p.DynamoDBConfig });
/** Why the local cloud cannot run a resolver (it is deployed, and a query of its field gets this as its error). */
function unsupportedResolver(p: Record<string, any>): string | undefined {
  if (p.Kind === "PIPELINE") return "pipeline resolvers are not run by the local cloud";
  if (p.Code !== undefined || p.CodeS3Location !== undefined) return "JavaScript resolvers (Code) are not run by the local cloud";
  if (p.RequestMappingTemplateS3Location !== undefined || p.ResponseMappingTemplateS3Location !== undefined) return "the local cloud does not read mapping templates from S3";
  return undefined;
}

const resolverInput = (p: Record<string, any>) =>
  compact({
    ApiId: apiIdOf(p.ApiId), TypeName: p.TypeName, FieldName: p.FieldName, DataSourceName: p.DataSourceName, Kind: p.Kind,
    RequestMappingTemplate: p.RequestMappingTemplate, ResponseMappingTemplate: p.ResponseMappingTemplate, Unsupported: unsupportedResolver(p),
  });

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
  "AWS::AppSync::Resolver": {
    replacementProps: ["ApiId", "TypeName", "FieldName"],
    async create(props, ctx) {
      const { Resolver } = await appsync(ctx).call("CreateResolver", resolverInput(props));
      return { physicalId: Resolver.ResolverArn, attributes: { ResolverArn: Resolver.ResolverArn, TypeName: props.TypeName, FieldName: props.FieldName } };
    },
    async update(_arn, props, _old, ctx, attrs) {
      await appsync(ctx).call("UpdateResolver", resolverInput(props));
      return attrs;
    },
    async delete(_arn, props, ctx) {
      await ignoreNotFound(appsync(ctx).call("DeleteResolver", { ApiId: apiIdOf(props.ApiId), TypeName: props.TypeName, FieldName: props.FieldName }));
    },
  },
};

export const appSyncProviders: Record<string, ResourceProvider> = {
  ...served,
  "AWS::AppSync::FunctionConfiguration": recordedProvider({
    replacementProps: ["ApiId"],
    id: (p, ctx) => `${apiArn(ctx, apiIdOf(p.ApiId))}/functions/${appSyncId()}`,
    attributes: (arn, p) => ({ FunctionArn: arn, FunctionId: arn.split("/").pop(), Name: p.Name, DataSourceName: p.DataSourceName }),
  }),
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
