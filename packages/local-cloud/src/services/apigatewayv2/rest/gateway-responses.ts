/**
 * REST APIs' gateway responses: the answers API Gateway makes itself (no route, denied,
 * unauthorized, a failed integration …) have a response type, and an
 * AWS::ApiGateway::GatewayResponse of that type — or of DEFAULT_4XX / DEFAULT_5XX for
 * its status class — changes them: its status code, its static header values
 * ('value', as in the template; SST's `cors: true` adds Access-Control-Allow-* this way)
 * and its body template, where `$context.error.messageString` (the message as a JSON
 * string), `$context.error.message` and `$context.requestId` are filled in. A response
 * the integration returned is never touched.
 */
import type { GatewayResponse } from "../../../lambda-proxy/response-map.js";

/** The response type of an answer the gateway made (a symbol key: integrations cannot set it). */
const RESPONSE_TYPE = Symbol("gateway response type");

export type GatewayErrorResponse = GatewayResponse & { [RESPONSE_TYPE]?: string; message?: string | null };

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

/** Tags a response the gateway made elsewhere (IAM checks) with the type of its status class. */
export function asGatewayError(response: GatewayResponse): GatewayErrorResponse {
  const tagged = response as GatewayErrorResponse;
  tagged[RESPONSE_TYPE] ??= response.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX";
  return tagged;
}

export interface GatewayResponseConfig {
  ResponseType: string;
  StatusCode?: string | number;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
}

/** Applies the API's gateway response for the answer's type (in place); answers the gateway did not make are left alone. */
export function customizeGatewayResponse(response: GatewayResponse, configs: Map<string, GatewayResponseConfig>, requestId: string): void {
  const type = (response as GatewayErrorResponse)[RESPONSE_TYPE];
  if (!type || configs.size === 0) return;
  const config = configs.get(type) ?? configs.get(response.status >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
  if (!config) return;
  if (config.StatusCode !== undefined && /^\d{3}$/.test(String(config.StatusCode))) response.status = Number(config.StatusCode);
  for (const [target, value] of Object.entries(config.ResponseParameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(target)?.[1];
    const literal = /^'(.*)'$/s.exec(String(value))?.[1];
    if (header && literal !== undefined) response.headers[header.toLowerCase()] = literal;
  }
  const template = config.ResponseTemplates?.["application/json"];
  if (template !== undefined) {
    const message = (response as GatewayErrorResponse).message ?? null;
    response.body = Buffer.from(
      template
        .replace(/\$context\.error\.messageString/g, JSON.stringify(message))
        .replace(/\$context\.error\.message/g, message ?? "")
        .replace(/\$context\.requestId/g, requestId),
    );
  }
}
