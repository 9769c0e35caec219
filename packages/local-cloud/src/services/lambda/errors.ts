/**
 * Lambda's error wire shape (rest-json): status, `x-amzn-ErrorType: <code>` and a body
 * `{"Type":"User","message":"…"}` ("Service" for 5xx), plus the common errors.
 */
import { AwsError } from "../../server/aws-error.js";
import type { AwsResponse } from "../../types.js";

export function functionNotFound(arn: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Function not found: ${arn}`, 404);
}

export function invalidParameter(message: string): AwsError {
  return new AwsError("InvalidParameterValueException", message, 400);
}

export function conflict(message: string): AwsError {
  return new AwsError("ResourceConflictException", message, 409);
}

export function tooLarge(limit: number, operation: string): AwsError {
  return new AwsError("RequestTooLargeException", `Request must be smaller than ${limit} bytes for the ${operation} operation`, 413);
}

export function lambdaErrorResponse(err: AwsError, requestId: string): AwsResponse {
  const body: Record<string, unknown> = { Type: err.status >= 500 ? "Service" : "User", message: err.message, ...err.extra };
  return {
    status: err.status,
    headers: {
      "content-type": "application/json",
      "x-amzn-errortype": err.code,
      "x-amzn-requestid": requestId,
    },
    body: JSON.stringify(body),
  };
}
