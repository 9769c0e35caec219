/**
 * A response headers policy applied to a response on its way to the viewer: CORS
 * headers for requests that carry an Origin, security headers, custom headers (each
 * kept from the origin unless Override), and headers to remove.
 */
import type { ViewerRequest } from "./forwarding.js";
import type { EdgeResponse } from "./function-events.js";

const items = (x: any): any[] => (Array.isArray(x?.Items) ? x.Items : []);

function set(res: EdgeResponse, name: string, value: string, override: boolean): void {
  const key = name.toLowerCase();
  if (!override && res.headers[key] !== undefined) return;
  res.headers[key] = value;
}

export function applyResponseHeadersPolicy(policy: any, viewer: ViewerRequest, res: EdgeResponse): void {
  const cors = policy.CorsConfig;
  const origin = viewer.headers.origin;
  if (cors && origin) {
    const origins: string[] = items(cors.AccessControlAllowOrigins);
    const allowed = origins.includes("*") || origins.includes(origin);
    if (allowed) {
      const o = !!cors.OriginOverride;
      set(res, "access-control-allow-origin", origins.includes("*") && !cors.AccessControlAllowCredentials ? "*" : origin, o);
      if (cors.AccessControlAllowCredentials) set(res, "access-control-allow-credentials", "true", o);
      const expose = items(cors.AccessControlExposeHeaders);
      if (expose.length) set(res, "access-control-expose-headers", expose.join(","), o);
      if (viewer.method === "OPTIONS") {
        set(res, "access-control-allow-methods", items(cors.AccessControlAllowMethods).join(","), o);
        const headers = items(cors.AccessControlAllowHeaders);
        if (headers.length) set(res, "access-control-allow-headers", headers.includes("*") ? viewer.headers["access-control-request-headers"] ?? "*" : headers.join(","), o);
        if (cors.AccessControlMaxAgeSec !== undefined) set(res, "access-control-max-age", String(cors.AccessControlMaxAgeSec), o);
      }
    }
  }
  const sec = policy.SecurityHeadersConfig;
  if (sec) {
    if (sec.ContentTypeOptions) set(res, "x-content-type-options", "nosniff", !!sec.ContentTypeOptions.Override);
    if (sec.FrameOptions) set(res, "x-frame-options", sec.FrameOptions.FrameOption, !!sec.FrameOptions.Override);
    if (sec.ReferrerPolicy) set(res, "referrer-policy", sec.ReferrerPolicy.ReferrerPolicy, !!sec.ReferrerPolicy.Override);
    if (sec.ContentSecurityPolicy) set(res, "content-security-policy", sec.ContentSecurityPolicy.ContentSecurityPolicy, !!sec.ContentSecurityPolicy.Override);
    const hsts = sec.StrictTransportSecurity;
    if (hsts) {
      const v = `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? "; includeSubDomains" : ""}${hsts.Preload ? "; preload" : ""}`;
      set(res, "strict-transport-security", v, !!hsts.Override);
    }
    const xss = sec.XSSProtection;
    if (xss) {
      const v = xss.Protection ? `1${xss.ModeBlock ? "; mode=block" : ""}${xss.ReportUri ? `; report=${xss.ReportUri}` : ""}` : "0";
      set(res, "x-xss-protection", v, !!xss.Override);
    }
  }
  for (const h of items(policy.CustomHeadersConfig)) set(res, h.Header, h.Value, !!h.Override);
  for (const h of items(policy.RemoveHeadersConfig)) delete res.headers[String(h.Header).toLowerCase()];
}
