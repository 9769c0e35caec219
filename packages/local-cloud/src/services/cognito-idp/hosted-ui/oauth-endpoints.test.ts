/**
 * A user pool domain's OAuth 2.0 / OIDC endpoints on `http://<prefix>.auth.us-east-1.localhost:<port>`,
 * driven by openid-client (discovery, the code flow with PKCE S256 and a nonce, userinfo,
 * refresh, revocation) and by plain HTTP for client_credentials with an SDK-created resource
 * server, the implicit flow, the hosted UI session, logout, and Cognito's error answers.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient, CreateUserPoolCommand, CreateUserPoolClientCommand, CreateUserPoolDomainCommand, CreateResourceServerCommand,
  AdminCreateUserCommand, AdminSetUserPasswordCommand, DescribeResourceServerCommand, ListResourceServersCommand, DescribeUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Issuer, custom, generators, errors as oidcErrors, type BaseClient } from "openid-client";
import { createLocalJWKSet, jwtVerify } from "jose";
import { awsCli, type TestCloud } from "../../../testing.js";
import { useTestCloud } from "../../../test-fixtures.js";
import { decodeJwt } from "../../../auth/jwt-verify.js";
import { cookiesOf, form, loopbackLookup, request, signInThroughForm } from "./hosted-ui.testing.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let domainUrl: string;
let web: { id: string; secret: string };
let spa: string;
let machine: { id: string; secret: string };
const CALLBACK = "http://localhost:3000/callback";
const LOGOUT = "http://localhost:3000/bye";

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  custom.setHttpOptionsDefaults({ lookup: loopbackLookup, timeout: 10_000 });
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "hosted", AutoVerifiedAttributes: ["email"] }));
  poolId = UserPool!.Id!;
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: poolId, Domain: "my-app-auth" }));
  domainUrl = `http://my-app-auth.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;
  await idp.send(new CreateResourceServerCommand({
    UserPoolId: poolId, Identifier: "https://api.example.com", Name: "api",
    Scopes: [{ ScopeName: "read", ScopeDescription: "read things" }, { ScopeName: "write", ScopeDescription: "write things" }],
  }));
  const oauth = { AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: [CALLBACK], LogoutURLs: [LOGOUT], SupportedIdentityProviders: ["COGNITO"] };
  const webClient = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "web", GenerateSecret: true, ...oauth,
    AllowedOAuthFlows: ["code"], AllowedOAuthScopes: ["openid", "email", "profile", "https://api.example.com/read"],
  }));
  web = { id: webClient.UserPoolClient!.ClientId!, secret: webClient.UserPoolClient!.ClientSecret! };
  const spaClient = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "spa", ...oauth, AllowedOAuthFlows: ["code", "implicit"], AllowedOAuthScopes: ["openid", "email"],
  }));
  spa = spaClient.UserPoolClient!.ClientId!;
  const machineClient = await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: "machine", GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ["client_credentials"], AllowedOAuthScopes: ["https://api.example.com/read", "https://api.example.com/write"],
  }));
  machine = { id: machineClient.UserPoolClient!.ClientId!, secret: machineClient.UserPoolClient!.ClientSecret! };
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "ann", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: "ann@example.com" }, { Name: "email_verified", Value: "true" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "ann", Password: "Passw0rd!x", Permanent: true }));
  return idp;
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
const tokenRequest = (fields: Record<string, string>, authorization?: string) =>
  request(`${domainUrl}/oauth2/token`, { ...form(fields), headers: { ...form({}).headers, ...(authorization ? { authorization } : {}) } });
const authorizeUrl = (params: Record<string, string>) => `${domainUrl}/oauth2/authorize?${new URLSearchParams(params)}`;

describe("openid-client against the local hosted UI", () => {
  let client: BaseClient;
  let issuer: Issuer<BaseClient>;
  before(async () => {
    issuer = await Issuer.discover(domainUrl);
    client = new issuer.Client({ client_id: web.id, client_secret: web.secret, redirect_uris: [CALLBACK], response_types: ["code"] });
  });

  test("discovery names the pool's issuer and this domain's endpoints", () => {
    assert.equal(issuer.metadata.issuer, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
    assert.equal(issuer.metadata.authorization_endpoint, `${domainUrl}/oauth2/authorize`);
    assert.equal(issuer.metadata.token_endpoint, `${domainUrl}/oauth2/token`);
    assert.equal(issuer.metadata.jwks_uri, `${domainUrl}/.well-known/jwks.json`);
  });

  test("code flow with PKCE S256 and a nonce: sign-in form, code, tokens verified by openid-client, userinfo, refresh, revoke", async () => {
    const verifier = generators.codeVerifier();
    const nonce = generators.nonce();
    const state = generators.state();
    const url = client.authorizationUrl({ scope: "openid email https://api.example.com/read", state, nonce, code_challenge: generators.codeChallenge(verifier), code_challenge_method: "S256", identity_provider: "COGNITO" });
    const landed = await signInThroughForm(url, "ann", "Passw0rd!x");
    assert.equal(landed.status, 302, landed.body);
    assert.equal(`${landed.location!.origin}${landed.location!.pathname}`, CALLBACK);
    assert.equal(landed.location!.searchParams.get("state"), state);
    // openid-client checks state, the ID token's signature (the domain's JWKS), issuer, audience, nonce, at_hash and expiry.
    const tokens = await client.callback(CALLBACK, client.callbackParams(landed.location!.href), { code_verifier: verifier, nonce, state });
    const id = tokens.claims();
    assert.equal(id.nonce, nonce);
    assert.equal(id.token_use, "id");
    assert.equal(id["cognito:username"], "ann");
    assert.equal(id.email, "ann@example.com");
    const access = decodeJwt(tokens.access_token!)!.payload;
    assert.equal(access.token_use, "access");
    assert.equal(access.scope, "openid email https://api.example.com/read");
    assert.equal(access.client_id, web.id);
    assert.ok(tokens.refresh_token);

    const info = await client.userinfo(tokens);
    assert.equal(info.sub, id.sub);
    assert.equal(info.email, "ann@example.com");
    assert.equal(info.username, "ann");

    const refreshed = await client.refresh(tokens.refresh_token!);
    assert.equal(decodeJwt(refreshed.access_token!)!.payload.scope, "openid email https://api.example.com/read", "a refresh keeps the granted scopes");
    assert.equal(refreshed.claims().sub, id.sub);

    await client.revoke(tokens.refresh_token!, "refresh_token");
    await assert.rejects(client.refresh(tokens.refresh_token!), (e: any) => e instanceof oidcErrors.OPError && e.error === "invalid_grant");
    await assert.rejects(client.userinfo(refreshed.access_token!), (e: any) => e instanceof oidcErrors.OPError && e.error === "invalid_token", "tokens of a revoked sign-in stop working");
  });

  test("a code works once, only with its verifier and its redirect_uri", async () => {
    const verifier = generators.codeVerifier();
    const url = client.authorizationUrl({ scope: "openid", code_challenge: generators.codeChallenge(verifier), code_challenge_method: "S256" });
    const landed = await signInThroughForm(url, "ann", "Passw0rd!x");
    const code = landed.location!.searchParams.get("code")!;
    const auth = basic(web.id, web.secret);
    const wrongVerifier = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, code_verifier: generators.codeVerifier() }, auth);
    assert.deepEqual([wrongVerifier.status, JSON.parse(wrongVerifier.body)], [400, { error: "invalid_grant" }]);
    // The failed exchange used the code up.
    const again = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, code_verifier: verifier }, auth);
    assert.deepEqual([again.status, JSON.parse(again.body)], [400, { error: "invalid_grant" }]);

    const second = await signInThroughForm(url, "ann", "Passw0rd!x");
    const code2 = second.location!.searchParams.get("code")!;
    const noVerifier = await tokenRequest({ grant_type: "authorization_code", code: code2, redirect_uri: CALLBACK }, auth);
    assert.deepEqual(JSON.parse(noVerifier.body), { error: "invalid_grant" });
  });

  test("client authentication: secret by Basic or in the body; wrong or missing secret is invalid_client", async () => {
    for (const [fields, authorization] of [
      [{ grant_type: "authorization_code", code: "x", redirect_uri: CALLBACK }, basic(web.id, "wrong")],
      [{ grant_type: "authorization_code", code: "x", redirect_uri: CALLBACK, client_id: web.id }, undefined],
      [{ grant_type: "authorization_code", code: "x", redirect_uri: CALLBACK, client_id: "nosuchclient" }, undefined],
    ] as const) {
      const r = await tokenRequest(fields, authorization);
      assert.deepEqual([r.status, JSON.parse(r.body)], [400, { error: "invalid_client" }]);
    }
    const inBody = await tokenRequest({ grant_type: "authorization_code", code: "unknown", redirect_uri: CALLBACK, client_id: web.id, client_secret: web.secret });
    assert.deepEqual(JSON.parse(inBody.body), { error: "invalid_grant" }, "the secret in the body authenticates; the unknown code is then refused");
    const unsupported = await tokenRequest({ grant_type: "password", username: "ann", password: "x" }, basic(web.id, web.secret));
    assert.deepEqual(JSON.parse(unsupported.body), { error: "unsupported_grant_type" });
  });
});

describe("client_credentials with a resource server", () => {
  test("the SDK's resource server is described and listed", async () => {
    const { ResourceServer } = await idp.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: "https://api.example.com" }));
    assert.deepEqual(ResourceServer!.Scopes!.map((s) => s.ScopeName), ["read", "write"]);
    const { ResourceServers } = await idp.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 10 }));
    assert.equal(ResourceServers!.length, 1);
  });

  test("a machine's token carries the custom scopes and verifies against the domain's JWKS", async () => {
    const r = await tokenRequest({ grant_type: "client_credentials", scope: "https://api.example.com/write" }, basic(machine.id, machine.secret));
    assert.equal(r.status, 200, r.body);
    const body = JSON.parse(r.body);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(body.id_token, undefined);
    assert.equal(body.refresh_token, undefined);
    const jwks = JSON.parse((await request(`${domainUrl}/.well-known/jwks.json`)).body);
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), { issuer: `https://cognito-idp.us-east-1.amazonaws.com/${poolId}` });
    assert.equal(payload.token_use, "access");
    assert.equal(payload.scope, "https://api.example.com/write");
    assert.equal(payload.sub, machine.id);
    assert.equal(payload.client_id, machine.id);

    const all = JSON.parse((await tokenRequest({ grant_type: "client_credentials" }, basic(machine.id, machine.secret))).body);
    assert.equal(decodeJwt(all.access_token)!.payload.scope, "https://api.example.com/read https://api.example.com/write", "no scope asked: every scope the client is allowed");
  });

  test("a scope the client is not allowed is invalid_scope; a client without the flow is unauthorized_client", async () => {
    const notAllowed = await tokenRequest({ grant_type: "client_credentials", scope: "https://api.example.com/admin" }, basic(machine.id, machine.secret));
    assert.deepEqual([notAllowed.status, JSON.parse(notAllowed.body)], [400, { error: "invalid_scope" }]);
    const webTries = await tokenRequest({ grant_type: "client_credentials" }, basic(web.id, web.secret));
    assert.deepEqual(JSON.parse(webTries.body), { error: "unauthorized_client" });
    const badSecret = await tokenRequest({ grant_type: "client_credentials" }, basic(machine.id, "nope"));
    assert.deepEqual(JSON.parse(badSecret.body), { error: "invalid_client" });
  });

  test("the AWS CLI manages resource servers: a scope added by update-resource-server can be allowed and granted", async (t) => {
    const aws = awsCli(tc.cloud.endpoint);
    if (!aws) return t.skip("no AWS CLI installed");
    await aws("cognito-idp", "create-resource-server", "--user-pool-id", poolId, "--identifier", "reports", "--name", "reports", "--scopes", "ScopeName=view,ScopeDescription=view");
    await aws("cognito-idp", "update-resource-server", "--user-pool-id", poolId, "--identifier", "reports", "--name", "reports",
      "--scopes", "ScopeName=view,ScopeDescription=view", "ScopeName=export,ScopeDescription=export");
    const listed = await aws("cognito-idp", "list-resource-servers", "--user-pool-id", poolId, "--max-results", "10");
    assert.deepEqual(listed.ResourceServers.map((r: any) => r.Identifier).sort(), ["https://api.example.com", "reports"]);
    const created = await aws("cognito-idp", "create-user-pool-client", "--user-pool-id", poolId, "--client-name", "exporter", "--generate-secret",
      "--allowed-o-auth-flows-user-pool-client", "--allowed-o-auth-flows", "client_credentials", "--allowed-o-auth-scopes", "reports/export");
    const c = created.UserPoolClient;
    const r = await tokenRequest({ grant_type: "client_credentials" }, basic(c.ClientId, c.ClientSecret));
    assert.equal(decodeJwt(JSON.parse(r.body).access_token)!.payload.scope, "reports/export");
    await aws("cognito-idp", "delete-resource-server", "--user-pool-id", poolId, "--identifier", "reports");
    await assert.rejects(aws("cognito-idp", "describe-resource-server", "--user-pool-id", poolId, "--identifier", "reports"), /ResourceNotFoundException/);
  });

  test("clients may only be allowed scopes that exist; client_credentials stands alone", async () => {
    await assert.rejects(
      idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "x", AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["code"], CallbackURLs: [CALLBACK], AllowedOAuthScopes: ["https://api.example.com/delete"] })),
      (e: any) => e.name === "ScopeDoesNotExistException" && e.message === "Invalid scope requested: https://api.example.com/delete",
    );
    await assert.rejects(
      idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "x", AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ["client_credentials"], AllowedOAuthScopes: ["https://api.example.com/read"] })),
      (e: any) => e.name === "InvalidOAuthFlowException",
    );
  });
});

describe("authorize errors, implicit flow, session and logout", () => {
  test("a redirect_uri not among the CallbackURLs goes to the domain's error page, not to the app", async () => {
    const r = await request(authorizeUrl({ client_id: spa, response_type: "code", redirect_uri: "https://evil.example.com/cb" }));
    assert.equal(r.status, 302);
    assert.equal(r.location!.origin + r.location!.pathname, `${domainUrl}/error`);
    assert.equal(r.location!.searchParams.get("error"), "redirect_mismatch");
    assert.equal(r.location!.searchParams.get("client_id"), spa);
    const page = await request(r.location!);
    assert.equal(page.status, 400);
    assert.match(page.body, /redirect_mismatch/);
  });

  test("a flow or scope the client is not allowed is told on the redirect URI", async () => {
    const implicit = await request(authorizeUrl({ client_id: web.id, response_type: "token", redirect_uri: CALLBACK, state: "s1" }));
    assert.equal(implicit.status, 302);
    assert.equal(implicit.location!.origin + implicit.location!.pathname, "http://localhost:3000/callback");
    const fragment = new URLSearchParams(implicit.location!.hash.slice(1));
    assert.equal(fragment.get("error"), "unauthorized_client");
    assert.equal(fragment.get("state"), "s1");
    const scope = await request(authorizeUrl({ client_id: spa, response_type: "code", redirect_uri: CALLBACK, scope: "openid profile", state: "s2" }));
    assert.equal(scope.location!.searchParams.get("error"), "invalid_scope");
    assert.equal(scope.location!.searchParams.get("state"), "s2");
    const unknown = await request(authorizeUrl({ client_id: "nosuchclient", response_type: "code", redirect_uri: CALLBACK }));
    assert.equal(unknown.location!.pathname, "/error");
  });

  test("a client not enabled for OAuth flows is unauthorized_client", async () => {
    const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "no-oauth", CallbackURLs: [CALLBACK] }));
    const r = await request(authorizeUrl({ client_id: UserPoolClient!.ClientId!, response_type: "code", redirect_uri: CALLBACK }));
    assert.equal(r.location!.searchParams.get("error"), "unauthorized_client");
    const described = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: UserPoolClient!.ClientId! }));
    assert.equal(described.UserPoolClient!.AllowedOAuthFlowsUserPoolClient, false);
  });

  test("implicit flow: tokens in the fragment; the hosted UI session then skips the form; logout ends it", async () => {
    const jar: Record<string, string> = {};
    const nonce = "n-0S6_WzA2Mj";
    const landed = await signInThroughForm(authorizeUrl({ client_id: spa, response_type: "token", redirect_uri: CALLBACK, scope: "openid email", nonce, state: "xyz" }), "ann", "Passw0rd!x", jar);
    const fragment = new URLSearchParams(landed.location!.hash.slice(1));
    assert.equal(fragment.get("state"), "xyz");
    assert.equal(fragment.get("token_type"), "Bearer");
    assert.equal(decodeJwt(fragment.get("id_token")!)!.payload.nonce, nonce);
    assert.equal(decodeJwt(fragment.get("access_token")!)!.payload.scope, "openid email");
    assert.ok(jar.cognito, "a hosted UI session cookie");

    // Signed in already: authorize answers at once.
    const again = await request(authorizeUrl({ client_id: spa, response_type: "code", redirect_uri: CALLBACK }), { headers: { cookie: `cognito=${jar.cognito}` } });
    assert.equal(again.location!.origin + again.location!.pathname, CALLBACK);
    assert.ok(again.location!.searchParams.get("code"));

    const badLogout = await request(`${domainUrl}/logout?${new URLSearchParams({ client_id: spa, logout_uri: "https://evil.example.com/" })}`, { headers: { cookie: `cognito=${jar.cognito}` } });
    assert.equal(badLogout.location!.pathname, "/error");
    assert.equal(badLogout.location!.searchParams.get("error"), "redirect_mismatch");
    const logout = await request(`${domainUrl}/logout?${new URLSearchParams({ client_id: spa, logout_uri: LOGOUT })}`, { headers: { cookie: `cognito=${jar.cognito}` } });
    assert.equal(logout.location!.href, LOGOUT);
    cookiesOf(logout, jar);
    assert.equal(jar.cognito, "");
    const afterLogout = await request(authorizeUrl({ client_id: spa, response_type: "code", redirect_uri: CALLBACK }), { headers: { cookie: "cognito=" } });
    assert.equal(afterLogout.location!.pathname, "/login");
  });

  test("a wrong password re-shows the form with Cognito's message", async () => {
    const r = await signInThroughForm(authorizeUrl({ client_id: spa, response_type: "code", redirect_uri: CALLBACK }), "ann", "wrong-password");
    assert.equal(r.status, 400);
    assert.match(r.body, /Incorrect username or password\./);
  });

  test("userInfo refuses a missing token and a token without openid", async () => {
    const none = await request(`${domainUrl}/oauth2/userInfo`);
    assert.equal(none.status, 401);
    assert.match(String(none.headers["www-authenticate"]), /Bearer error="invalid_request"/);
    const r = await tokenRequest({ grant_type: "client_credentials" }, basic(machine.id, machine.secret));
    const m2m = await request(`${domainUrl}/oauth2/userInfo`, { headers: { authorization: `Bearer ${JSON.parse(r.body).access_token}` } });
    assert.equal(m2m.status, 401);
  });
});
