/**
 * An SST `Auth` handler signing users in through a local user pool's hosted UI: the app's
 * `OauthAdapter` (SST v2's code flow with PKCE and a client secret) is given the issuer
 * discovered from the pool domain's local URL; the user signs in on the hosted UI's form;
 * the callback exchanges the code, openid-client verifies the pool's ID token, and the app
 * answers with a session for the Cognito user. Errors from the hosted UI (a scope the
 * client is not allowed) come back to the callback as OAuth errors.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand, CreateUserPoolDomainCommand, AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { custom, Issuer } from "openid-client";
import { startTestCloud, type TestCloud } from "../../../../local-cloud/src/testing.js";
import { loopbackLookup, signInThroughForm } from "../../../../local-cloud/src/services/cognito-idp/hosted-ui/hosted-ui.testing.js";
import { AuthBrowser } from "../../../../../tests/helpers/auth-browser.js";
import { generateAuthKeyPair } from "../../custom-resources/auth-keys.js";
import { setAuthBinding } from "./keys.js";
import { AuthHandler, OauthAdapter, Session } from "./index.js";

const API_ID = "cog1234567";
const ENDPOINT = "http://127.0.0.1:4570";
const API = `${ENDPOINT}/_aws/execute-api/${API_ID}`;
const SITE = "http://site.test/signed-in";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let handler: ReturnType<typeof AuthHandler>;
let poolId: string;

before(async () => {
  tc = await startTestCloud();
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  // Function code reaches *.localhost through the local Lambda's resolver; in this process, through openid-client's.
  custom.setHttpOptionsDefaults({ lookup: loopbackLookup });
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "sst-auth" }));
  poolId = UserPool!.Id!;
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "sst-auth-app" }));
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "auth", GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"],
    AllowedOAuthScopes: ["openid", "email"], CallbackURLs: [`${API}/auth/cognito/callback`, `${API}/auth/greedy/callback`], SupportedIdentityProviders: ["COGNITO"],
  }));
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "cy", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: "cy@example.com" }, { Name: "email_verified", Value: "true" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "cy", Password: "Sst-auth-1!", Permanent: true }));

  const issuer = await Issuer.discover(`http://sst-auth-app.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`);
  const adapter = (scope: string) => OauthAdapter({
    issuer, clientID: UserPoolClient!.ClientId!, clientSecret: UserPoolClient!.ClientSecret!, scope,
    onSuccess: async (tokenset) => {
      const claims = tokenset.claims();
      return Session.parameter({ redirect: SITE, type: "user", properties: { userId: claims.sub, email: String(claims.email) } });
    },
  });
  setAuthBinding({ id: "Auth", prefix: "/auth", ...generateAuthKeyPair() });
  handler = AuthHandler({ providers: { cognito: adapter("openid email"), greedy: adapter("openid email phone") } });
  process.env.AWS_ENDPOINT_URL = ENDPOINT;
});
after(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  idp?.destroy();
  await tc?.stop();
});

declare module "./session.js" {
  interface SessionTypes {
    user: { userId: string; email: string };
  }
}

test("OauthAdapter signs a user in through the local hosted UI and the app gets a session for the Cognito user", async () => {
  const b = new AuthBrowser(ENDPOINT, API_ID, handler);
  const start = await b.request(`${API}/auth/cognito/authorize`);
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.location!);
  assert.equal(authorize.host, `sst-auth-app.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`);
  assert.equal(authorize.searchParams.get("code_challenge_method"), "S256");

  const back = await signInThroughForm(authorize.href, "cy", "Sst-auth-1!");
  assert.equal(back.status, 302, back.body);
  assert.ok(back.location!.href.startsWith(`${API}/auth/cognito/callback?code=`));
  const done = await b.request(back.location!.href);
  assert.equal(done.status, 302, done.body);
  assert.ok(done.headers.location!.startsWith(SITE));
  const session = Session.verify<any>(new URL(done.headers.location!).searchParams.get("token")!);
  assert.equal(session.type, "user");
  assert.equal(session.properties.email, "cy@example.com");
  assert.match(session.properties.userId, /^[0-9a-f-]{36}$/);
});

test("a scope the client is not allowed comes back to the app's callback as the provider's error", async () => {
  const b = new AuthBrowser(ENDPOINT, API_ID, handler);
  const start = await b.request(`${API}/auth/greedy/authorize`);
  const back = await signInThroughForm(start.headers.location!, "cy", "Sst-auth-1!");
  assert.equal(back.location!.searchParams.get("error"), "invalid_scope");
  const done = await b.request(back.location!.href);
  assert.notEqual(done.status, 302, "no session");
  assert.match(done.body, /invalid_scope/);
});
