/**
 * Signing in to a user pool through a federated OIDC identity provider: a real OpenID
 * provider (the `oidc-provider` package) on 127.0.0.1, a pool deployed by CloudFormation with
 * an AWS::Cognito::UserPoolIdentityProvider pointing at it (discovery from oidc_issuer), and
 * the whole browser round trip driven over HTTP with cookies: the app's authorize request,
 * the provider's sign-in form, /oauth2/idpresponse, the code exchanged at /oauth2/token.
 * Checks the federated user (name, status, identities, mapped attributes, the provider
 * group), the triggers' federated sources, linking to a native user, and what the hosted
 * UI says of a provider it cannot reach. One sign-in runs in Chromium (skipped without it):
 * the hosted UI's button, the provider's form, back on the app with a code.
 */
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import {
  AdminCreateUserCommand, AdminDisableProviderForUserCommand, AdminGetUserCommand, AdminLinkProviderForUserCommand, AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient, CreateUserPoolClientCommand, DescribeIdentityProviderCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { TestCloud } from "../../../testing.js";
import { useTestCloud } from "../../../test-fixtures.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";
import { decodeJwt } from "../../../auth/jwt-verify.js";
import { startOidcProvider, type OidcProviderHandle } from "../../../../../../tests/helpers/oidc-provider.js";
import { hasChromium, launchChromium, recordPage } from "../../../../../../tests/helpers/chromium.js";
import { inlineTriggerFunctions } from "../trigger-functions.testing.js";
import { followToCallback, form, request } from "./hosted-ui.testing.js";

const CALLBACK = "https://app.example.com/cb";
/** One function for the three triggers: logs each event, adds a claim at token generation. */
const TRIGGER = `exports.handler = async (event) => {
  console.log("EVENT " + JSON.stringify(event));
  if (event.triggerSource.startsWith("TokenGeneration")) event.response = { claimsOverrideDetails: { claimsToAddOrOverride: { signed_in_via: event.triggerSource } } };
  return event;
};`;

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let upstream: OidcProviderHandle;
let poolId: string;
let clientId: string;
let base: string;
const events: any[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  upstream = await startOidcProvider({ accounts: { alice: { email: "alice@example.test", name: "Alice Liddell" } } });
  base = `http://fed.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;
  upstream.register([{
    client_id: "cognito-local", client_secret: "upstream-secret", redirect_uris: [`${base}/oauth2/idpresponse`],
    response_types: ["code"], grant_types: ["authorization_code"], token_endpoint_auth_method: "client_secret_post",
  }]);
  tc.cloud.events.on("lambda:log", (e) => {
    const at = e.line.indexOf("EVENT ");
    if (e.functionName === "fed-trigger" && at >= 0) events.push(JSON.parse(e.line.slice(at + 6)));
  });
  const trigger = { "Fn::GetAtt": ["Trigger", "Arn"] };
  const { outputs } = await deployTestStack(tc.cloud, "federated", {
    Resources: {
      ...inlineTriggerFunctions({ Trigger: { name: "fed-trigger", code: TRIGGER } }),
      Pool: { Type: "AWS::Cognito::UserPool", Properties: { UserPoolName: "fed", LambdaConfig: { PreSignUp: trigger, PostConfirmation: trigger, PreTokenGeneration: trigger } } },
      Domain: { Type: "AWS::Cognito::UserPoolDomain", Properties: { UserPoolId: { Ref: "Pool" }, Domain: "fed" } },
      Upstream: {
        Type: "AWS::Cognito::UserPoolIdentityProvider",
        Properties: {
          UserPoolId: { Ref: "Pool" }, ProviderName: "LocalOidc", ProviderType: "OIDC", IdpIdentifiers: ["example.test"],
          ProviderDetails: { client_id: "cognito-local", client_secret: "upstream-secret", authorize_scopes: "openid email profile", attributes_request_method: "GET", oidc_issuer: upstream.issuer },
          AttributeMapping: { email: "email", name: "name" },
        },
      },
      Google: {
        Type: "AWS::Cognito::UserPoolIdentityProvider",
        Properties: { UserPoolId: { Ref: "Pool" }, ProviderName: "Google", ProviderType: "Google", ProviderDetails: { client_id: "g", client_secret: "s", authorize_scopes: "openid email" } },
      },
      Client: {
        Type: "AWS::Cognito::UserPoolClient",
        DependsOn: ["Upstream", "Google"],
        Properties: {
          UserPoolId: { Ref: "Pool" }, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid", "email", "profile"],
          CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["COGNITO", "LocalOidc", "Google"],
        },
      },
    },
    Outputs: { PoolId: { Value: { Ref: "Pool" } }, ClientId: { Value: { Ref: "Client" } } },
  });
  poolId = outputs.PoolId!;
  clientId = outputs.ClientId!;
  return idp;
});
after(() => upstream?.stop());

const authorizeUrl = (extra: Record<string, string>) =>
  `${base}/oauth2/authorize?${new URLSearchParams({ client_id: clientId, redirect_uri: CALLBACK, response_type: "code", scope: "openid email profile", state: "app-state", ...extra })}`;

/** A browser's walk from a URL through the provider's sign-in (as `login`) to the app's callback. */
const browse = (url: string, login: string) => followToCallback(url, CALLBACK, login);

async function tokensFor(callback: URL) {
  assert.equal(callback.searchParams.get("state"), "app-state");
  const code = callback.searchParams.get("code");
  assert.ok(code, `the app gets a code, not ${callback.search}`);
  const answer = await request(`${base}/oauth2/token`, form({ grant_type: "authorization_code", code, client_id: clientId, redirect_uri: CALLBACK }));
  assert.equal(answer.status, 200, answer.body);
  const tokens = JSON.parse(answer.body);
  return { id: decodeJwt(tokens.id_token)!.payload, access: decodeJwt(tokens.access_token)!.payload };
}

test("identity_provider=LocalOidc: the provider's sign-in makes an EXTERNAL_PROVIDER user and the app gets the pool's tokens", async () => {
  const { id, access } = await tokensFor(await browse(authorizeUrl({ identity_provider: "LocalOidc" }), "alice"));
  assert.equal(id["cognito:username"], "LocalOidc_alice");
  assert.equal(id.email, "alice@example.test");
  assert.equal(id.name, "Alice Liddell");
  assert.equal(id.signed_in_via, "TokenGeneration_HostedAuth");
  assert.deepEqual(id["cognito:groups"], [`${poolId}_LocalOidc`]);
  assert.equal(id.identities.length, 1);
  assert.deepEqual({ ...id.identities[0], dateCreated: 0 }, { userId: "alice", providerName: "LocalOidc", providerType: "OIDC", issuer: upstream.issuer, primary: true, dateCreated: 0 });
  assert.equal(access.username, "LocalOidc_alice");
  const user = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "LocalOidc_alice" }));
  assert.equal(user.UserStatus, "EXTERNAL_PROVIDER");
  assert.equal(user.UserAttributes!.find((a) => a.Name === "email")!.Value, "alice@example.test");
  const sources = events.filter((e) => e.userName === "LocalOidc_alice").map((e) => e.triggerSource);
  assert.deepEqual(sources, ["PreSignUp_ExternalProvider", "PostConfirmation_ConfirmSignUp", "TokenGeneration_HostedAuth"]);
  assert.equal(events[0].request.userAttributes.email, "alice@example.test");
});

test("a second sign-in (by idp_identifier) finds the same user: no new sign-up, only token generation", async () => {
  const before = events.length;
  const { id } = await tokensFor(await browse(authorizeUrl({ idp_identifier: "Example.TEST" }), "alice"));
  assert.equal(id["cognito:username"], "LocalOidc_alice");
  assert.deepEqual(events.slice(before).map((e) => e.triggerSource), ["TokenGeneration_HostedAuth"]);
});

test("the sign-in page shows a button for each of the client's providers", async () => {
  const page = await request(`${base}/login?${new URL(authorizeUrl({})).searchParams}`);
  assert.equal(page.status, 200);
  const buttons = [...page.body.matchAll(/<a class="idp" data-provider="([^"]+)" href="([^"]+)"/g)].map((m) => [m[1], new URL(m[2]!.replaceAll("&amp;", "&"), base).searchParams.get("identity_provider")]);
  assert.deepEqual(buttons, [["LocalOidc", "LocalOidc"], ["Google", "Google"]]);
  assert.match(page.body, /name="password"/);
});

test("a client that lists only a federated provider gets only its button: no form, and a posted form is refused", async () => {
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "federated-only", AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid"],
    CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["LocalOidc"],
  }));
  const query = new URLSearchParams({ client_id: UserPoolClient!.ClientId!, redirect_uri: CALLBACK, response_type: "code", scope: "openid" });
  const page = await request(`${base}/login?${query}`);
  assert.match(page.body, /data-provider="LocalOidc"/);
  assert.doesNotMatch(page.body, /name="password"/);
  const posted = await request(`${base}/login?${query}`, { ...form({ _csrf: "t", username: "bob", password: "Passw0rd!x" }), headers: { ...form({}).headers, cookie: "XSRF-TOKEN=t" } });
  assert.equal(posted.status, 400);
  assert.equal(posted.location, undefined);
  assert.match(posted.body, /COGNITO is not a supported identity provider for this client\./);
});

test("a provider the local cloud cannot reach (Google) says so; unknown and unsupported providers are refused on the redirect URI", async () => {
  const google = await request(authorizeUrl({ identity_provider: "Google" }));
  assert.equal(google.status, 400);
  assert.match(google.body, /Google signs users in on Google&#39;s own servers, which the local cloud does not reach/);
  const unknown = await request(authorizeUrl({ identity_provider: "Okta" }));
  assert.equal(unknown.location!.origin + unknown.location!.pathname, CALLBACK);
  assert.equal(unknown.location!.searchParams.get("error"), "invalid_request");
  assert.equal(unknown.location!.searchParams.get("error_description"), "Identity provider Okta does not exist in this user pool.");
  const described = await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "LocalOidc" }));
  assert.deepEqual(described.IdentityProvider!.AttributeMapping, { email: "email", name: "name", username: "sub" });
  assert.equal(described.IdentityProvider!.ProviderDetails!.attributes_url_add_attributes, "false");
});

test("an idpresponse with an unknown state is refused, and nothing signs in", async () => {
  const answer = await request(`${base}/oauth2/idpresponse?code=forged&state=forged`);
  assert.equal(answer.status, 400);
  assert.match(answer.body, /unknown or has expired/);
});

test("AdminLinkProviderForUser: the provider's user signs in as the native user it is linked to; AdminDisableProviderForUser unlinks it", async () => {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "bob", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: "bob@example.test" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "bob", Password: "Passw0rd!x", Permanent: true }));
  const source = { ProviderName: "LocalOidc", ProviderAttributeName: "Cognito_Subject", ProviderAttributeValue: "bobby" };
  await idp.send(new AdminLinkProviderForUserCommand({ UserPoolId: poolId, DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: "bob" }, SourceUser: source }));
  const { id } = await tokensFor(await browse(authorizeUrl({ identity_provider: "LocalOidc" }), "bobby"));
  assert.equal(id["cognito:username"], "bob");
  assert.equal(id.email, "bob@example.test");
  assert.deepEqual(id.identities.map((i: any) => [i.providerName, i.userId, i.primary]), [["LocalOidc", "bobby", false]]);
  await assert.rejects(
    idp.send(new AdminLinkProviderForUserCommand({ UserPoolId: poolId, DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: "bob" }, SourceUser: source })),
    (e: any) => e.name === "InvalidParameterException" && /Merging is not currently supported/.test(e.message),
  );
  await idp.send(new AdminDisableProviderForUserCommand({ UserPoolId: poolId, User: source }));
  const bob = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "bob" }));
  assert.equal(bob.UserAttributes!.find((a) => a.Name === "identities"), undefined);
  const again = await tokensFor(await browse(authorizeUrl({ identity_provider: "LocalOidc" }), "bobby"));
  assert.equal(again.id["cognito:username"], "LocalOidc_bobby");
});

test("in Chromium: the sign-in page's provider button, the provider's form, back on the app with a code", { skip: !hasChromium && "no /usr/bin/chromium" }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const seen = recordPage(page);
    await page.goto(authorizeUrl({}));
    await page.click('a.idp[data-provider="LocalOidc"]');
    await page.fill('input[name="login"]', "dora");
    await page.fill('input[name="password"]', "anything");
    // The app's callback lives nowhere locally (a redirect, which page.route does not see): the browser's request for it is the answer.
    const [arrived] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(CALLBACK), { timeout: 15_000 }).catch((e) => assert.fail(`${e.message}\n${seen.join("\n")}`)),
      page.click('button[type="submit"]'),
    ]);
    const { id } = await tokensFor(new URL(arrived.url()));
    assert.equal(id["cognito:username"], "LocalOidc_dora");
    assert.equal(id.email, "dora@example.test");
  } finally {
    await browser.close();
  }
});
