/** The errors EventBridge answers with (awsJson1_1 `__type` codes). */
import { AwsError } from "../../server/aws-error.js";

export const validation = (message: string) => new AwsError("ValidationException", message, 400);
export const notFound = (message: string) => new AwsError("ResourceNotFoundException", message, 400);
export const alreadyExists = (message: string) => new AwsError("ResourceAlreadyExistsException", message, 400);
export const invalidPattern = (message: string) => new AwsError("InvalidEventPatternException", `Event pattern is not valid. Reason: ${message}`, 400);
export const accessDenied = (message: string) => new AwsError("AccessDeniedException", message, 400);
