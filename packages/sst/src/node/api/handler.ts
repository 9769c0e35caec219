/**
 * SST v2's `ApiHandler` and its request hooks. The handler runs in the shared request
 * context (`sst/context`'s `Handler("api", …)`), so the hooks work anywhere below it,
 * across awaits, and in other runtime modules (sessions) too. A `Response` thrown from
 * anywhere inside ends the request with that result.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context as LambdaContext } from "aws-lambda";
import { memo } from "../../context/context.js";
import { Handler, useContextType, useEvent, type HandlerTypes } from "../../context/handler.js";
import { useResponse } from "./response.js";

export type ApiHandlerTypes = Extract<HandlerTypes, "api" | "ws">;

/** Throw `new Response({ statusCode: 302, headers: { location } })` to end the request early. */
export class Response {
  constructor(readonly result: APIGatewayProxyStructuredResultV2) {}
}

export function ApiHandler(
  cb: (evt: APIGatewayProxyEventV2, ctx: LambdaContext) => Promise<APIGatewayProxyStructuredResultV2 | void>,
) {
  return Handler("api", async (evt, ctx): Promise<APIGatewayProxyStructuredResultV2> => {
    let result: APIGatewayProxyStructuredResultV2 | void;
    try {
      result = await cb(evt, ctx);
    } catch (err) {
      if (!(err instanceof Response)) throw err;
      result = err.result;
    }
    return useResponse().serialize(result || {});
  });
}

/** The event of an api or WebSocket handler, whichever this request runs in. */
function useApiEvent(): APIGatewayProxyEventV2 {
  return useEvent(useContextType() as ApiHandlerTypes) as APIGatewayProxyEventV2;
}

/** The request body, base64-decoded when API Gateway encoded it; undefined when empty. */
export const useBody = /* @__PURE__ */ memo((): string | undefined => {
  const evt = useApiEvent();
  if (!evt.body) return undefined;
  return evt.isBase64Encoded ? Buffer.from(evt.body, "base64").toString() : evt.body;
});

export const useJsonBody = /* @__PURE__ */ memo((): any => {
  const body = useBody();
  return body ? JSON.parse(body) : undefined;
});

export const useFormData = /* @__PURE__ */ memo((): URLSearchParams | undefined => {
  const body = useBody();
  return body ? new URLSearchParams(body) : undefined;
});

export function useFormValue(name: string): string | null | undefined {
  return useFormData()?.get(name);
}

/** Request cookies by name (from the event's `cookies`, else the Cookie header), URI-decoded. */
export const useCookies = /* @__PURE__ */ memo((): Record<string, string> => {
  const evt = useApiEvent();
  const raw = evt.cookies ?? useHeader("cookie")?.split(";") ?? [];
  const out: Record<string, string> = {};
  for (const c of raw) {
    const eq = c.indexOf("=");
    if (eq < 0) continue;
    out[c.slice(0, eq).trim()] = safeDecode(c.slice(eq + 1).trim());
  }
  return out;
});

export function useCookie(name: string): string | undefined {
  return useCookies()[name];
}

/** The path's segments: "/todo/1" → ["todo", "1"]. */
export const usePath = /* @__PURE__ */ memo((): string[] => useEvent("api").rawPath.split("/").filter(Boolean));

export function useDomainName(): string | undefined {
  return useApiEvent().requestContext.domainName;
}

export function useMethod(): string {
  return useEvent("api").requestContext.http.method;
}

export function useHeaders(): Record<string, string | undefined> {
  return useApiEvent().headers ?? {};
}

/** A request header; API Gateway lower-cases names, and so does this lookup when the exact name is absent. */
export function useHeader(key: string): string | undefined {
  const headers = useHeaders();
  if (key in headers) return headers[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function useQueryParams(): Record<string, string | undefined> {
  return useApiEvent().queryStringParameters ?? {};
}

export function useQueryParam<T = string>(name: string): T | undefined {
  return useQueryParams()[name] as T | undefined;
}

export function usePathParams(): Record<string, string | undefined> {
  return useEvent("api").pathParameters ?? {};
}

export function usePathParam(name: string): string | undefined {
  return usePathParams()[name];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
