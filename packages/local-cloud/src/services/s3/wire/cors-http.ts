/**
 * CORS over HTTP: answering preflight OPTIONS requests from the bucket's CORS rules,
 * and the Access-Control-* headers added to actual responses for a matching Origin.
 */
import { AwsError } from "../../../server/aws-error.js";
import type { AwsResponse } from "../../../types.js";
import type { S3Context } from "../context.js";
import {
  CORS_NOT_ALLOWED,
  CORS_NOT_ENABLED,
  corsForbidden,
  corsResponseHeaders,
  findCorsRule,
  parseRequestHeaderList,
  type CorsConfiguration,
} from "../cors.js";
import { noSuchBucket } from "../errors.js";
import type { WireRequest } from "./request.js";

export function answerPreflight(c: S3Context, w: WireRequest): AwsResponse {
  const origin = w.headers.origin;
  if (w.bucket === undefined) throw new AwsError("BadRequest", "Insufficient information. Bucket name needed.", 400);
  if (!origin) throw new AwsError("BadRequest", "Insufficient information. Origin request header needed.", 400);
  const method = w.headers["access-control-request-method"];
  if (!method) throw new AwsError("BadRequest", `Invalid Access-Control-Request-Method: null`, 400);
  if (!c.store.getBucket(w.bucket)) throw noSuchBucket(w.bucket);
  const resourceType = w.key === undefined ? "BUCKET" : "OBJECT";
  const config = c.store.getConfig<CorsConfiguration>(w.bucket, "cors");
  if (!config) throw corsForbidden(CORS_NOT_ENABLED, method, resourceType);
  const requested = parseRequestHeaderList(w.headers["access-control-request-headers"]);
  const rule = findCorsRule(config, origin, method, requested);
  if (!rule) throw corsForbidden(CORS_NOT_ALLOWED, method, resourceType);
  return { status: 200, headers: { ...corsResponseHeaders(rule, origin, requested), "content-length": "0" } };
}

/** CORS headers for a non-preflight request whose Origin a rule allows; {} otherwise. */
export function actualCorsHeaders(c: S3Context, w: WireRequest): Record<string, string> {
  const origin = w.headers.origin;
  if (!origin || w.bucket === undefined) return {};
  try {
    const config = c.store.getConfig<CorsConfiguration>(w.bucket, "cors");
    const rule = config && findCorsRule(config, origin, w.method);
    return rule ? corsResponseHeaders(rule, origin) : {};
  } catch {
    return {};
  }
}
