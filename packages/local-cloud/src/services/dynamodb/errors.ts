/**
 * DynamoDB's errors. (Their JSON `__type` prefix is chosen per code: wire-rules.ts.)
 */
import { AwsError } from "../../server/aws-error.js";

export { AwsError };

export function validation(message: string): AwsError {
  return new AwsError("ValidationException", message, 400);
}

export function resourceNotFound(message = "Requested resource not found"): AwsError {
  return new AwsError("ResourceNotFoundException", message, 400);
}

export function tableNotFound(name: string): AwsError {
  return resourceNotFound(`Requested resource not found: Table: ${name} not found`);
}

export function resourceInUse(message: string): AwsError {
  return new AwsError("ResourceInUseException", message, 400);
}

export function conditionalCheckFailed(item?: Record<string, unknown>): AwsError {
  return new AwsError("ConditionalCheckFailedException", "The conditional request failed", 400, item ? { Item: item } : {});
}
