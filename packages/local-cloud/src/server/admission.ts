/**
 * What the kernel refuses before a service sees a request, besides a bad signature:
 * signatures in the query string where AWS takes none, and request bodies of a content
 * type the service's protocol does not speak. Both matter beyond fidelity: a web page
 * can send a GET or a `text/plain` POST to any address without asking first (no CORS
 * preflight), so anything that accepted those could be driven by any page.
 */
import { AwsError } from "./aws-error.js";
import type { Family } from "./kernel-errors.js";
import type { AwsResponse } from "../types.js";

/**
 * Query-string (presigned) signatures are S3's: presigned GET/PUT URLs. Elsewhere AWS's
 * documented use is STS `GetCallerIdentity` by GET (the identity proof of EKS and Vault's
 * IAM auth). Everything else must be signed in the Authorization header.
 */
export function querySignatureAccepted(service: string, method: string, query: URLSearchParams): boolean {
  if (service === "s3") return true;
  return service === "sts" && method === "GET" && query.get("Action") === "GetCallerIdentity";
}

export const QUERY_SIGNATURE_REFUSED = "query-string signatures are accepted only by S3 and by STS GetCallerIdentity; sign in the Authorization header";

/** The media types of the JSON protocols (awsJson 1.0/1.1; DynamoDB also takes plain JSON). */
const JSON_PROTOCOL_TYPES = new Set(["application/x-amz-json-1.0", "application/x-amz-json-1.1", "application/json"]);

/** The content types a page may POST anywhere without a CORS preflight (HTML forms, text). */
const SIMPLE_TYPES = new Set(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]);

function mediaType(contentType: string): string {
  const semi = contentType.indexOf(";");
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * The answer to a body whose content type its protocol refuses, or undefined. The JSON
 * protocols answer as DynamoDB does: 404 `<UnknownOperationException/>` for a body that
 * is not `application/x-amz-json-1.x` or `application/json`. REST-JSON services (Lambda,
 * API Gateway's management API) answer 415 `UnsupportedMediaTypeException` for the form
 * and text types a page could send without a preflight.
 */
export function contentTypeRefusal(family: Family, headers: Record<string, string>, bodyLength: number): AwsResponse | AwsError | undefined {
  if (bodyLength === 0) return undefined;
  const type = headers["content-type"];
  if (family === "json") {
    // The SDKs' exact value first: this runs on every DynamoDB request.
    if (type === "application/x-amz-json-1.0" || type === "application/x-amz-json-1.1") return undefined;
    if (type !== undefined && JSON_PROTOCOL_TYPES.has(mediaType(type))) return undefined;
    return { status: 404, headers: { "content-type": "application/xml" }, body: "<UnknownOperationException/>\n" };
  }
  if (family === "rest-json" && type !== undefined && SIMPLE_TYPES.has(mediaType(type))) {
    return new AwsError("UnsupportedMediaTypeException", `The content type ${mediaType(type)} is not supported by this operation; send application/json.`, 415);
  }
  return undefined;
}

/**
 * A CORS preflight: OPTIONS with Access-Control-Request-Method. Browsers never sign one
 * (any signature in its URL belongs to the request it precedes), so it is answered
 * before signatures are read.
 */
export function isPreflight(method: string, headers: Record<string, string>): boolean {
  return method === "OPTIONS" && headers["access-control-request-method"] !== undefined;
}

/** A preflight for a JSON-protocol API: the page means to send X-Amz-Target. */
export function preflightsJsonApi(headers: Record<string, string>): boolean {
  return /(^|[\s,])x-amz-target([\s,]|$)/i.test(headers["access-control-request-headers"] ?? "");
}

/**
 * The JSON APIs answer every origin's preflight, as DynamoDB does (browser apps call
 * them with their own, non-admin credentials; the admin key is refused to pages anyway).
 */
export function jsonPreflightAnswer(headers: Record<string, string>): AwsResponse {
  return {
    status: 200,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": headers["access-control-request-method"] ?? "POST",
      "access-control-allow-headers": headers["access-control-request-headers"] ?? "",
      "access-control-max-age": "172800",
      "content-length": "0",
    },
    body: "",
  };
}

/** What a JSON API adds to an answer to a page, so the page may read it (errors included). */
export const JSON_API_CORS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "x-amzn-requestid,x-amzn-errortype,x-amz-crc32,x-amz-id-2",
});
