/**
 * What REST API methods ask of a caller beyond a route: an API key a usage plan admits
 * (403 Forbidden without one, 429 past the plan's throttle or quota), room under the
 * stage's method throttling (429), and a Cognito user
 * pool token (claims in requestContext.authorizer.claims; ID tokens for methods without
 * scopes, access tokens with one of the method's scopes). Deployed from CloudFormation
 * and called with fetch; the token's signature check runs against a JWKS server.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { startTestCloud, type TestCloud } from "../../../testing.js";
import { deployTestStack } from "../../../cloudformation/resources/test-stack.js";
import { JwksCache } from "../jwt.js";
import { authorizeCognito, gatewayDate, userPoolIssuers } from "./cognito-authorizer.js";
import { periodStart } from "./usage-limits.js";

let tc: TestCloud;
before(async () => { tc = await startTestCloud(); });
after(() => tc?.stop());

const POOL_ID = "us-east-1_Keys12345";
const POOL_ARN = `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${POOL_ID}`;
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

function jwt(payload: Record<string, unknown>, key: KeyObject = privateKey): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc({ alg: "RS256", kid: "k1" })}.${enc(payload)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}
const now = () => Math.floor(Date.now() / 1000);
const idToken = (extra: Record<string, unknown> = {}) =>
  jwt({ iss: ISSUER, sub: "u-1", token_use: "id", email: "ann@example.com", "cognito:groups": ["admins"], iat: now(), exp: now() + 3600, ...extra });

const fn = { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] },
  Code: { ZipFile: "exports.handler = async (e) => ({ statusCode: 200, body: JSON.stringify(e.requestContext.authorizer || null) })" } } };
const uri = { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations" };
const resource = (part: string) => ({ Type: "AWS::ApiGateway::Resource", Properties: { RestApiId: { Ref: "Api" }, ParentId: { "Fn::GetAtt": ["Api", "RootResourceId"] }, PathPart: part } });
const method = (res: string, props: Record<string, unknown>) => ({ Type: "AWS::ApiGateway::Method", Properties: {
  RestApiId: { Ref: "Api" }, ResourceId: { Ref: res }, HttpMethod: "GET", AuthorizationType: "NONE", ...props, Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: uri } } });
const key = (value: string, enabled = true) => ({ Type: "AWS::ApiGateway::ApiKey", Properties: { Enabled: enabled, Value: value } });
const planKey = (k: string, plan: string) => ({ Type: "AWS::ApiGateway::UsagePlanKey", Properties: { KeyId: { Ref: k }, KeyType: "API_KEY", UsagePlanId: { Ref: plan } } });

const template = {
  Resources: {
    Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } },
    Fn: fn,
    Api: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "keys" } },
    Paid: resource("paid"),
    Me: resource("me"),
    Scoped: resource("scoped"),
    Busy: resource("busy"),
    BusyGet: method("Busy", {}),
    Pool: { Type: "AWS::ApiGateway::Authorizer", Properties: { RestApiId: { Ref: "Api" }, Name: "pool", Type: "COGNITO_USER_POOLS", ProviderARNs: [POOL_ARN], IdentitySource: "method.request.header.Authorization" } },
    PaidGet: method("Paid", { ApiKeyRequired: true }),
    MeGet: method("Me", { AuthorizationType: "COGNITO_USER_POOLS", AuthorizerId: { Ref: "Pool" } }),
    ScopedGet: method("Scoped", { AuthorizationType: "COGNITO_USER_POOLS", AuthorizerId: { Ref: "Pool" }, AuthorizationScopes: ["notes/read"] }),
    Deployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["PaidGet", "MeGet", "ScopedGet", "BusyGet"], Properties: { RestApiId: { Ref: "Api" } } },
    // what CDK's deployOptions write: a default for every method, and one method's own
    Stage: { Type: "AWS::ApiGateway::Stage", Properties: { RestApiId: { Ref: "Api" }, DeploymentId: { Ref: "Deployment" }, StageName: "prod", MethodSettings: [
      { ResourcePath: "/*", HttpMethod: "*", ThrottlingBurstLimit: 1000, ThrottlingRateLimit: 1000 },
      { ResourcePath: "/~1busy", HttpMethod: "GET", ThrottlingBurstLimit: 1, ThrottlingRateLimit: 0.01 },
    ] } },
    QuotaKey: key("quota-key-0123456789abcdef"),
    BurstKey: key("burst-key-0123456789abcdef"),
    OffKey: key("off-key-0123456789abcdefgh", false),
    StrayKey: key("stray-key-0123456789abcdef"),
    QuotaPlan: { Type: "AWS::ApiGateway::UsagePlan", Properties: { ApiStages: [{ ApiId: { Ref: "Api" }, Stage: { Ref: "Stage" } }], Quota: { Limit: 3, Period: "DAY" } } },
    BurstPlan: { Type: "AWS::ApiGateway::UsagePlan", Properties: { ApiStages: [{ ApiId: { Ref: "Api" }, Stage: { Ref: "Stage" } }], Throttle: { BurstLimit: 2, RateLimit: 0.01 } } },
    // an API whose key comes from its Lambda authorizer (usageIdentifierKey), not x-api-key
    Gate: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] },
      Code: { ZipFile: "exports.handler = async (e) => ({ principalId: 'p', usageIdentifierKey: e.authorizationToken, policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: e.methodArn }] } })" } } },
    ByAuth: { Type: "AWS::ApiGateway::RestApi", Properties: { Name: "by-authorizer", ApiKeySourceType: "AUTHORIZER" } },
    ByAuthGate: { Type: "AWS::ApiGateway::Authorizer", Properties: { RestApiId: { Ref: "ByAuth" }, Name: "gate", Type: "TOKEN", AuthorizerResultTtlInSeconds: 0,
      AuthorizerUri: { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Gate.Arn}/invocations" } } },
    ByAuthGet: { Type: "AWS::ApiGateway::Method", Properties: { RestApiId: { Ref: "ByAuth" }, ResourceId: { "Fn::GetAtt": ["ByAuth", "RootResourceId"] }, HttpMethod: "GET",
      AuthorizationType: "CUSTOM", AuthorizerId: { Ref: "ByAuthGate" }, ApiKeyRequired: true, Integration: { Type: "AWS_PROXY", IntegrationHttpMethod: "POST", Uri: uri } } },
    ByAuthDeployment: { Type: "AWS::ApiGateway::Deployment", DependsOn: ["ByAuthGet"], Properties: { RestApiId: { Ref: "ByAuth" }, StageName: "live" } },
    ByAuthPlan: { Type: "AWS::ApiGateway::UsagePlan", DependsOn: ["ByAuthDeployment"], Properties: { ApiStages: [{ ApiId: { Ref: "ByAuth" }, Stage: "live" }] } },
    ByAuthPlanKey: planKey("StrayKey", "ByAuthPlan"),
    QuotaPlanKey: planKey("QuotaKey", "QuotaPlan"),
    BurstPlanKey: planKey("BurstKey", "BurstPlan"),
    OffPlanKey: planKey("OffKey", "QuotaPlan"),
  },
  Outputs: {
    Url: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "LocalEndpoint"] }, "/prod/"]] } },
    ByAuthUrl: { Value: { "Fn::Join": ["", [{ "Fn::GetAtt": ["ByAuth", "LocalEndpoint"] }, "/live/"]] } },
  },
};

let url = "";
let byAuthUrl = "";
test("deploys API keys, usage plans and a Cognito authorizer", { timeout: 120_000 }, async () => {
  ({ Url: url, ByAuthUrl: byAuthUrl } = (await deployTestStack(tc.cloud, "keys", template)).outputs);
});

test("an API whose key source is AUTHORIZER takes the key its Lambda authorizer names, not x-api-key", { timeout: 60_000 }, async () => {
  assert.equal((await fetch(byAuthUrl, { headers: { authorization: "stray-key-0123456789abcdef" } })).status, 200);
  const viaHeader = await fetch(byAuthUrl, { headers: { authorization: "nonsense", "x-api-key": "stray-key-0123456789abcdef" } });
  assert.equal(viaHeader.status, 403);
  assert.deepEqual(await viaHeader.json(), { message: "Forbidden" });
});

test("a method that requires a key: 403 Forbidden without one, or with one no plan of this stage admits, or a disabled one", { timeout: 60_000 }, async () => {
  for (const headers of [{}, { "x-api-key": "nonsense" }, { "x-api-key": "stray-key-0123456789abcdef" }, { "x-api-key": "off-key-0123456789abcdefgh" }] as Record<string, string>[]) {
    const res = await fetch(`${url}paid`, { headers });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.deepEqual(await res.json(), { message: "Forbidden" });
    assert.equal(res.headers.get("x-amzn-errortype"), "ForbiddenException");
  }
});

test("a plan's quota: its requests pass, the next is 429 Limit Exceeded", { timeout: 60_000 }, async () => {
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${url}paid`, { headers: { "x-api-key": "quota-key-0123456789abcdef" } })).status, 200);
  const over = await fetch(`${url}paid`, { headers: { "x-api-key": "quota-key-0123456789abcdef" } });
  assert.equal(over.status, 429);
  assert.deepEqual(await over.json(), { message: "Limit Exceeded" });
  assert.equal(over.headers.get("x-amzn-errortype"), "LimitExceededException");
});

test("a plan's throttle: a burst passes, then 429 Too Many Requests", { timeout: 60_000 }, async () => {
  const call = () => fetch(`${url}paid`, { headers: { "x-api-key": "burst-key-0123456789abcdef" } });
  assert.equal((await call()).status, 200);
  assert.equal((await call()).status, 200);
  const throttled = await call();
  assert.equal(throttled.status, 429);
  assert.deepEqual(await throttled.json(), { message: "Too Many Requests" });
});

test("a stage's method setting throttles its method: 429 Too Many Requests past the burst; other methods keep the stage's default", { timeout: 60_000 }, async () => {
  assert.equal((await fetch(`${url}busy`)).status, 200);
  const throttled = await fetch(`${url}busy`);
  assert.equal(throttled.status, 429);
  assert.deepEqual(await throttled.json(), { message: "Too Many Requests" });
  assert.equal(throttled.headers.get("x-amzn-errortype"), "TooManyRequestsException");
  assert.equal((await fetch(`${url}paid`)).status, 403, "not throttled: on to its key check");
});

test("Cognito user pool authorizer: 401 without a token, an expired one, another pool's, or an access token", { timeout: 60_000 }, async () => {
  const refused = [undefined, "not-a-jwt", idToken({ exp: now() - 10 }), idToken({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" }), idToken({ token_use: "access" })];
  for (const token of refused) {
    const res = await fetch(`${url}me`, { headers: token ? { authorization: token } : {} });
    assert.equal(res.status, 401, String(token));
    assert.deepEqual(await res.json(), { message: "Unauthorized" });
  }
});

test("Cognito user pool authorizer: an ID token's claims reach the function as strings", { timeout: 60_000 }, async () => {
  const iat = now();
  const res = await fetch(`${url}me`, { headers: { authorization: idToken({ iat, exp: iat + 3600 }) } });
  assert.equal(res.status, 200);
  const { claims } = await res.json();
  assert.equal(claims.sub, "u-1");
  assert.equal(claims.email, "ann@example.com");
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims["cognito:groups"], "[admins]");
  assert.equal(claims.exp, gatewayDate(iat + 3600));
  assert.match(claims.iat, /^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/);
});

test("Cognito user pool authorizer with scopes takes an access token carrying one of them", { timeout: 60_000 }, async () => {
  const access = (scope: string) => jwt({ iss: ISSUER, sub: "u-1", token_use: "access", scope, client_id: "c1", exp: now() + 60 });
  assert.equal((await fetch(`${url}scoped`, { headers: { authorization: idToken() } })).status, 401);
  assert.equal((await fetch(`${url}scoped`, { headers: { authorization: access("notes/write") } })).status, 401);
  const ok = await fetch(`${url}scoped`, { headers: { authorization: `Bearer ${access("openid notes/read")}` } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).claims.scope, "openid notes/read");
});

test("with the pool's keys reachable, a token signed by another key is refused", { timeout: 30_000 }, async () => {
  const jwksServer = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/.well-known/jwks.json` }));
    else res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" }] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  try {
    const port = (jwksServer.address() as AddressInfo).port;
    const jwks = new JwksCache(60_000, 1000, 1500, () => `http://127.0.0.1:${port}`);
    assert.equal((await authorizeCognito(idToken(), [POOL_ARN], undefined, jwks)).ok, true);
    const forged = jwt({ iss: ISSUER, sub: "u-2", token_use: "id", exp: now() + 60 }, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey);
    assert.equal((await authorizeCognito(forged, [POOL_ARN], undefined, jwks)).ok, false);
  } finally {
    jwksServer.close();
  }
});

test("user pool ARNs name their issuers; quota periods start at UTC day, Monday, month", () => {
  assert.deepEqual(userPoolIssuers([POOL_ARN, "arn:aws:iam::000000000000:role/x"]), [ISSUER]);
  const wed = Date.UTC(2026, 11, 9, 15, 30);
  assert.equal(periodStart("DAY", wed), Date.UTC(2026, 11, 9));
  assert.equal(periodStart("WEEK", wed), Date.UTC(2026, 11, 7));
  assert.equal(periodStart("MONTH", wed), Date.UTC(2026, 11, 1));
  assert.equal(gatewayDate(0), "Thu Jan 01 00:00:00 UTC 1970");
});
