/** AWS::ApiGatewayV2::Api: Ref is the ApiId; GetAtt ApiEndpoint, ApiId. */
import { compact, ignoreNotFound, optionalCall, service, type ResourceProvider } from "../provider.js";

function input(props: Record<string, any>) {
  if (props.Body !== undefined || props.BodyS3Location !== undefined) {
    throw new Error("Importing an OpenAPI definition (Body, BodyS3Location) is not supported by the local cloud");
  }
  return compact({
    Name: props.Name, ProtocolType: props.ProtocolType, Description: props.Description, CorsConfiguration: props.CorsConfiguration,
    DisableExecuteApiEndpoint: props.DisableExecuteApiEndpoint, DisableSchemaValidation: props.DisableSchemaValidation,
    RouteSelectionExpression: props.RouteSelectionExpression, ApiKeySelectionExpression: props.ApiKeySelectionExpression,
    Version: props.Version, Tags: props.Tags, Target: props.Target, RouteKey: props.RouteKey, CredentialsArn: props.CredentialsArn,
    IpAddressType: props.IpAddressType,
  });
}

const attrs = (out: any) => ({ ApiId: out.ApiId, ApiEndpoint: out.ApiEndpoint });

export const apiGatewayV2Api: ResourceProvider = {
  replacementProps: ["ProtocolType"],
  async create(props, ctx) {
    const out = await service(ctx, "apigateway").call("CreateApi", input(props));
    if (!out?.ApiId) throw new Error("CreateApi returned no ApiId");
    return { physicalId: out.ApiId, attributes: attrs(out) };
  },
  async update(apiId, props, old, ctx, oldAttrs) {
    const api = service(ctx, "apigateway");
    const { Tags: _tags, Target: _t, RouteKey: _r, CredentialsArn: _c, ...rest } = input(props) as Record<string, any>;
    const out = await api.call("UpdateApi", { ApiId: apiId, ...rest });
    if (old.CorsConfiguration !== undefined && props.CorsConfiguration === undefined) {
      await optionalCall(api, "DeleteCorsConfiguration", { ApiId: apiId });
    }
    return out?.ApiId ? attrs(out) : oldAttrs;
  },
  async delete(apiId, _props, ctx) {
    await ignoreNotFound(service(ctx, "apigateway").call("DeleteApi", { ApiId: apiId }));
  },
};
