/**
 * The API Gateway v2 sub-resources (Route, Integration, Stage, Deployment, Authorizer)
 * share a shape: CloudFormation properties are the API's input fields, the resource
 * lives under ApiId, Create returns `{Kind}Id`, Update takes the same fields.
 */
import { ignoreNotFound, service, type ResourceProvider } from "../provider.js";

export function apiChildProvider(opts: {
  kind: "Route" | "Integration" | "Stage" | "Deployment" | "Authorizer" | "RouteResponse" | "IntegrationResponse";
  /** Field naming the resource in Update/Delete calls, and where its id comes from. */
  idField: string;
  replacementProps: string[];
  /** Fields Create does not accept (CloudFormation-only). */
  omit?: string[];
  attributes?: (id: string, props: Record<string, any>, out: any) => Record<string, unknown>;
}): ResourceProvider {
  const clean = (props: Record<string, any>) => {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(props)) if (!opts.omit?.includes(k)) out[k] = v;
    return out;
  };
  return {
    replacementProps: opts.replacementProps,
    async create(props, ctx) {
      const out = await service(ctx, "apigateway").call(`Create${opts.kind}`, clean(props));
      const id = out?.[opts.idField];
      if (!id) throw new Error(`Create${opts.kind} returned no ${opts.idField}`);
      return { physicalId: id, attributes: opts.attributes?.(id, props, out) ?? {} };
    },
    async update(id, props, _old, ctx, attrs) {
      const out = await service(ctx, "apigateway").call(`Update${opts.kind}`, { ...clean(props), [opts.idField]: id });
      return opts.attributes?.(id, props, out) ?? attrs;
    },
    async delete(id, props, ctx) {
      await ignoreNotFound(service(ctx, "apigateway").call(`Delete${opts.kind}`, { ApiId: props.ApiId, [opts.idField]: id, ...(opts.kind === "RouteResponse" ? { RouteId: props.RouteId } : {}), ...(opts.kind === "IntegrationResponse" ? { IntegrationId: props.IntegrationId } : {}) }));
    },
  };
}
