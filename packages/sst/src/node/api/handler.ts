/**
 * SST v2's ApiHandler and request hooks: the handler's event is kept in
 * AsyncLocalStorage so `useBody()`, `usePathParam("id")` … work anywhere below it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

interface RequestScope { event: APIGatewayProxyEventV2; context: Context; }

const storage = new AsyncLocalStorage<RequestScope>();

export function ApiHandler(
  cb: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | void>,
) {
  return (event: APIGatewayProxyEventV2, context: Context) =>
    storage.run({ event, context }, () => cb(event, context));
}

function scope(): RequestScope {
  const s = storage.getStore();
  if (!s) throw new Error("This hook can only be used inside an ApiHandler");
  return s;
}

export function useEvent(): APIGatewayProxyEventV2 { return scope().event; }
export function useLambdaContext(): Context { return scope().context; }

export function useBody(): string | undefined {
  const e = useEvent();
  if (e.body === undefined || e.body === null) return undefined;
  return e.isBase64Encoded ? Buffer.from(e.body, "base64").toString("utf8") : e.body;
}

export function useJsonBody<T = any>(): T | undefined {
  const body = useBody();
  return body === undefined || body === "" ? undefined : (JSON.parse(body) as T);
}

export function useFormData(): URLSearchParams | undefined {
  const body = useBody();
  return body === undefined ? undefined : new URLSearchParams(body);
}

export function usePathParams(): Record<string, string | undefined> { return useEvent().pathParameters ?? {}; }
export function usePathParam(name: string): string | undefined { return usePathParams()[name]; }
export function useQueryParams(): Record<string, string | undefined> { return useEvent().queryStringParameters ?? {}; }
export function useQueryParam(name: string): string | undefined { return useQueryParams()[name]; }
export function useMethod(): string { return useEvent().requestContext.http.method; }
export function usePath(): string[] { return useEvent().rawPath.split("/").filter(Boolean); }
export function useDomainName(): string | undefined { return useEvent().requestContext.domainName; }

export function useHeaders(): Record<string, string | undefined> { return useEvent().headers ?? {}; }
export function useHeader(name: string): string | undefined {
  const headers = useHeaders();
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function useCookies(): Record<string, string> {
  const out: Record<string, string> = {};
  const e = useEvent();
  const raw = e.cookies ?? (useHeader("cookie")?.split(";") ?? []);
  for (const c of raw) {
    const i = c.indexOf("=");
    if (i < 0) continue;
    out[c.slice(0, i).trim()] = decodeURIComponent(c.slice(i + 1).trim());
  }
  return out;
}
export function useCookie(name: string): string | undefined { return useCookies()[name]; }
