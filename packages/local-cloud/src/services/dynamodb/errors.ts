/**
 * DynamoDB's error shapes. The JSON `__type` prefix depends on which layer of DynamoDB's
 * service framework raised the error, so it is chosen per code (see typePrefix).
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

/** Codes raised by the "coral" request framework rather than DynamoDB itself. */
const CORAL_VALIDATE = new Set(["ValidationException"]);
const CORAL_SERVICE = new Set([
  "SerializationException",
  "UnknownOperationException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "MissingAuthenticationTokenException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
]);

export function typePrefix(code: string): string {
  if (CORAL_VALIDATE.has(code)) return "com.amazon.coral.validate#";
  if (CORAL_SERVICE.has(code)) return "com.amazon.coral.service#";
  return "com.amazonaws.dynamodb.v20120810#";
}
