/**
 * API Gateway REST APIs (v1: AWS::ApiGateway::*, what SST's ApiGatewayV1Api and CDK's
 * RestApi write). The API, its resources, methods, authorizers, deployments and stages
 * are made through the apigateway service's REST API operations
 * (services/apigatewayv2/rest/management.ts), so the local cloud serves them at
 * `{endpoint}/_aws/execute-api/{restApiId}/{stage}/…` (GetAtt LocalEndpoint, a
 * local-only attribute, is that URL without the stage); gateway responses change the
 * answers the gateway makes itself; API keys and usage plans hold back methods that
 * require a key (rest/usage-limits.ts). The account's CloudWatch role, custom domains and
 * base path mappings are recorded only,
 * with the ids and attributes AWS would give.
 */
import { randomBytes } from "node:crypto";
import { recordedProvider } from "./recorded.js";
import { compact, ignoreNotFound, service, type ProviderContext, type ResourceProvider } from "../provider.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** API Gateway's ids: 10 lowercase letters and digits (6 for resources and authorizers). */
function apigId(length = 10): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

const apigateway = (ctx: ProviderContext) => service(ctx, "apigateway");

const restApiAttributes = (api: Record<string, any>, ctx: ProviderContext) => ({
  RestApiId: api.Id,
  RootResourceId: api.RootResourceId,
  LocalEndpoint: `${ctx.cloud.endpoint}/_aws/execute-api/${api.Id}`,
});

const restApiInput = (props: Record<string, any>, ctx: ProviderContext) =>
  compact({
    Name: props.Name ?? (props.Body || props.BodyS3Location ? undefined : ctx.physicalName()),
    Description: props.Description, BinaryMediaTypes: props.BinaryMediaTypes, Body: props.Body, BodyS3Location: props.BodyS3Location,
    CloneFrom: props.CloneFrom, DisableExecuteApiEndpoint: props.DisableExecuteApiEndpoint, ApiKeySourceType: props.ApiKeySourceType, Tags: props.Tags,
    Policy: props.Policy,
  });

/** A method's CloudFormation properties are PutMethod's input, its integration inline. */
const methodInput = (props: Record<string, any>) =>
  compact({
    RestApiId: props.RestApiId, ResourceId: props.ResourceId, HttpMethod: props.HttpMethod, AuthorizationType: props.AuthorizationType,
    AuthorizerId: props.AuthorizerId, ApiKeyRequired: props.ApiKeyRequired, Integration: props.Integration,
    MethodResponses: props.MethodResponses, RequestParameters: props.RequestParameters,
    AuthorizationScopes: props.AuthorizationScopes, OperationName: props.OperationName, RequestModels: props.RequestModels,
    RequestValidatorId: props.RequestValidatorId,
  });

const authorizerInput = (props: Record<string, any>) =>
  compact({
    RestApiId: props.RestApiId, Name: props.Name, Type: props.Type, AuthorizerUri: props.AuthorizerUri, IdentitySource: props.IdentitySource,
    IdentityValidationExpression: props.IdentityValidationExpression, AuthorizerResultTtlInSeconds: props.AuthorizerResultTtlInSeconds,
    ProviderARNs: props.ProviderARNs,
  });

/**
 * A part of a REST API that API Gateway names by an id it makes (an authorizer, a request
 * validator): created, updated and deleted through `{Create,Update,Delete}Rest<kind>` by
 * that id, which is also its `<kind>Id` attribute.
 */
function idNamedPart(kind: "Authorizer" | "RequestValidator", replacementProps: string[], input: (props: Record<string, any>) => Record<string, unknown>): ResourceProvider {
  const idKey = `${kind}Id`;
  return {
    replacementProps,
    async create(props, ctx) {
      const made = await apigateway(ctx).call(`CreateRest${kind}`, input(props));
      return { physicalId: made.Id, attributes: { [idKey]: made.Id } };
    },
    async update(id, props, _old, ctx) {
      await apigateway(ctx).call(`UpdateRest${kind}`, { ...input(props), [idKey]: id });
      return { [idKey]: id };
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call(`DeleteRest${kind}`, { RestApiId: props.RestApiId, [idKey]: id }));
    },
  };
}

