/**
 * CORS for HTTP APIs. With a CorsConfiguration, API Gateway answers preflight
 * requests itself (no route needed), adds the configured headers to every other
 * response of an allowed origin, and drops the CORS headers an integration returns.
 */

export interface CorsConfiguration {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

/** True when `origin` is allowed: "*", an exact origin, or a "https://*.example.com" pattern. */
export function originAllowed(cors: CorsConfiguration, origin: string): boolean {
  for (const allowed of cors.AllowOrigins ?? []) {
    if (allowed === "*" || allowed.toLowerCase() === origin.toLowerCase()) return true;
    if (allowed.includes("*")) {
      const re = new RegExp("^" + allowed.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*") + "$", "i");
      if (re.test(origin)) return true;
    }
  }
  return false;
}

const allowOriginValue = (cors: CorsConfiguration, origin: string) =>
  (cors.AllowOrigins ?? []).includes("*") && !cors.AllowCredentials ? "*" : origin;

export function isPreflight(method: string, headers: Record<string, string>): boolean {
  return method.toUpperCase() === "OPTIONS" && !!headers["origin"] && !!headers["access-control-request-method"];
}

/** The headers of API Gateway's own answer (204) to a preflight request; empty when not allowed. */
export function preflightHeaders(cors: CorsConfiguration, headers: Record<string, string>): Record<string, string> {
  const origin = headers["origin"];
  if (!origin || !originAllowed(cors, origin)) return {};
  const method = (headers["access-control-request-method"] ?? "").toUpperCase();
  const methods = (cors.AllowMethods ?? []).map((m) => m.toUpperCase());
  if (!methods.includes("*") && !methods.includes(method)) return {};
  const out: Record<string, string> = {
    "access-control-allow-origin": allowOriginValue(cors, origin),
    "access-control-allow-methods": methods.join(","),
  };
  const allowedHeaders = (cors.AllowHeaders ?? []).map((h) => h.toLowerCase());
  // nothing configured: no header beyond the CORS-safelisted ones is allowed
  if (allowedHeaders.length) out["access-control-allow-headers"] = allowedHeaders.join(",");
  if (cors.MaxAge != null && cors.MaxAge >= 0) out["access-control-max-age"] = String(cors.MaxAge);
  if (cors.AllowCredentials) out["access-control-allow-credentials"] = "true";
  if (cors.ExposeHeaders?.length) out["access-control-expose-headers"] = cors.ExposeHeaders.join(",");
  return out;
}

/** Replaces an integration's CORS headers with the configured ones (in place). */
export function applyCors(cors: CorsConfiguration, requestHeaders: Record<string, string>, responseHeaders: Record<string, string>): void {
  for (const name of Object.keys(responseHeaders)) if (name.startsWith("access-control-")) delete responseHeaders[name];
  const origin = requestHeaders["origin"];
  if (!origin || !originAllowed(cors, origin)) return;
  responseHeaders["access-control-allow-origin"] = allowOriginValue(cors, origin);
  if (cors.AllowCredentials) responseHeaders["access-control-allow-credentials"] = "true";
  if (cors.ExposeHeaders?.length) responseHeaders["access-control-expose-headers"] = cors.ExposeHeaders.join(",");
  if (responseHeaders["access-control-allow-origin"] !== "*") responseHeaders["vary"] = responseHeaders["vary"] ? `${responseHeaders["vary"]}, Origin` : "Origin";
}
