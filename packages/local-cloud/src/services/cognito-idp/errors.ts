/** Cognito's errors as AWS words them (all 400 but InternalErrorException). */
import { AwsError } from "../../server/aws-error.js";

export const invalidParameter = (message: string) => new AwsError("InvalidParameterException", message);
export const notAuthorized = (message = "Incorrect username or password.") => new AwsError("NotAuthorizedException", message);
export const poolNotFound = (id: string) => new AwsError("ResourceNotFoundException", `User pool ${id} does not exist.`);
export const clientNotFound = (id: string) => new AwsError("ResourceNotFoundException", `User pool client ${id} does not exist.`);
export const userNotFound = () => new AwsError("UserNotFoundException", "User does not exist.");
export const userNotConfirmed = () => new AwsError("UserNotConfirmedException", "User is not confirmed.");
export const codeMismatch = () => new AwsError("CodeMismatchException", "Invalid verification code provided, please try again.");
export const expiredCode = () => new AwsError("ExpiredCodeException", "Invalid code provided, please request a code again.");
export const invalidPassword = (message: string) => new AwsError("InvalidPasswordException", message);
export const groupNotFound = () => new AwsError("ResourceNotFoundException", "Group not found.");
