/**
 * What API Gateway's mapping templates see, on the shared VTL engine (kernel/vtl.ts):
 * `$input` (`body`, `json(path)`, `path(path)`, `params()`, `params(name)`), `$context`
 * (the request context a Lambda proxy event carries: requestId, identity.sourceIp,
 * authorizer.*, stage, resourcePath, httpMethod …, plus `error.*` in gateway responses),
 * `$stageVariables` and API Gateway's `$util` (escapeJavaScript, parseJson, urlEncode,
 * urlDecode, base64Encode, base64Decode). Request templates read the method request's
 * body; response templates the integration's answer, with the same `params`.
 */
import { coreUtil, renderVtl, type VtlResult } from "../../../kernel/vtl.js";
import { evaluateJsonPath } from "../../../json-path/json-path.js";

/** The method request's parameters, as `$input.params()` gives them. */
export interface MethodParams {
  path: Record<string, string>;
  querystring: Record<string, string>;
  header: Record<string, string>;
}

/** What a template is rendered against. */
export interface TemplateScope {
  /** The payload `$input` reads: the method request's body, or the integration's answer. */
  body: string;
  params: MethodParams;
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

/** The body as JSON for `$input.path`/`$input.json`: text that is not JSON is a JSON string. */
function parsedBody(body: string): unknown {
  if (!body.trim()) return {};
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** `$input` of one payload. */
export function inputOf(body: string, params: MethodParams) {
  let document: unknown;
  const doc = () => (document ??= parsedBody(body));
  return {
    body,
    path: (path: string) => evaluateJsonPath(doc(), String(path)) ?? null,
    json: (path: string) => {
      const value = evaluateJsonPath(doc(), String(path));
      return value === undefined ? "" : JSON.stringify(value);
    },
    /** All of them, or one by name: path first, then query string, then header (any case). */
    params: (name?: string) => {
      if (name === undefined) return params;
      const key = String(name);
      return params.path[key] ?? params.querystring[key] ?? params.header[key.toLowerCase()] ?? "";
    },
  };
}

/** API Gateway's `$util`: only what AWS documents for it, all shared with AppSync. */
const apiGatewayUtil = coreUtil();

export function renderApiTemplate(template: string, scope: TemplateScope): VtlResult {
  return renderVtl(template, {
    input: inputOf(scope.body, scope.params),
    context: scope.context,
    stageVariables: scope.stageVariables,
    util: apiGatewayUtil,
  });
}
