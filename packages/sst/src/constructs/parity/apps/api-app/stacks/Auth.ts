import { Cognito, Function, StackContext } from "sst/constructs";

export function Auth({ stack }: StackContext) {
  const authorizer = new Function(stack, "Authorizer", { handler: "packages/functions/src/authorizer.handler" });
  // SST v2's api-auth-cognito example, with a trigger and a federated provider.
  const auth = new Cognito(stack, "Auth", {
    login: ["email"],
    triggers: { preSignUp: "packages/functions/src/authorizer.handler" },
    identityPoolFederation: { google: { clientId: "google-client-id" } },
  });
  auth.attachPermissionsForTriggers(["ses"]);
  stack.addOutputs({ UserPoolId: auth.userPoolId, IdentityPoolId: auth.cognitoIdentityPoolId, UserPoolClientId: auth.userPoolClientId });
  return { authorizer, auth };
}
