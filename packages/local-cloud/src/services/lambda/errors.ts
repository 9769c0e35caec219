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

/** The JSON body of Lambda's errors: `{"Type": "User" | "Service", "message": …}`. */
export function lambdaErrorBody(err: AwsError): Record<string, unknown> {
  return { Type: err.status >= 500 ? "Service" : "User", message: err.message, ...err.extra };
}

/** An error of the function URL data plane, in Lambda's shape (unexpected ones a 500). */
export function lambdaErrorResponse(err: unknown, requestId: string): AwsResponse {
  const e = err instanceof AwsError ? err : new AwsError("ServiceException", `An internal error occurred: ${err instanceof Error ? err.message : String(err)}`, 500);
  return {
    status: e.status,
    headers: { "content-type": "application/json", "x-amzn-errortype": e.code, "x-amzn-requestid": requestId },
    body: JSON.stringify(lambdaErrorBody(e)),
  };
}
