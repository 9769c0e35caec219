/**
 * A user pool's hosted UI in Chromium: a CloudFormation stack (pool with a
 * PreTokenGeneration trigger, domain, resource server, a web client allowed its custom
 * scope, a machine client) deployed to the local cloud; the browser opens
 * /oauth2/authorize on `<prefix>.auth.us-east-1.localhost`, is sent to the sign-in form,
 * fills it in and lands on the app's callback with a code, which the app's page exchanges with
 * its PKCE verifier by fetch (cross-origin: the token and userInfo endpoints answer CORS). The machine client gets a client_credentials token for the stack's
 * resource server. Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { CognitoIdentityProviderClient, AdminCreateUserCommand, AdminSetUserPasswordCommand, DescribeResourceServerCommand } from "@aws-sdk/client-cognito-identity-provider";
import { startTestCloud, type TestCloud } from "../packages/local-cloud/src/testing.js";
import { deployTestStack } from "../packages/local-cloud/src/cloudformation/resources/test-stack.js";
import { decodeJwt } from "../packages/local-cloud/src/auth/jwt-verify.js";
import { form, request } from "../packages/local-cloud/src/services/cognito-idp/hosted-ui/hosted-ui.testing.js";
import { hasChromium, launchChromium, noteIfNoChromium, recordPage } from "./helpers/chromium.js";

noteIfNoChromium("cognito-hosted-ui-browser.test.ts");

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let browser: Browser | undefined;
let app: http.Server;
let callback: string;
let outputs: Record<string, string>;

const PRE_TOKEN = `exports.handler = async (event) => {
  event.response = { claimsOverrideDetails: { claimsToAddOrOverride: { source: event.triggerSource } } };
  return event;
};`;

function template(callbackUrl: string) {
  return {
    Resources: {
      Role: {
        Type: "AWS::IAM::Role",
        Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } },
      },
      PreToken: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs22.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: PRE_TOKEN } } },
      Pool: { Type: "AWS::Cognito::UserPool", Properties: { UserPoolName: "hosted-ui", LambdaConfig: { PreTokenGeneration: { "Fn::GetAtt": ["PreToken", "Arn"] } } } },
      Domain: { Type: "AWS::Cognito::UserPoolDomain", Properties: { UserPoolId: { Ref: "Pool" }, Domain: "browser-app" } },
      // As CDK's `userPool.addResourceServer` and `OAuthScope.resourceServer` write them.
      Api: { Type: "AWS::Cognito::UserPoolResourceServer", Properties: { UserPoolId: { Ref: "Pool" }, Identifier: "orders", Name: "orders", Scopes: [{ ScopeName: "read", ScopeDescription: "Read orders" }] } },
      Web: {
        Type: "AWS::Cognito::UserPoolClient",
        Properties: {
          UserPoolId: { Ref: "Pool" }, AllowedOAuthFlows: ["code"], AllowedOAuthFlowsUserPoolClient: true, SupportedIdentityProviders: ["COGNITO"],
          AllowedOAuthScopes: ["openid", "email", { "Fn::Join": ["", [{ Ref: "Api" }, "/read"]] }], CallbackURLs: [callbackUrl],
        },
      },
      Machine: {
        Type: "AWS::Cognito::UserPoolClient",
        Properties: {
          UserPoolId: { Ref: "Pool" }, GenerateSecret: true, AllowedOAuthFlows: ["client_credentials"], AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthScopes: [{ "Fn::Join": ["", [{ Ref: "Api" }, "/read"]] }],
        },
      },
    },
    Outputs: {
      PoolId: { Value: { Ref: "Pool" } }, WebId: { Value: { Ref: "Web" } }, MachineId: { Value: { Ref: "Machine" } },
      MachineSecret: { Value: { "Fn::GetAtt": ["Machine", "ClientSecret"] } }, ApiId: { Value: { Ref: "Api" } },
      // CDK's `domain.baseUrl()`: AWS's hosted UI URL, which a local deploy makes the local one.
      DomainUrl: { Value: { "Fn::Join": ["", ["https://", { Ref: "Domain" }, ".auth.", { Ref: "AWS::Region" }, ".amazoncognito.com"]] } },
    },
  };
}

before(async () => {
  tc = await startTestCloud();
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  app = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<h1 id=done>Signed in</h1>");
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  callback = `http://localhost:${(app.address() as AddressInfo).port}/callback`;
  ({ outputs } = await deployTestStack(tc.cloud, "hosted", template(callback)));
  await idp.send(new AdminCreateUserCommand({ UserPoolId: outputs.PoolId, Username: "bo", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: "bo@example.com" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.PoolId, Username: "bo", Password: "Secret#123abc", Permanent: true }));
  if (hasChromium) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => app?.close(r));
  idp?.destroy();
  await tc?.stop();
});

const domainUrl = () => `http://browser-app.auth.us-east-1.localhost:${new URL(tc.clientConfig.endpoint).port}`;

test("the domain's URL as CDK builds it (baseUrl) resolves to the local hosted UI", () => {
  assert.equal(outputs.DomainUrl, domainUrl());
});

test("the stack's resource server is the pool's", async () => {
  assert.equal(outputs.ApiId, "orders");
  const { ResourceServer } = await idp.send(new DescribeResourceServerCommand({ UserPoolId: outputs.PoolId, Identifier: "orders" }));
  assert.deepEqual(ResourceServer!.Scopes, [{ ScopeName: "read", ScopeDescription: "Read orders" }]);
});

test("Chromium signs in on the hosted UI's form, lands on the callback with a code, and the page exchanges it (PKCE, CORS)", { skip: !hasChromium, timeout: 60_000 }, async () => {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const authorize = `${domainUrl()}/oauth2/authorize?${new URLSearchParams({
    client_id: outputs.WebId, response_type: "code", redirect_uri: callback, scope: "openid email orders/read", state: "st-1", code_challenge: challenge, code_challenge_method: "S256",
  })}`;
  const page = await browser!.newPage();
  const seen = recordPage(page);
  let exchanged: { status: number; tokens: any; userInfo: any };
  try {
    await page.goto(authorize);
    assert.equal(new URL(page.url()).pathname, "/login");
    await page.fill("#username", "bo");
    await page.fill("#password", "Secret#123abc");
    await Promise.all([page.waitForURL((u) => u.pathname === "/callback", { timeout: 20_000 }), page.click("button[type=submit]")]);
    await page.waitForSelector("#done");
    const at = new URL(page.url());
    assert.equal(at.searchParams.get("state"), "st-1");
    assert.match(at.searchParams.get("code")!, /^[0-9a-f-]{36}$/);
    // The app's page (another origin) exchanges the code itself, as a single-page app does; userInfo's Authorization header needs a preflight.
    exchanged = await page.evaluate(async ({ base, body }) => {
      const r = await fetch(`${base}/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
      const tokens = await r.json();
      const info = await fetch(`${base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      return { status: r.status, tokens, userInfo: await info.json() };
    }, { base: domainUrl(), body: new URLSearchParams({ grant_type: "authorization_code", client_id: outputs.WebId, code: at.searchParams.get("code")!, redirect_uri: callback, code_verifier: verifier }).toString() });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${seen.join("\n")}`);
  } finally {
    await page.close();
  }
  assert.equal(exchanged.status, 200, JSON.stringify(exchanged.tokens));
  const id = decodeJwt(exchanged.tokens.id_token)!.payload;
  assert.equal(id["cognito:username"], "bo");
  assert.equal(id.source, "TokenGeneration_HostedAuth", "the PreTokenGeneration trigger ran for the hosted UI's sign-in");
  assert.equal(decodeJwt(exchanged.tokens.access_token)!.payload.scope, "openid email orders/read");
  assert.equal(exchanged.userInfo.email, "bo@example.com");
});

test("the machine client gets a token for the stack's resource server", async () => {
  const basic = Buffer.from(`${outputs.MachineId}:${outputs.MachineSecret}`).toString("base64");
  const r = await request(`${domainUrl()}/oauth2/token`, { ...form({ grant_type: "client_credentials", scope: "orders/read" }), headers: { ...form({}).headers, authorization: `Basic ${basic}` } });
  assert.equal(r.status, 200, r.body);
  assert.equal(decodeJwt(JSON.parse(r.body).access_token)!.payload.scope, "orders/read");
});
