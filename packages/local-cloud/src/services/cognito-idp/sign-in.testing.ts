/**
 * For tests: sign a user in to a local user pool the way a browser app does, with
 * amazon-cognito-identity-js over SRP (unsigned requests to the local cloud's endpoint).
 */
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from "amazon-cognito-identity-js";

export function signInWithSrp(endpoint: string, userPoolId: string, clientId: string, username: string, password: string): Promise<CognitoUserSession> {
  const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint: endpoint.replace(/\/?$/, "/") });
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise((resolve, reject) =>
    user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), { onSuccess: resolve, onFailure: reject, newPasswordRequired: () => reject(new Error("a new password is required")) }));
}
