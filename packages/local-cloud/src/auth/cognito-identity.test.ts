import { test } from "node:test";
import assert from "node:assert/strict";
import { cognitoCaller } from "./cognito-identity.js";

test("a signed-in identity names its pool and login providers; a guest is unauthenticated; anyone else has nulls", () => {
  const provider = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC";
  assert.deepEqual(cognitoCaller({ identityId: "us-east-1:i", identityPoolId: "us-east-1:p", amr: ["authenticated", provider, `${provider}:CognitoSignIn:s`] }), {
    identityId: "us-east-1:i", identityPoolId: "us-east-1:p", authenticationType: "authenticated", authenticationProvider: `${provider},${provider}:CognitoSignIn:s`,
  });
  assert.deepEqual(cognitoCaller({ identityId: "us-east-1:g", identityPoolId: "us-east-1:p", amr: ["unauthenticated"] }), {
    identityId: "us-east-1:g", identityPoolId: "us-east-1:p", authenticationType: "unauthenticated", authenticationProvider: null,
  });
  assert.deepEqual(cognitoCaller(undefined), { identityId: null, identityPoolId: null, authenticationType: null, authenticationProvider: null });
});
