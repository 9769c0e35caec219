/**
 * What JSON services whose users call some operations before they have credentials
 * (Cognito's user pools and identity pools) share: which X-Amz-Target values they take
 * unsigned — the operations declared with `iam: "none"` — and the error set both answer with.
 */
import { AwsError } from "../server/aws-error.js";
import type { OperationSpec, ServiceErrors } from "./operations.js";

/** A test for an X-Amz-Target: `<prefix><Operation>` of an operation AWS serves unsigned. */
export function unsignedTargets<C>(targetPrefix: string, operations: Record<string, Pick<OperationSpec<C, any>, "iam">>): (target: string | undefined) => boolean {
  const names = new Set(Object.entries(operations).filter(([, spec]) => spec.iam === "none").map(([name]) => name));
  return (target) => target !== undefined && target.startsWith(targetPrefix) && names.has(target.slice(targetPrefix.length));
}

/** Cognito's errors for what the wire layer refuses (both Cognito APIs word them alike). */
export const COGNITO_SERVICE_ERRORS: ServiceErrors = {
  validation: (message) => new AwsError("InvalidParameterException", message, 400),
  unknownOperation: () => new AwsError("UnknownOperationException", "", 400),
  malformedBody: (message) => new AwsError("SerializationException", message, 400),
  accessDenied: (message) => new AwsError("AccessDeniedException", message, 400),
  internal: (err) => new AwsError("InternalErrorException", String((err as Error)?.message ?? err), 500),
};
