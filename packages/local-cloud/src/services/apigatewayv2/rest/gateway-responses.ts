/**
 * REST APIs' gateway responses: the answers API Gateway makes itself (no route, denied,
 * unauthorized, a failed integration …) have a response type, and an
 * AWS::ApiGateway::GatewayResponse of that type — or of DEFAULT_4XX / DEFAULT_5XX for
 * its status class — changes them: its status code, its static header values
 * ('value', as in the template; SST's `cors: true` adds Access-Control-Allow-* this way),
 * or values mapped from the request (`method.request.header.origin`, `context.*`,
 * `stageVariables.*`), and its body template, rendered as a mapping template
 * (mapping-context.ts) with `$context.error.message`, `$context.error.messageString`
 * (the message as a JSON string), `$context.error.responseType` and
 * `$context.error.validationErrorString` beside the request's `$context`. A response
 * the integration returned is never touched.
 */
import type { GatewayResponse } from "../../../lambda-proxy/response-map.js";
import { renderApiTemplate } from "./mapping-context.js";
import { requestSource, type RequestSources } from "./parameter-mapping.js";

/** The response type of an answer the gateway made (a symbol key: integrations cannot set it). */
const RESPONSE_TYPE = Symbol("gateway response type");

export type GatewayErrorResponse = GatewayResponse & { [RESPONSE_TYPE]?: string; message?: string | null; validationErrorString?: string };

/** An answer the gateway makes: `{"message": …}` with AWS's status, tagged with its response type. */
export function gatewayError(type: string, status: number, message: string | null, errorType?: string): GatewayErrorResponse {
  const response: GatewayErrorResponse = {
    status,
    headers: { "content-type": "application/json", ...(errorType ? { "x-amzn-errortype": errorType } : {}) },
    setCookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
  response[RESPONSE_TYPE] = type;
  response.message = message;
  return response;
}

/** Tags a response the gateway made elsewhere (IAM checks) with its type, else the type of its status class; `message` is what templates see. */
export function asGatewayError(response: GatewayResponse, type?: string): GatewayErrorResponse {
  const tagged = response as GatewayErrorResponse;
  tagged[RESPONSE_TYPE] ??= type ?? (response.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
  if (tagged.message === undefined) {
    try {
      const body = JSON.parse(response.body.toString("utf8"));
      tagged.message = body?.message ?? body?.Message ?? null;
    } catch {
      tagged.message = null;
    }
  }
  return tagged;
}

export interface GatewayResponseConfig {
  ResponseType: string;
  StatusCode?: string | number;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
}

/** What a gateway response's mappings read of the request; without it, only the request id. */
export type GatewayResponseScope = { requestId: string; request?: () => RequestSources };

/** Applies the API's gateway response for the answer's type (in place); answers the gateway did not make are left alone. */
export function customizeGatewayResponse(response: GatewayResponse, configs: Map<string, GatewayResponseConfig>, scope: GatewayResponseScope): void {
  const tagged = response as GatewayErrorResponse;
  const type = tagged[RESPONSE_TYPE];
  if (!type || configs.size === 0) return;
  const config = configs.get(type) ?? configs.get(response.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
  if (!config) return;
  let sources: RequestSources | undefined;
  const request = (): RequestSources => {
    if (sources) return sources;
    const base = scope.request?.() ?? { params: { path: {}, querystring: {}, header: {} }, multiQuery: new Map(), body: "", context: {}, stageVariables: {} };
    const message = tagged.message ?? null;
    const error = { message: message ?? "", messageString: JSON.stringify(message), responseType: type, validationErrorString: tagged.validationErrorString ?? "" };
    return (sources = { ...base, context: { ...base.context, requestId: scope.requestId, error } });
  };
  if (config.StatusCode !== undefined && /^\d{3}$/.test(String(config.StatusCode))) response.status = Number(config.StatusCode);
  for (const [target, expr] of Object.entries(config.ResponseParameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
    const value = header && requestSource(String(expr), request());
    if (header && value !== undefined) response.headers[header.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const template = config.ResponseTemplates?.["application/json"] ?? Object.values(config.ResponseTemplates ?? {})[0];
  if (template !== undefined) {
    const s = request();
    const rendered = renderApiTemplate(template, { body: s.body, params: s.params, context: s.context, stageVariables: s.stageVariables });
    if (!rendered.error) response.body = Buffer.from(rendered.output);
  }
}
