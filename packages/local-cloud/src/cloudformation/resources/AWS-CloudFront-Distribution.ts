/**
 * AWS::CloudFront::Distribution: created, updated (read ETag, then UpdateDistribution)
 * and deleted (disabled first, as CloudFormation does) through the local CloudFront.
 * GetAtt DomainName is `{id}.cloudfront.localhost:{port}`; Id is the distribution id.
 *
 * An origin whose domain CloudFormation cut out of a URL of the local cloud itself
 * (`Fn.parseDomainName(fnUrl.url)`: Fn::Select over Fn::Split of the function URL, as
 * SST writes the origin of a server function) is only `127.0.0.1:{port}` here; the rest of that URL
 * (`/_aws/lambda-url/{id}`) is recorded beside the distribution so the edge reaches
 * the right function.
 */
import { randomUUID } from "node:crypto";
import { service, type ProviderContext, type ResourceProvider } from "../provider.js";
import { distributionConfigFromCfn } from "./cloudfront-shapes.js";
import { LOCAL_ORIGIN_PATH_PREFIXES } from "../../services/cloudfront/index.js";

/** The URL of the local cloud that a template expression cuts a domain out of (through Fn::Split), if any. */
function localUrlIn(expr: unknown, ctx: ProviderContext): string | undefined {
  if (!expr || typeof expr !== "object") return undefined;
  const split = (expr as any)["Fn::Split"];
  if (Array.isArray(split) && ctx.resolveValue) {
    const source = ctx.resolveValue(split[1]);
    if (typeof source === "string" && source.startsWith(`${ctx.cloud.endpoint}/`)) return source;
  }
  for (const v of Object.values(expr as object)) {
    const found = localUrlIn(v, ctx);
    if (found) return found;
  }
  return undefined;
}

async function setPrefixes(id: string, props: Record<string, any>, ctx: ProviderContext): Promise<void> {
  const rawOrigins = (ctx.templateProperties as any)?.DistributionConfig?.Origins;
  const prefixes: Record<string, string> = {};
  if (Array.isArray(rawOrigins)) {
    rawOrigins.forEach((raw: any, i: number) => {
      const url = localUrlIn(raw?.DomainName, ctx);
      if (!url) return;
      const path = new URL(url).pathname.replace(/\/$/, "");
      const originId = props.DistributionConfig?.Origins?.[i]?.Id;
      if (path && originId) prefixes[originId] = path;
    });
  }
  await service(ctx, "cloudfront").call(LOCAL_ORIGIN_PATH_PREFIXES, { Id: id, Prefixes: prefixes });
}

const attributes = (d: any) => ({ Id: d.Id, DomainName: d.DomainName });

export const cloudfrontDistribution: ResourceProvider = {
  async create(props, ctx) {
    const config = distributionConfigFromCfn(props.DistributionConfig ?? {}, randomUUID());
    const tags = Array.isArray(props.Tags) && props.Tags.length ? { Items: props.Tags } : undefined;
    const out = tags
      ? await service(ctx, "cloudfront").call("CreateDistributionWithTags", { DistributionConfigWithTags: { DistributionConfig: config, Tags: tags } })
      : await service(ctx, "cloudfront").call("CreateDistribution", { DistributionConfig: config });
    await setPrefixes(out.Distribution.Id, props, ctx);
    return { physicalId: out.Distribution.Id, attributes: attributes(out.Distribution) };
  },
  async update(id, props, _old, ctx) {
    const cf = service(ctx, "cloudfront");
    const current = await cf.call("GetDistributionConfig", { Id: id });
    const config = distributionConfigFromCfn(props.DistributionConfig ?? {}, current.DistributionConfig.CallerReference);
    const out = await cf.call("UpdateDistribution", { Id: id, IfMatch: current.ETag, DistributionConfig: config });
    await setPrefixes(id, props, ctx);
    return attributes(out.Distribution);
  },
  async delete(id, _props, ctx) {
    const cf = service(ctx, "cloudfront");
    let current: any;
    try {
      current = await cf.call("GetDistributionConfig", { Id: id });
    } catch (e: any) {
      if (e?.code === "NoSuchDistribution") return;
      throw e;
    }
    let etag = current.ETag;
    if (current.DistributionConfig.Enabled) {
      const disabled = await cf.call("UpdateDistribution", { Id: id, IfMatch: etag, DistributionConfig: { ...current.DistributionConfig, Enabled: false } });
      etag = disabled.ETag;
    }
    await cf.call("DeleteDistribution", { Id: id, IfMatch: etag });
  },
  attributeNames: ["Id", "DomainName"],
};
