/**
 * AWS::ApiGatewayV2::DomainName: a custom domain. Ref is the domain name;
 * GetAtt RegionalDomainName is where it answers locally (`<domain>.localhost:<port>`),
 * RegionalHostedZoneId the zone alias records point at.
 */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

function attributes(out: any) {
  const c = out?.DomainNameConfigurations?.[0] ?? {};
  return {
    RegionalDomainName: c.ApiGatewayDomainName,
    RegionalHostedZoneId: c.HostedZoneId,
    DomainNameArn: `arn:aws:apigateway:${out?.region ?? ""}::/domainnames/${out?.DomainName}`,
  };
}

export const apiGatewayV2DomainName: ResourceProvider = {
  replacementProps: ["DomainName"],
  nameProperty: "DomainName",
  attributeNames: ["RegionalDomainName", "RegionalHostedZoneId", "DomainNameArn"],
  async create(props, ctx) {
    const out = await service(ctx, "apigateway").call("CreateDomainName", {
      DomainName: props.DomainName,
      DomainNameConfigurations: props.DomainNameConfigurations,
      MutualTlsAuthentication: props.MutualTlsAuthentication,
      Tags: props.Tags,
    });
    return { physicalId: out.DomainName, attributes: attributes({ ...out, region: ctx.region }) };
  },
  async update(name, props, _old, ctx) {
    const out = await service(ctx, "apigateway").call("UpdateDomainName", {
      DomainName: name,
      DomainNameConfigurations: props.DomainNameConfigurations,
      MutualTlsAuthentication: props.MutualTlsAuthentication,
    });
    return attributes({ ...out, region: ctx.region });
  },
  async delete(name, _props, ctx) {
    await ignoreNotFound(service(ctx, "apigateway").call("DeleteDomainName", { DomainName: name }));
  },
};
