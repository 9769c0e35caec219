/**
 * S3's errors: codes, statuses and messages as S3 words them, and their XML wire
 * shape (`<Error><Code/><Message/>…<RequestId/></Error>`; HEAD answers carry no body).
 */
import { AwsError } from "../../server/aws-error.js";
import { restXmlErrorDocument } from "../../wire/codecs/rest-xml.js";
import type { AwsResponse } from "../../types.js";

export const noSuchBucket = (bucket: string) =>
  new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket });
export const noSuchKey = (key: string) => new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key });
export const noSuchUpload = (uploadId: string) =>
  new AwsError(
    "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    404,
    { UploadId: uploadId },
  );
export const accessDenied = () => new AwsError("AccessDenied", "Access Denied", 403);
export const invalidArgument = (message: string, name?: string, value?: string) =>
  new AwsError("InvalidArgument", message, 400, name ? { ArgumentName: name, ArgumentValue: value ?? "" } : {});
export const invalidRequest = (message: string) => new AwsError("InvalidRequest", message, 400);
export const malformedXml = () =>
  new AwsError(
    "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema",
    400,
  );
export const preconditionFailed = (condition: string) =>
  new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, {
    Condition: condition,
  });
/** 304 is not an error to HTTP, but the SDK surfaces it as one ("NotModified"). */
export const notModified = (etag?: string, lastModified?: string) =>
  new AwsError("NotModified", "Not Modified", 304, { ETag: etag, LastModified: lastModified });
export const badDigest = (algorithm: string) =>
  new AwsError("BadDigest", `The ${algorithm} you specified did not match the calculated checksum.`, 400);
export const methodNotAllowed = (method: string, resourceType: string) =>
  new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, {
    Method: method,
    ResourceType: resourceType,
  });

/** Serialize an error the way S3 does; HEAD responses have status and headers only. */
export function s3ErrorResponse(err: AwsError, requestId: string, method: string, headers: Record<string, string> = {}): AwsResponse {
  const base: Record<string, string> = {
    "x-amz-request-id": requestId,
    "x-amz-id-2": Buffer.from(requestId).toString("base64"),
    ...headers,
  };
  if (err.status === 304) {
    // A 304 carries the validators of the current representation.
    if (err.extra.ETag) base.etag = String(err.extra.ETag);
    if (err.extra.LastModified) base["last-modified"] = String(err.extra.LastModified);
  }
  if (method === "HEAD" || err.status === 304) return { status: err.status, headers: { ...base, "content-length": "0" } };
  const body = restXmlErrorDocument(err, requestId, `<HostId>${base["x-amz-id-2"]}</HostId>`);
  return { status: err.status, headers: { ...base, "content-type": "application/xml" }, body };
}
