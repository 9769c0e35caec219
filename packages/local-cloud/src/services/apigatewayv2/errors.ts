/** The errors API Gateway v2's management API answers with. */
import { AwsError } from "../../server/aws-error.js";
import { ACCOUNT_ID } from "../../types.js";

export const notFound = (what: string, id: string) =>
  new AwsError("NotFoundException", `Invalid ${what} identifier specified ${ACCOUNT_ID}:${id}`, 404);

export const badRequest = (message: string) => new AwsError("BadRequestException", message, 400);

export const conflict = (message: string) => new AwsError("ConflictException", message, 409);
