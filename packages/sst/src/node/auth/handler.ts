/**
 * `AuthHandler`: the authenticator behind the routes `Auth.attach` adds to an Api —
 * `GET {prefix}` lists the providers' authorize URLs, `{prefix}/{provider}/{step}` runs
 * that provider's adapter. Sign-in failures answer 4xx with the reason (SST v2 threw,
 * which became a 500).
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ApiHandler, usePath } from "../api/index.js";
import type { Adapter } from "./adapter/adapter.js";
import { AuthError, errorResponse, toAuthError } from "./errors.js";
import { getPrefix } from "./keys.js";
import { useApiBaseUrl } from "./request-url.js";

export function AuthHandler<Providers extends Record<string, Adapter>>(config: { providers: Providers }) {
  return ApiHandler(async (): Promise<APIGatewayProxyStructuredResultV2> => {
    const path = usePath();
    const prefix = getPrefix().split("/").filter(Boolean);
    if (path.join("/") === prefix.join("/")) return providerIndex(Object.keys(config.providers), prefix);
    const [name] = path.slice(-2);
    const provider = Object.hasOwn(config.providers, name) ? config.providers[name] : undefined;
    try {
      if (!provider) {
        throw new AuthError(404, "unknown_provider", `No provider named "${name}". Providers: ${Object.keys(config.providers).join(", ") || "(none)"}`);
      }
      return await provider();
    } catch (e) {
      const known = toAuthError(e);
      if (!known) throw e;
      if (known.statusCode >= 500) console.error(`sst/node/auth: ${known.message}`);
      return errorResponse(known);
    }
  });
}

function providerIndex(names: string[], prefix: string[]): APIGatewayProxyStructuredResultV2 {
  const base = useApiBaseUrl();
  return {
    statusCode: 200,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(Object.fromEntries(names.map((n) => [n, `${base}/${[...prefix, n, "authorize"].join("/")}`])), null, 4),
  };
}
