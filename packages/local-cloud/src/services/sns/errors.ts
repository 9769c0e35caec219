/** The errors SNS answers with (awsQuery codes; HTTP statuses as SNS sends them). */
import { AwsError } from "../../server/aws-error.js";

export const invalidParameter = (message: string) => new AwsError("InvalidParameter", `Invalid parameter: ${message}`, 400);
export const notFound = (message: string) => new AwsError("NotFound", message, 404);
export const topicNotFound = () => notFound("Topic does not exist");
export const subscriptionNotFound = () => notFound("Subscription does not exist");
export const resourceNotFound = () => new AwsError("ResourceNotFound", "Resource does not exist", 404);
/** SNS's own code for an IAM refusal. */
export const authorizationError = (message: string) => new AwsError("AuthorizationError", message, 403);
