/**
 * AWS AppSync (AWS::AppSync::*, what SST's AppSyncApi and CDK's GraphqlApi write):
 * recorded, not served. Ids, ARNs and URLs come in AppSync's formats so data sources,
 * resolvers, outputs and bindings that reference them deploy; no GraphQL request is
 * answered. `sst dev` says so for the construct.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ProviderContext, ResourceProvider } from "../provider.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** AppSync API ids are 26 lowercase letters and digits. */
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

export const appSyncProviders: Record<string, ResourceProvider> = {
  "AWS::AppSync::GraphQLApi": recordedProvider({
    // Ref is the API's ARN.
    id: (_p, ctx) => apiArn(ctx, appSyncId()),
    attributes: (arn, _p, ctx) => {
      const apiId = apiIdOf(arn);
      const host = `${appSyncId()}.appsync-api.${ctx.region}.amazonaws.com`;
      const realtime = host.replace("appsync-api", "appsync-realtime-api");
      return {
        ApiId: apiId, Arn: arn, GraphQLUrl: `https://${host}/graphql`, GraphQLDns: host,
        RealtimeUrl: `wss://${realtime}/graphql`, RealtimeDns: realtime, GraphQLEndpointArn: arn,
      };
    },
  }),
  "AWS::AppSync::GraphQLSchema": recordedProvider({
    replacementProps: ["ApiId"],
    id: (p) => `${apiIdOf(p.ApiId)}GraphQLSchema`,
  }),
  "AWS::AppSync::ApiKey": recordedProvider({
    replacementProps: ["ApiId"],
    id: (p, ctx) => `${apiArn(ctx, apiIdOf(p.ApiId))}/apikeys/da2-${appSyncId()}`,
    attributes: (arn) => ({ ApiKey: arn.split("/").pop(), ApiKeyId: arn.split("/").pop(), Arn: arn }),
  }),
  "AWS::AppSync::DataSource": recordedProvider({
    replacementProps: ["ApiId", "Name"],
    id: (p, ctx) => `${apiArn(ctx, apiIdOf(p.ApiId))}/datasources/${p.Name}`,
    attributes: (arn, p) => ({ DataSourceArn: arn, Name: p.Name }),
  }),
  "AWS::AppSync::Resolver": recordedProvider({
    replacementProps: ["ApiId", "TypeName", "FieldName"],
    id: (p, ctx) => `${apiArn(ctx, apiIdOf(p.ApiId))}/types/${p.TypeName}/resolvers/${p.FieldName}`,
    attributes: (arn, p) => ({ ResolverArn: arn, TypeName: p.TypeName, FieldName: p.FieldName }),
  }),
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
