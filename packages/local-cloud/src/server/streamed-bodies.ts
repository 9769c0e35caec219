/**
 * Which request bodies are not collected into memory but handed to the service as a
 * stream: S3 uploads (PUT) over a megabyte or of unknown length (Transfer-Encoding:
 * chunked), which S3 writes to disk as they arrive (services/s3/wire/streamed-upload.ts).
 * Only uploads whose signature does not need the body's hash qualify: presigned,
 * unsigned, or carrying x-amz-content-sha256 (which S3 checks against the body itself).
 */
import { ALWAYS_ACCEPTED_BODY, signingNameOf } from "./body-limits.js";

export const STREAMED_BODY_MIN = ALWAYS_ACCEPTED_BODY;

/** @param contentLength undefined when the body's length is not declared (chunked). */
export function streamsBody(method: string, url: string, headers: Record<string, string>, contentLength: number | undefined): boolean {
  if (method !== "PUT" || url.startsWith("/_aws/") || headers["x-amz-target"] !== undefined) return false;
  if (contentLength !== undefined && contentLength <= STREAMED_BODY_MIN) return false;
  if (headers.authorization !== undefined && headers["x-amz-content-sha256"] === undefined) return false;
  return signingNameOf(url, headers) === "s3";
}
