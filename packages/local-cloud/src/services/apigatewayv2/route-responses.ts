/**
 * Route responses of WebSocket routes (`CreateRouteResponse` …): a route with one, and
 * a RouteResponseSelectionExpression, is two-way — the data plane sends the function's
 * answer back to the client. Stored under the API with their RouteId; `$default` is the
 * only key a Lambda proxy route uses, and a route has at most one response per key.
 */
import { badRequest, conflict, notFound } from "./errors.js";
import { newSubId } from "./ids.js";
import { paginate } from "./pagination.js";
import { pick, required } from "./management.js";
import type { ApiGatewayStore } from "./store.js";

type Doc = Record<string, any>;
const FIELDS = ["RouteResponseKey", "ModelSelectionExpression", "ResponseModels", "ResponseParameters"];

export function routeResponseOperations(store: ApiGatewayStore, api: (apiId: string) => Doc): Record<string, (i: Doc) => Doc> {
  const route = (i: Doc): Doc => {
    const a = api(required(i, "ApiId"));
    const r = store.get<Doc>(a.ApiId, "route", required(i, "RouteId"));
    if (!r) throw notFound("Route", i.RouteId);
    if (a.ProtocolType !== "WEBSOCKET") throw badRequest("Route responses are supported only for WebSocket APIs");
    return r;
  };
  const find = (apiId: string, i: Doc): Doc => {
    const doc = store.get<Doc>(apiId, "routeresponse", required(i, "RouteResponseId"));
    if (!doc || doc.RouteId !== i.RouteId) throw notFound("RouteResponse", i.RouteResponseId);
    return doc;
  };
  const out = ({ RouteId: _r, ApiId: _a, ...rest }: Doc): Doc => rest;
  return {
    CreateRouteResponse: (i) => {
      const r = route(i);
      const key = required(i, "RouteResponseKey");
      const apiId = i.ApiId;
      if (store.list<Doc>(apiId, "routeresponse").some((x) => x.RouteId === r.RouteId && x.RouteResponseKey === key))
        throw conflict(`Unable to create route response. RouteResponse with key ${key} already exists for this route`);
      const doc = { ...pick(i, FIELDS), RouteResponseId: newSubId(), RouteId: r.RouteId, ApiId: apiId };
      store.insert(apiId, "routeresponse", doc.RouteResponseId, doc);
      return out(doc);
    },
    GetRouteResponse: (i) => {
      route(i);
      return out(find(i.ApiId, i));
    },
    GetRouteResponses: (i) => {
      const r = route(i);
      const responses = store.list<Doc>(i.ApiId, "routeresponse").filter((x) => x.RouteId === r.RouteId);
      const page = paginate(responses, i.MaxResults, i.NextToken);
      return { ...page, Items: page.Items.map(out) };
    },
    UpdateRouteResponse: (i) => {
      route(i);
      const doc = { ...find(i.ApiId, i), ...pick(i, FIELDS) };
      store.update(i.ApiId, "routeresponse", doc.RouteResponseId, doc);
      return out(doc);
    },
    DeleteRouteResponse: (i) => {
      route(i);
      find(i.ApiId, i);
      store.remove(i.ApiId, "routeresponse", i.RouteResponseId);
      return {};
    },
  };
}
