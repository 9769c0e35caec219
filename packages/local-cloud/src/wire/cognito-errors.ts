/**
 * The error set both Cognito APIs (user pools and identity pools) answer the wire layer's
 * refusals with. (Which of their operations are taken unsigned: kernel/operation-service.ts.)
 */
import { AwsError } from "../server/aws-error.js";
import { jsonServiceErrors } from "./json-service-errors.js";
import type { ServiceErrors } from "./operations.js";

/** Cognito's errors for what the wire layer refuses (both Cognito APIs word them alike). */
export const COGNITO_SERVICE_ERRORS: ServiceErrors = jsonServiceErrors(
  { validation: "InvalidParameterException", internal: "InternalErrorException" },
  { accessDenied: (message) => new AwsError("AccessDeniedException", message, 400) },
);