const gatewayResponseInput = (props: Record<string, any>) =>
  compact({ RestApiId: props.RestApiId, ResponseType: props.ResponseType, StatusCode: props.StatusCode, ResponseParameters: props.ResponseParameters, ResponseTemplates: props.ResponseTemplates });

const validatorInput = (props: Record<string, any>) =>
  compact({ RestApiId: props.RestApiId, Name: props.Name, ValidateRequestBody: props.ValidateRequestBody, ValidateRequestParameters: props.ValidateRequestParameters });

const modelInput = (props: Record<string, any>, name: string) =>
  compact({ RestApiId: props.RestApiId, Name: name, ContentType: props.ContentType, Schema: props.Schema, Description: props.Description });

const stageInput = (props: Record<string, any>) => ({
  RestApiId: props.RestApiId, DeploymentId: props.DeploymentId, Variables: props.Variables, AccessLogSetting: props.AccessLogSetting,
  Description: props.Description, TracingEnabled: props.TracingEnabled, MethodSettings: props.MethodSettings,
});

const usagePlanInput = (props: Record<string, any>) =>
  compact({ UsagePlanName: props.UsagePlanName, Description: props.Description, ApiStages: props.ApiStages, Throttle: props.Throttle, Quota: props.Quota });

const served: Record<string, ResourceProvider> = {
  "AWS::ApiGateway::RestApi": {
    async create(props, ctx) {
      const api = await apigateway(ctx).call("CreateRestApi", restApiInput(props, ctx));
      return { physicalId: api.Id, attributes: restApiAttributes(api, ctx) };
    },
    async update(id, props, _old, ctx) {
      const { Name, Description, BinaryMediaTypes, DisableExecuteApiEndpoint, ApiKeySourceType, Policy } = restApiInput(props, ctx) as Record<string, any>;
      const api = await apigateway(ctx).call("UpdateRestApi", { RestApiId: id, Name: props.Name ?? Name, Description, BinaryMediaTypes, DisableExecuteApiEndpoint, ApiKeySourceType, Policy, Tags: props.Tags ?? [] });
      return restApiAttributes(api, ctx);
    },
    async delete(id, _props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestApi", { RestApiId: id }));
    },
  },
  "AWS::ApiGateway::Resource": {
    replacementProps: ["RestApiId", "ParentId", "PathPart"],
    async create(props, ctx) {
      const r = await apigateway(ctx).call("CreateRestResource", { RestApiId: props.RestApiId, ParentId: props.ParentId, PathPart: props.PathPart });
      return { physicalId: r.Id, attributes: { ResourceId: r.Id } };
    },
    async update(id) {
      return { ResourceId: id };
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestResource", { RestApiId: props.RestApiId, ResourceId: id }));
    },
  },
  "AWS::ApiGateway::Method": {
    replacementProps: ["RestApiId", "ResourceId", "HttpMethod"],
    async create(props, ctx) {
      const m = await apigateway(ctx).call("PutRestMethod", methodInput(props));
      return { physicalId: m.Id };
    },
    async update(_id, props, _old, ctx) {
      await apigateway(ctx).call("PutRestMethod", methodInput(props));
      return {};
    },
    async delete(_id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestMethod", { RestApiId: props.RestApiId, ResourceId: props.ResourceId, HttpMethod: props.HttpMethod }));
    },
  },
  "AWS::ApiGateway::Authorizer": idNamedPart("Authorizer", ["RestApiId"], authorizerInput),
  "AWS::ApiGateway::Deployment": {
    // A new deployment is what changes what a stage serves; CDK names one per change.
    replacementProps: ["RestApiId", "DeploymentCanarySettings"],
    async create(props, ctx) {
      const d = await apigateway(ctx).call("CreateRestDeployment", compact({
        RestApiId: props.RestApiId, Description: props.Description, StageName: props.StageName, StageDescription: props.StageDescription,
      }));
      return { physicalId: d.Id, attributes: { DeploymentId: d.Id } };
    },
    async update(id) {
      return { DeploymentId: id };
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestDeployment", { RestApiId: props.RestApiId, DeploymentId: id }));
    },
  },
  "AWS::ApiGateway::GatewayResponse": {
    replacementProps: ["RestApiId", "ResponseType"],
    async create(props, ctx) {
      await apigateway(ctx).call("PutRestGatewayResponse", gatewayResponseInput(props));
      return { physicalId: `${props.RestApiId}-${props.ResponseType}` };
    },
    async update(_id, props, _old, ctx) {
      await apigateway(ctx).call("PutRestGatewayResponse", gatewayResponseInput(props));
      return {};
    },
    async delete(_id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestGatewayResponse", { RestApiId: props.RestApiId, ResponseType: props.ResponseType }));
    },
  },
  "AWS::ApiGateway::RequestValidator": idNamedPart("RequestValidator", ["RestApiId", "Name"], validatorInput),
  "AWS::ApiGateway::Model": {
    replacementProps: ["RestApiId", "Name", "ContentType"],
    nameProperty: "Name",
    async create(props, ctx) {
      // AWS names an unnamed model from the stack and logical id, letters and digits only
      const name = props.Name ?? ctx.physicalName({ maxLength: 64 }).replace(/[^A-Za-z0-9]/g, "");
      const m = await apigateway(ctx).call("CreateRestModel", modelInput(props, name));
      return { physicalId: m.Name };
    },
    async update(id, props, _old, ctx) {
      await apigateway(ctx).call("UpdateRestModel", modelInput(props, id));
      return {};
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestModel", { RestApiId: props.RestApiId, Name: id }));
    },
  },
  "AWS::ApiGateway::ApiKey": {
    replacementProps: ["GenerateDistinctId", "Value", "Name"],
    nameProperty: "Name",
    async create(props, ctx) {
      const k = await apigateway(ctx).call("CreateApiKey", compact({
        Name: props.Name ?? ctx.physicalName({ maxLength: 128 }), Description: props.Description, Enabled: props.Enabled,
        Value: props.Value, CustomerId: props.CustomerId, StageKeys: props.StageKeys,
      }));
      return { physicalId: k.Id, attributes: { APIKeyId: k.Id } };
    },
    async update(id, props, _old, ctx) {
      await apigateway(ctx).call("UpdateApiKey", compact({
        ApiKeyId: id, Name: props.Name, Description: props.Description, Enabled: props.Enabled, CustomerId: props.CustomerId, StageKeys: props.StageKeys,
      }));
      return { APIKeyId: id };
    },
    async delete(id, _props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteApiKey", { ApiKeyId: id }));
    },
  },
  "AWS::ApiGateway::UsagePlan": {
    async create(props, ctx) {
      const p = await apigateway(ctx).call("CreateUsagePlan", usagePlanInput(props));
      return { physicalId: p.Id, attributes: { Id: p.Id } };
    },
    async update(id, props, _old, ctx) {
      await apigateway(ctx).call("UpdateUsagePlan", { ...usagePlanInput(props), UsagePlanId: id });
      return { Id: id };
    },
    async delete(id, _props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteUsagePlan", { UsagePlanId: id }));
    },
  },
  "AWS::ApiGateway::UsagePlanKey": {
    replacementProps: ["KeyId", "KeyType", "UsagePlanId"],
    async create(props, ctx) {
      await apigateway(ctx).call("CreateUsagePlanKey", { UsagePlanId: props.UsagePlanId, KeyId: props.KeyId, KeyType: props.KeyType });
      // AWS names a plan's key by the key's id
      return { physicalId: String(props.KeyId), attributes: { Id: String(props.KeyId) } };
    },
    async update(id) {
      return { Id: id };
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteUsagePlanKey", { UsagePlanId: props.UsagePlanId, KeyId: id }));
    },
  },
  "AWS::ApiGateway::Stage": {
    replacementProps: ["RestApiId", "StageName"],
    nameProperty: "StageName",
    async create(props, ctx) {
      const name = props.StageName ?? ctx.physicalName({ maxLength: 128, separator: "-" }).replace(/[^A-Za-z0-9_-]/g, "");
      const s = await apigateway(ctx).call("CreateRestStage", { ...stageInput(props), StageName: name });
      return { physicalId: s.StageName };
    },
    async update(id, props, _old, ctx) {
      await apigateway(ctx).call("UpdateRestStage", { ...stageInput(props), StageName: id });
      return {};
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(apigateway(ctx).call("DeleteRestStage", { RestApiId: props.RestApiId, StageName: id }));
    },
  },
};

export const apiGatewayV1Providers: Record<string, ResourceProvider> = {
  ...served,
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
