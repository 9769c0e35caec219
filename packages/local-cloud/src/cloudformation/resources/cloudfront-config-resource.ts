/**
 * The CloudFront resources that are one config with an id and an ETag (cache, origin
 * request and response headers policies, origin access identities and controls): one
 * provider shape for all of them.
 */
import { service, type ResourceProvider } from "../provider.js";

export function cloudfrontConfigResource(opts: {
  noun: string;
  configProp: string;
  /** The API's config member (CachePolicyConfig …). */
  config: string;
  convert(config: any, ctx: { physicalName(): string }): any;
  attributes(resource: any): Record<string, unknown>;
}): ResourceProvider {
  const { noun, configProp, config, convert, attributes } = opts;
  return {
    async create(props, ctx) {
      const out = await service(ctx, "cloudfront").call(`Create${noun}`, { [config]: convert(props[configProp] ?? {}, { physicalName: () => ctx.physicalName({ maxLength: 128 }) }) });
      const resource = out[noun];
      return { physicalId: resource.Id, attributes: attributes(resource) };
    },
    async update(id, props, _old, ctx) {
      const cf = service(ctx, "cloudfront");
      const current = await cf.call(`Get${noun}`, { Id: id });
      const next = convert(props[configProp] ?? {}, { physicalName: () => current[noun][config].Name ?? current[noun][config].CallerReference });
      if (noun === "CloudFrontOriginAccessIdentity") next.CallerReference = current[noun][config].CallerReference;
      const out = await cf.call(`Update${noun}`, { Id: id, IfMatch: current.ETag, [config]: next });
      return attributes(out[noun]);
    },
    async delete(id, _props, ctx) {
      const cf = service(ctx, "cloudfront");
      try {
        const current = await cf.call(`Get${noun}`, { Id: id });
        await cf.call(`Delete${noun}`, { Id: id, IfMatch: current.ETag });
      } catch (e: any) {
        if (e?.code !== `NoSuch${noun}`) throw e;
      }
    },
  };
}
