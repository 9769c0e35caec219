/**
 * AppSync HTTP data sources: the request mapping template (or APPSYNC_JS `request`)
 * makes `{"version": "2018-05-29", "method", "resourcePath", "params": {"query",
 * "headers", "body"}}`; the local cloud calls the data source's `HttpConfig.Endpoint`
 * plus `resourcePath` with them, and the result (`$ctx.result`) is `{statusCode,
 * headers, body}`, the body as text — a non-2xx status is a result like any other, for
 * the response template to judge, as on AppSync. An unreachable endpoint fails the field.
 * Requests the data source would sign (`AuthorizationConfig` AWS_IAM) go unsigned.
 */
type Doc = Record<string, any>;

export class HttpRequestError extends Error {
  constructor(message: string, readonly errorType: string) {
    super(message);
  }
}

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export async function runHttpRequest(endpoint: string, request: Doc, timeoutMs: number): Promise<HttpResult> {
  const method = String(request.method ?? "").toUpperCase();
  if (!METHODS.has(method)) throw new HttpRequestError(`Invalid HTTP method: ${request.method ?? "(none)"}`, "MappingTemplate");
  const resourcePath = request.resourcePath;
  if (typeof resourcePath !== "string" || !resourcePath.startsWith("/")) throw new HttpRequestError("The resourcePath must start with '/'", "MappingTemplate");
  const params: Doc = request.params ?? {};
  let url: URL;
  try {
    url = new URL(endpoint.replace(/\/+$/, "") + resourcePath);
  } catch {
    throw new HttpRequestError(`Invalid endpoint: ${endpoint}`, "MappingTemplate");
  }
  for (const [k, v] of Object.entries<unknown>(params.query ?? {})) {
    for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(one));
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries<unknown>(params.headers ?? {})) headers[k] = String(v);
  const body = params.body === undefined || params.body === null ? undefined : typeof params.body === "string" ? params.body : JSON.stringify(params.body);
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const timedOut = (err as Error)?.name === "TimeoutError";
    throw new HttpRequestError(timedOut ? `HTTP request to ${url.origin} timed out` : `HTTP request to ${url.origin} failed: ${(err as Error)?.message}`, timedOut ? "Timeout" : "ConnectionError");
  }
  const answerHeaders: Record<string, string> = {};
  res.headers.forEach((v, k) => (answerHeaders[k] = v));
  return { statusCode: res.status, headers: answerHeaders, body: await res.text() };
}
