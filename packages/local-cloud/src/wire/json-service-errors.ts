/**
 * The error set most awsJson services answer the wire layer's refusals with: an unknown
 * target is `UnknownOperationException` with no message, an unreadable body a
 * `SerializationException`, both 400; only the names of the validation error and of the
 * 500 differ from one service to the next.
 */
import { AwsError } from "../server/aws-error.js";
import type { ServiceErrors } from "./operations.js";

export function jsonServiceErrors(codes: { validation: string; internal: string }, more: Partial<ServiceErrors> = {}): ServiceErrors {
  return {
    validation: (message) => new AwsError(codes.validation, message, 400),
    unknownOperation: () => new AwsError("UnknownOperationException", "", 400),
    malformedBody: (message) => new AwsError("SerializationException", message, 400),
    internal: (err) => new AwsError(codes.internal, String((err as Error)?.message ?? err), 500),
    ...more,
  };
}
