/**
 * The public URL a request came in on, rebuilt from the Lambda event, for the links the
 * auth routes hand out (callback URLs, the provider index). SST v2 assumed
 * `https://{domainName}/{path}`; that misses the scheme, port and path prefix of the
 * local cloud's API URLs (`http://127.0.0.1:4570/_aws/execute-api/{apiId}/…`).
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { useEvent } from "../../context/handler.js";

/** Scheme, host and any path prefix in front of the route path, with no trailing "/". */
export function apiBaseUrl(event: APIGatewayProxyEventV2, env: Record<string, string | undefined> = process.env): string {
  const headers = lowerCased(event.headers ?? {});
  const proto = (headers["x-forwarded-proto"] ?? "https").split(",")[0].trim();
  const host = headers["host"] ?? event.requestContext.domainName;
  return `${proto}://${host}${pathPrefix(event, host, env)}`;
}

/**
 * A request for `{apiId}.execute-api…` (AWS, or the local cloud's `*.localhost` names)
 * or for a custom domain has its route at the root. One that reached the local cloud's
 * own endpoint came through the path-style URL `/_aws/execute-api/{apiId}`, which the
 * event does not show.
 */
function pathPrefix(event: APIGatewayProxyEventV2, host: string, env: Record<string, string | undefined>): string {
  const apiId = event.requestContext.apiId;
  if (!apiId || host.toLowerCase().startsWith(`${apiId.toLowerCase()}.`)) return "";
  const endpoint = env.AWS_ENDPOINT_URL;
  if (!endpoint) return "";
  try {
    if (new URL(endpoint).host.toLowerCase() !== host.toLowerCase()) return "";
  } catch {
    return "";
  }
  return `/_aws/execute-api/${apiId}`;
}

function lowerCased(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/** `apiBaseUrl` of the request being handled. */
export function useApiBaseUrl(): string {
  return apiBaseUrl(useEvent("api"));
}

/** The URL of a sibling step: `…/auth/google/authorize` → `…/auth/google/callback`. */
export function useStepUrl(step: string): string {
  const event = useEvent("api");
  const segments = event.rawPath.split("/").filter(Boolean);
  return `${apiBaseUrl(event)}/${[...segments.slice(0, -1), step].join("/")}`;
}

/** The path cookies of one provider's flow are scoped to: its base path, e.g. `/auth/google`. */
export function useProviderPath(): string {
  const event = useEvent("api");
  const base = new URL(apiBaseUrl(event)).pathname.replace(/\/$/, "");
  const segments = event.rawPath.split("/").filter(Boolean);
  return `${base}/${segments.slice(0, -1).join("/")}`;
}
