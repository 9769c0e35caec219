/** AWS::ApiGatewayV2::ApiMapping: maps an API stage under a custom domain's path. Ref is the mapping id. */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

const input = (p: Record<string, any>) => ({ DomainName: p.DomainName, ApiId: p.ApiId, Stage: p.Stage, ApiMappingKey: p.ApiMappingKey });

export const apiGatewayV2ApiMapping: ResourceProvider = {
  replacementProps: ["DomainName"],
  async create(props, ctx) {
    const out = await service(ctx, "apigateway").call("CreateApiMapping", input(props));
    return { physicalId: out.ApiMappingId, attributes: { ApiMappingId: out.ApiMappingId } };
  },
  async update(id, props, _old, ctx) {
    await service(ctx, "apigateway").call("UpdateApiMapping", { ...input(props), ApiMappingId: id });
    return { ApiMappingId: id };
  },
  async delete(id, props, ctx) {
    await ignoreNotFound(service(ctx, "apigateway").call("DeleteApiMapping", { DomainName: props.DomainName, ApiMappingId: id }));
  },
};
