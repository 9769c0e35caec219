/**
 * Bucket CORS: matching a request against the bucket's CORSRules the way S3 does
 * (first rule whose origin, method and — for preflights — every requested header
 * match) and the Access-Control-* headers S3 answers with.
 */
import { AwsError } from "../../server/aws-error.js";
import { wildcardMatch } from "../../iam/wildcard.js";

export interface CorsRule {
  ID?: string;
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

export interface CorsConfiguration {
  CORSRules: CorsRule[];
}

const METHODS = new Set(["GET", "PUT", "HEAD", "POST", "DELETE"]);

export function validateCorsConfiguration(config: any): CorsConfiguration {
  const rules = config?.CORSRules;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
  }
  if (rules.length > 100) throw new AwsError("InvalidRequest", "The number of CORS rules should not exceed allowed limit of 100 rules.", 400);
  return {
    CORSRules: rules.map((r: any) => {
      const origins = (r?.AllowedOrigins ?? []).map(String);
      const methods = (r?.AllowedMethods ?? []).map(String);
      if (origins.length === 0 || methods.length === 0) {
        throw new AwsError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
      }
      for (const m of methods) {
        if (!METHODS.has(m)) {
          throw new AwsError("InvalidRequest", `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`, 400);
        }
      }
      for (const o of origins) {
        if ((o.match(/\*/g) ?? []).length > 1) {
          throw new AwsError("InvalidRequest", `AllowedOrigin "${o}" can not have more than one wildcard.`, 400);
        }
      }
      const rule: CorsRule = { AllowedOrigins: origins, AllowedMethods: methods };
      if (r.ID !== undefined) rule.ID = String(r.ID);
      if (r.AllowedHeaders?.length) rule.AllowedHeaders = r.AllowedHeaders.map(String);
      if (r.ExposeHeaders?.length) rule.ExposeHeaders = r.ExposeHeaders.map(String);
      if (r.MaxAgeSeconds !== undefined && r.MaxAgeSeconds !== null) rule.MaxAgeSeconds = Number(r.MaxAgeSeconds);
      return rule;
    }),
  };
}

export function findCorsRule(
  config: CorsConfiguration | undefined,
  origin: string,
  method: string,
  requestHeaders: string[] = [],
): CorsRule | undefined {
  for (const rule of config?.CORSRules ?? []) {
    if (!rule.AllowedOrigins.some((o) => wildcardMatch(o, origin))) continue;
    if (!rule.AllowedMethods.includes(method)) continue;
    const allowed = rule.AllowedHeaders ?? [];
    if (!requestHeaders.every((h) => allowed.some((a) => wildcardMatch(a, h, true)))) continue;
    return rule;
  }
  return undefined;
}

/** Headers for a matched rule; `requestHeaders` are echoed on preflights. */
export function corsResponseHeaders(rule: CorsRule, origin: string, requestHeaders?: string[]): Record<string, string> {
  const anyOrigin = rule.AllowedOrigins.includes("*");
  const headers: Record<string, string> = {
    "access-control-allow-origin": anyOrigin ? "*" : origin,
    "access-control-allow-methods": rule.AllowedMethods.join(", "),
    vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
  };
  if (!anyOrigin) headers["access-control-allow-credentials"] = "true";
  if (requestHeaders && requestHeaders.length) headers["access-control-allow-headers"] = requestHeaders.join(", ");
  if (rule.ExposeHeaders?.length) headers["access-control-expose-headers"] = rule.ExposeHeaders.join(", ");
  if (rule.MaxAgeSeconds !== undefined) headers["access-control-max-age"] = String(rule.MaxAgeSeconds);
  return headers;
}

export function parseRequestHeaderList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

export function corsForbidden(message: string, method: string, resourceType: "BUCKET" | "OBJECT"): AwsError {
  return new AwsError("AccessForbidden", message, 403, { Method: method, ResourceType: resourceType });
}

export const CORS_NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket.";
export const CORS_NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";
