/**
 * How API Gateway and AppSync show the caller of an IAM-authorized request whose
 * credentials a Cognito identity pool handed out: its identity and pool, whether it signed
 * in, and the login providers (`cognito-idp.<region>.amazonaws.com/<poolId>,…:CognitoSignIn:<sub>`).
 */
import type { WebIdentity } from "../types.js";

export interface CognitoCaller {
  identityId: string | null;
  identityPoolId: string | null;
  authenticationType: "authenticated" | "unauthenticated" | null;
  authenticationProvider: string | null;
}

export function cognitoCaller(web: WebIdentity | undefined): CognitoCaller {
  if (!web) return { identityId: null, identityPoolId: null, authenticationType: null, authenticationProvider: null };
  const signedIn = web.amr.includes("authenticated");
  const providers = web.amr.filter((a) => a !== "authenticated" && a !== "unauthenticated");
  return {
    identityId: web.identityId,
    identityPoolId: web.identityPoolId,
    authenticationType: signedIn ? "authenticated" : "unauthenticated",
    authenticationProvider: providers.length ? providers.join(",") : null,
  };
}
