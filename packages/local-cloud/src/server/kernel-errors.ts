/**
 * Errors the kernel itself answers (bad or missing signature, unknown service)
 * before any service sees the request, in the wire shape the caller's protocol expects.
 */
import { AwsError } from "./aws-error.js";
import { escapeXml } from "./xml.js";
import { jsonErrorResponse } from "./protocols/json.js";
import { queryErrorResponse } from "./protocols/query.js";
import type { AwsResponse } from "../types.js";
import type { SignatureProblem } from "./sigv4.js";

export type Family = "json" | "rest-json" | "s3" | "query";

/**
 * The protocol family of a request the kernel refuses before its signature is read:
 * from the service its credential scope names (header or query string); an unsigned
 * request would be S3's.
 */
export function familyOfUnread(headers: Record<string, string>, query: URLSearchParams): Family {
  const credential = headers.authorization ?? query.get("X-Amz-Credential");
  const service = credential === null || credential === undefined ? "s3" : /\/[^/]*\/[^/]*\/([^/]*)\/aws4_request/.exec(credential)?.[1] ?? "";
  return protocolFamily(service, headers);
}

export function protocolFamily(service: string, headers: Record<string, string>): Family {
  if (headers["x-amz-target"]) return "json";
  if (service === "s3") return "s3";
  if (service === "lambda" || service === "apigateway" || service === "execute-api") return "rest-json";
  return "query";
}

export function s3ErrorBody(err: AwsError, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code>` +
    `<Message>${escapeXml(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`
  );
}

export function kernelErrorResponse(err: AwsError, family: Family, requestId: string): AwsResponse {
  switch (family) {
    case "json":
      return jsonErrorResponse(err, { typePrefix: "com.amazon.coral.service#", contentType: "application/x-amz-json-1.0" });
    case "rest-json":
      return {
        status: err.status,
        headers: { "content-type": "application/json", "x-amzn-errortype": err.code },
        body: JSON.stringify({ message: err.message }),
      };
    case "s3":
      return { status: err.status, headers: { "content-type": "application/xml" }, body: s3ErrorBody(err, requestId) };
    case "query":
      return queryErrorResponse(err, requestId);
  }
}

const MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/** The error AWS gives for an access key it does not know. */
export function unknownKeyError(family: Family): AwsError {
  if (family === "s3") return new AwsError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", 403);
  if (family === "query") return new AwsError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
  if (family === "rest-json") return new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", 403);
  return new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.", 400);
}

export function signatureError(problem: SignatureProblem, family: Family): AwsError {
  const s3 = family === "s3";
  switch (problem.kind) {
    case "mismatch":
      if (s3 || family === "query") return new AwsError("SignatureDoesNotMatch", MISMATCH, 403);
      return new AwsError("InvalidSignatureException", MISMATCH, family === "rest-json" ? 403 : 400);
    case "expired":
    case "not-yet-valid":
      return s3 ? new AwsError("AccessDenied", problem.message, 403) : new AwsError("ExpiredTokenException", problem.message, 403);
    case "skewed":
      return s3
        ? new AwsError("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", 403)
        : new AwsError("InvalidSignatureException", problem.message, family === "json" ? 400 : 403);
    case "malformed":
      return s3
        ? new AwsError("AuthorizationQueryParametersError", problem.message, 400)
        : new AwsError("IncompleteSignature", problem.message, 400);
  }
}

/** The error AWS gives a request that carries no (acceptable) signature. */
export function missingAuthError(family: Family, why?: string): AwsError {
  const suffix = why ? ` (${why})` : "";
  if (family === "s3") return new AwsError("AccessDenied", `Access Denied${suffix}`, 403);
  if (family === "json") return new AwsError("MissingAuthenticationTokenException", `Request is missing Authentication Token${suffix}`, 400);
  if (family === "rest-json") return new AwsError("MissingAuthenticationTokenException", `Missing Authentication Token${suffix}`, 403);
  return new AwsError("MissingAuthenticationToken", `Request is missing Authentication Token${suffix}`, 403);
}
