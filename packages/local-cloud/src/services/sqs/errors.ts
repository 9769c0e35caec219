/**
 * SQS errors. The JSON protocol names them by shape (`__type`
 * com.amazonaws.sqs#QueueDoesNotExist) and carries the legacy query-protocol code in
 * `x-amzn-query-error` (AWS.SimpleQueueService.NonExistentQueue;Sender); the query
 * protocol answers with the legacy code alone. `extra.queryErrorCode` holds it.
 */
import { AwsError } from "../../server/aws-error.js";

function sqsError(code: string, message: string, status: number, queryCode = code): AwsError {
  return new AwsError(code, message, status, { queryErrorCode: queryCode });
}

/** The code the query protocol (and the x-amzn-query-error header) uses. */
export function queryCodeOf(err: AwsError): string {
  return typeof err.extra.queryErrorCode === "string" ? err.extra.queryErrorCode : err.code;
}

export const queueDoesNotExist = () => sqsError("QueueDoesNotExist", "The specified queue does not exist.", 400, "AWS.SimpleQueueService.NonExistentQueue");
export const queueNameExists = (message: string) => sqsError("QueueNameExists", message, 400, "QueueAlreadyExists");
export const invalidAttributeName = (message: string) => sqsError("InvalidAttributeName", message, 400);
export const invalidAttributeValue = (message: string) => sqsError("InvalidAttributeValue", message, 400);
export const invalidParameterValue = (message: string) => sqsError("InvalidParameterValueException", message, 400, "InvalidParameterValue");
export const missingParameter = (name: string) =>
  sqsError("MissingParameter", `The request must contain the parameter ${name}.`, 400, "MissingParameter");
export const receiptHandleIsInvalid = (handle: string) =>
  sqsError("ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`, 404);
export const messageNotInflight = () => sqsError("MessageNotInflight", "Message does not exist or is not available for visibility timeout change.", 400, "AWS.SimpleQueueService.MessageNotInflight");
export const purgeQueueInProgress = (name: string) =>
  sqsError("PurgeQueueInProgress", `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`, 403, "AWS.SimpleQueueService.PurgeQueueInProgress");
export const invalidMessageContents = () =>
  sqsError("InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF", 400);
export const emptyBatchRequest = (entry: string) =>
  sqsError("EmptyBatchRequest", `There should be at least one ${entry} in the request.`, 400, "AWS.SimpleQueueService.EmptyBatchRequest");
export const tooManyEntries = (n: number) =>
  sqsError("TooManyEntriesInBatchRequest", `Maximum number of entries per request are 10. You have sent ${n}.`, 400, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest");
export const batchIdsNotDistinct = (id: string) => sqsError("BatchEntryIdsNotDistinct", `Id ${id} repeated.`, 400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct");
export const invalidBatchEntryId = () =>
  sqsError("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.", 400, "AWS.SimpleQueueService.InvalidBatchEntryId");
export const batchRequestTooLong = (size: number, max: number) =>
  sqsError("BatchRequestTooLong", `Batch requests cannot be longer than ${max} bytes. You have sent ${size} bytes.`, 400, "AWS.SimpleQueueService.BatchRequestTooLong");
export const accessDenied = (message: string) => sqsError("AccessDeniedException", message, 403, "AccessDenied");
export const unsupportedOperation = (message: string) => sqsError("UnsupportedOperation", message, 400, "AWS.SimpleQueueService.UnsupportedOperation");
