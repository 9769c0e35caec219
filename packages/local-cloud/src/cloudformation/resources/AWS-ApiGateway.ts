/**
 * API Gateway REST APIs (v1: AWS::ApiGateway::*, what SST's ApiGatewayV1Api and CDK's
 * RestApi write): recorded, not served. Each resource gets the id and attributes AWS
 * would give, in AWS's formats, so Lambda permissions, URLs and outputs that reference
 * them deploy; no request reaches the routes. `sst dev` says so for the construct.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import type { ResourceProvider } from "../provider.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** API Gateway's ids: 10 lowercase letters and digits (6 for resources and authorizers). */
function apigId(length = 10): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

export const apiGatewayV1Providers: Record<string, ResourceProvider> = {
  "AWS::ApiGateway::RestApi": recordedProvider({
    id: () => apigId(),
    attributes: () => ({ RootResourceId: apigId() }),
  }),
  "AWS::ApiGateway::Resource": recordedProvider({
    replacementProps: ["RestApiId", "ParentId", "PathPart"],
    id: () => apigId(6),
    attributes: (id) => ({ ResourceId: id }),
  }),
  "AWS::ApiGateway::Method": recordedProvider({
    replacementProps: ["RestApiId", "ResourceId", "HttpMethod"],
    id: (p) => `${p.RestApiId}-${p.ResourceId}-${p.HttpMethod}`,
  }),
  "AWS::ApiGateway::Deployment": recordedProvider({
    replacementProps: ["RestApiId", "DeploymentCanarySettings"],
    id: () => apigId(6),
    attributes: (id) => ({ DeploymentId: id }),
  }),
  "AWS::ApiGateway::Stage": recordedProvider({
    replacementProps: ["RestApiId", "StageName"],
    nameProperty: "StageName",
    id: (p) => String(p.StageName),
  }),
  "AWS::ApiGateway::Authorizer": recordedProvider({
    replacementProps: ["RestApiId"],
    id: () => apigId(6),
    attributes: (id) => ({ AuthorizerId: id }),
  }),
  "AWS::ApiGateway::GatewayResponse": recordedProvider({
    replacementProps: ["RestApiId", "ResponseType"],
    id: (p) => `${p.RestApiId}-${p.ResponseType}`,
  }),
  "AWS::ApiGateway::Account": recordedProvider({
    id: () => apigId(),
  }),
  "AWS::ApiGateway::DomainName": recordedProvider({
    replacementProps: ["DomainName"],
    nameProperty: "DomainName",
    id: (p) => String(p.DomainName),
    attributes: (name, _p, ctx) => ({
      RegionalDomainName: `d-${apigId()}.execute-api.${ctx.region}.amazonaws.com`,
      RegionalHostedZoneId: "Z1UJRXOUMOOFQ8",
      DistributionDomainName: `${apigId(14)}.cloudfront.net`,
      DistributionHostedZoneId: "Z2FDTNDATAQYW2",
      DomainNameArn: `arn:aws:apigateway:${ctx.region}::/domainnames/${name}`,
    }),
  }),
  "AWS::ApiGateway::BasePathMapping": recordedProvider({
    replacementProps: ["DomainName", "BasePath"],
    id: (p) => `${p.DomainName}/${p.BasePath ?? "(none)"}`,
  }),
};
