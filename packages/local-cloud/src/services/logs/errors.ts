/** The errors CloudWatch Logs answers with (awsJson1_1, `__type` is the bare code). */
import { AwsError } from "../../server/aws-error.js";
import { violationMessage } from "../../wire/constraints.js";

export const groupNotFound = () => new AwsError("ResourceNotFoundException", "The specified log group does not exist.", 400);
export const streamNotFound = () => new AwsError("ResourceNotFoundException", "The specified log stream does not exist.", 400);
export const invalidParameter = (message: string) => new AwsError("InvalidParameterException", message, 400);

/** A constraint violation Logs finds itself (the model cannot state it), in the framework's words. */
export function validationError(field: string, value: unknown, constraint: string): AwsError {
  return new AwsError("InvalidParameterException", violationMessage(value ?? null, field, constraint), 400);
}
