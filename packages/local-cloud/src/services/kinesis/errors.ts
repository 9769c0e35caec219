/**
 * Kinesis errors: awsJson 1.1 `__type` codes, all HTTP 400 but the internal failure,
 * with the messages Kinesis words them in (streams are named "<name> under account <id>").
 */
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID } from "../../types.js";

export const invalidArgument = (message: string) => new AwsError("InvalidArgumentException", message, 400);
export const resourceInUse = (message: string) => new AwsError("ResourceInUseException", message, 400);
export const resourceNotFound = (message: string) => new AwsError("ResourceNotFoundException", message, 400);
export const limitExceeded = (message: string) => new AwsError("LimitExceededException", message, 400);
export const validationException = (message: string) => new AwsError("ValidationException", message, 400);

export const dryRunOperation = () => new AwsError("DryRunOperationException", "The request was rejected because the DryRun parameter was specified.", 400);

export const streamNotFound = (name: string) => resourceNotFound(`Stream ${name} under account ${ACCOUNT_ID} not found.`);

export const shardNotFound = (shardId: string, stream: string) =>
  resourceNotFound(`Shard ${shardId} in stream ${stream} under account ${ACCOUNT_ID} does not exist`);

export const throughputExceeded = (shardId: string, stream: string) =>
  new AwsError("ProvisionedThroughputExceededException", `Rate exceeded for shard ${shardId} in stream ${stream} under account ${ACCOUNT_ID}.`, 400);

export const expiredIterator = (issuedAt: number, now: number, toleratedMs: number) =>
  new AwsError(
    "ExpiredIteratorException",
    `Iterator expired. The iterator was created at time ${new Date(issuedAt).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${toleratedMs} milliseconds.`,
    400,
  );
