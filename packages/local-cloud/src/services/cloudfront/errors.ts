/** CloudFront's error answers, with the codes, messages and HTTP statuses AWS uses. */
import { AwsError } from "../../server/aws-error.js";

/** The namespace of CloudFront's documents (API version 2020-05-31). */
export const XMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

export const noSuch = (what: string, message: string) => new AwsError(`NoSuch${what}`, message, 404);
export const invalidArgument = (message: string) => new AwsError("InvalidArgument", message, 400);
export const missingIfMatch = () => new AwsError("InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.", 400);
export const preconditionFailed = () =>
  new AwsError("PreconditionFailed", "The precondition given in one or more of the request-header fields evaluated to false.", 412);
export const malformedInput = (message: string) => new AwsError("MalformedInput", message, 400);

/** An update or delete must name the version it read (If-Match = the ETag it got). */
export function checkIfMatch(given: unknown, current: string): void {
  if (typeof given !== "string" || given === "") throw missingIfMatch();
  if (given !== current) throw preconditionFailed();
}
