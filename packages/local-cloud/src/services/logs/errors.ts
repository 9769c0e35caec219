/** The errors CloudWatch Logs answers with (awsJson1_1, `__type` is the bare code). */
import { AwsError } from "../../server/aws-error.js";

export const groupNotFound = () => new AwsError("ResourceNotFoundException", "The specified log group does not exist.", 400);
export const streamNotFound = () => new AwsError("ResourceNotFoundException", "The specified log stream does not exist.", 400);
export const invalidParameter = (message: string) => new AwsError("InvalidParameterException", message, 400);

/** AWS's wording for a constraint violation of one member. */
export function validationError(field: string, value: unknown, constraint: string): AwsError {
  const shown = value === undefined || value === null ? "null" : `'${String(value)}'`;
  return new AwsError("InvalidParameterException", `1 validation error detected: Value ${shown} at '${field}' failed to satisfy constraint: ${constraint}`, 400);
}
