/**
 * Cognito (AWS::Cognito::UserPool, UserPoolClient, UserPoolDomain, UserPoolGroup,
 * IdentityPool, IdentityPoolRoleAttachment …): recorded, not served. The local cloud
 * has no Cognito; these give the ids AWS would (`us-east-1_AbC123xyz`, 26-character
 * client ids, `us-east-1:<uuid>` identity pools) and the attributes templates read.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { arn, type ResourceProvider } from "../provider.js";

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
function random(length: number, alphabet = ALNUM): string {
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");
}

export const cognitoProviders: Record<string, ResourceProvider> = {
  "AWS::Cognito::UserPool": recordedProvider({
    replacementProps: ["UsernameAttributes", "AliasAttributes", "Schema"],
    id: (_p, ctx) => `${ctx.region}_${random(9)}`,
    attributes: (id, _p, ctx) => ({
      Arn: arn(ctx, "cognito-idp", `userpool/${id}`), UserPoolId: id,
      ProviderName: `cognito-idp.${ctx.region}.amazonaws.com/${id}`, ProviderURL: `https://cognito-idp.${ctx.region}.amazonaws.com/${id}`,
    }),
  }),
  "AWS::Cognito::UserPoolClient": recordedProvider({
    replacementProps: ["UserPoolId", "GenerateSecret"],
    id: () => random(26, "abcdefghijklmnopqrstuvwxyz0123456789"),
    attributes: (id, p) => ({ ClientId: id, Name: p.ClientName ?? id, ...(p.GenerateSecret ? { ClientSecret: random(51) } : {}) }),
  }),
  "AWS::Cognito::UserPoolDomain": recordedProvider({
    replacementProps: ["Domain", "UserPoolId"],
    id: (p) => String(p.Domain),
    attributes: (_id, p, ctx) => ({ CloudFrontDistribution: `${p.Domain}.auth.${ctx.region}.amazoncognito.com` }),
  }),
  "AWS::Cognito::UserPoolGroup": recordedProvider({ replacementProps: ["GroupName", "UserPoolId"], id: (p, ctx) => String(p.GroupName ?? ctx.physicalName({ maxLength: 128 })) }),
  "AWS::Cognito::UserPoolIdentityProvider": recordedProvider({ replacementProps: ["ProviderName", "UserPoolId"], id: (p) => String(p.ProviderName) }),
  "AWS::Cognito::UserPoolResourceServer": recordedProvider({ replacementProps: ["Identifier", "UserPoolId"], id: (p) => String(p.Identifier) }),
  "AWS::Cognito::IdentityPool": recordedProvider({
    id: (_p, ctx) => `${ctx.region}:${randomUUID()}`,
    attributes: (id, p) => ({ Id: id, Name: p.IdentityPoolName ?? id }),
  }),
  "AWS::Cognito::IdentityPoolRoleAttachment": recordedProvider({ replacementProps: ["IdentityPoolId"], id: (p) => `${p.IdentityPoolId}-roles` }),
  // CDK's OpenIdConnectProvider (a custom resource): the provider's ARN, nothing behind it.
  "Custom::AWSCDKOpenIdConnectProvider": recordedProvider({
    replacementProps: ["Url"],
    id: (p, ctx) => arn(ctx, "iam", `oidc-provider/${String(p.Url).replace(/^https:\/\//, "")}`, true),
  }),
};
