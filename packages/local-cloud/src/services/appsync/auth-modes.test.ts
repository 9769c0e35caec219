/**
 * AppSync's authorization modes on one API (API_KEY default; AWS_IAM, OPENID_CONNECT,
 * AMAZON_COGNITO_USER_POOLS and AWS_LAMBDA additional), deployed from CloudFormation and
 * called as clients call it: IAM requests signed by the SDK's SigV4 signer with a role's
 * session from STS, OIDC tokens signed by a local issuer that serves its JWKS, Lambda
 * tokens checked by a real authorizer function. Checks the 401s, the schema directives
 * field by field (AppSync's "Not Authorized to access" errors beside partial data), IAM
 * policies on field ARNs, Cognito groups, deniedFields, the authorizer's TTL cache and
 * `$ctx.identity` per mode.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { sendSigned } from "../../test-signing.js";

let tc: TestCloud;
let issuer: http.Server;
let issuerUrl = "";
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
const otherKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });

before(async () => {
  tc = await startTestCloud();
  issuer = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration") return res.end(JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/jwks` }));
    if (req.url === "/jwks") return res.end(JSON.stringify({ keys: [{ ...keys.publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" }] }));
    res.statusCode = 404;
    res.end("{}");
  });
  await new Promise<void>((r) => issuer.listen(0, "127.0.0.1", r));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as { port: number }).port}`;
});
after(async () => {
  issuer?.close();
  await tc?.stop();
});

function jwt(claims: Record<string, unknown>, key: KeyObject = keys.privateKey, kid = "k1"): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${part({ alg: "RS256", kid, typ: "JWT" })}.${part(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}
const now = () => Math.floor(Date.now() / 1000);

const POOL = "us-east-1_Local1234";
const SCHEMA = `
type Query @aws_api_key @aws_iam @aws_oidc @aws_cognito_user_pools @aws_lambda {
  whoami: AWSJSON
  open: String
  keyOnly: String @aws_api_key
  iamOnly: String @aws_iam
  iamNotGranted: String @aws_iam
  admins: String @aws_cognito_user_pools(cognito_groups: ["admins"])
  lambdaOnly: String @aws_lambda
  hidden: String @aws_lambda
  secret: Secret
}
type Secret { visible: String hush: String @aws_iam }
`;

function template() {
  const none = (field: string, tpl = `{"version":"2017-02-28","payload":"${field}!"}`, response = "$util.toJson($ctx.result)") => ({
    Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"],
    Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] }, TypeName: "Query", FieldName: field, DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, RequestMappingTemplate: tpl, ResponseMappingTemplate: response },
  });
  const lambdaRole = { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } } };
  return {
    Resources: {
      LambdaRole: lambdaRole,
      Authorizer: { Type: "AWS::Lambda::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["LambdaRole", "Arn"] }, Code: { ZipFile: `
        let calls = 0;
        exports.handler = async (event) => {
          calls++;
          if (event.authorizationToken === "deny-me") return { isAuthorized: false };
          return {
            isAuthorized: true,
            resolverContext: { calls: String(calls), token: event.authorizationToken, query: event.requestContext.queryString, api: event.requestContext.apiId },
            deniedFields: ["Query.hidden"],
            ttlOverride: event.authorizationToken === "no-cache" ? 0 : undefined,
          };
        };` } } },
      Caller: { Type: "AWS::IAM::Role", Properties: {
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] },
        Policies: [{ PolicyName: "graph", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "appsync:GraphQL", Resource: [
          { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "Arn"] }, "/types/Query/fields/iamOnly"]] },
          { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "Arn"] }, "/types/Query/fields/whoami"]] },
          { "Fn::Join": ["", [{ "Fn::GetAtt": ["Api", "Arn"] }, "/types/Query/fields/secret"]] },
        ] }] } }],
      } },
      Api: { Type: "AWS::AppSync::GraphQLApi", Properties: {
        Name: "auth", AuthenticationType: "API_KEY",
        AdditionalAuthenticationProviders: [
          { AuthenticationType: "AWS_IAM" },
          { AuthenticationType: "OPENID_CONNECT", OpenIDConnectConfig: { Issuer: issuerUrl, ClientId: "web-client", IatTTL: 3_600_000 } },
          { AuthenticationType: "AMAZON_COGNITO_USER_POOLS", UserPoolConfig: { UserPoolId: POOL, AwsRegion: "us-east-1", AppIdClientRegex: "app-.*" } },
          { AuthenticationType: "AWS_LAMBDA", LambdaAuthorizerConfig: { AuthorizerUri: { "Fn::GetAtt": ["Authorizer", "Arn"] }, AuthorizerResultTtlInSeconds: 300 } },
        ],
      } },
      Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] }, Definition: SCHEMA } },
      Key: { Type: "AWS::AppSync::ApiKey", Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] } } },
      None: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] }, Name: "none", Type: "NONE" } },
      Whoami: none("whoami", `{"version":"2017-02-28","payload":$util.toJson($ctx.identity)}`, "$util.toJson($util.toJson($ctx.result))"),
      Open: none("open"), KeyOnly: none("keyOnly"), IamOnly: none("iamOnly"), IamNotGranted: none("iamNotGranted"), Admins: none("admins"),
      LambdaOnly: none("lambdaOnly"), Hidden: none("hidden"),
      Secret: none("secret", `{"version":"2017-02-28","payload":{"visible":"v","hush":"h"}}`),
    },
    Outputs: {
      Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Key: { Value: { "Fn::GetAtt": ["Key", "ApiKey"] } },
      ApiId: { Value: { "Fn::GetAtt": ["Api", "ApiId"] } }, Caller: { Value: { "Fn::GetAtt": ["Caller", "Arn"] } },
    },
  };
}

let url = "";
let apiKey = "";
let apiId = "";
let callerRole = "";

const gql = async (query: string, headers: Record<string, string>) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
  return { status: res.status, body: await res.json() as any };
};
const unauthorizedFields = (body: any) => (body.errors ?? []).map((e: any) => `${e.errorType}: ${e.message}`).sort();

test("deploys an API with every mode", { timeout: 120_000 }, async () => {
  const { outputs } = await deployTestStack(tc.cloud, "auth", template());
  ({ Url: url, Key: apiKey, ApiId: apiId, Caller: callerRole } = outputs);
  assert.ok(url && apiKey && apiId && callerRole);
});

test("no credentials, an unknown key, an expired key: AppSync's 401s", { timeout: 60_000 }, async () => {
  assert.deepEqual(await gql("{ open }", {}), { status: 401, body: { errors: [{ errorType: "UnauthorizedException", message: "Valid authorization header not provided." }] } });
  assert.deepEqual(await gql("{ open }", { "x-api-key": "da2-nope" }), { status: 401, body: { errors: [{ errorType: "UnauthorizedException", message: "You are not authorized to make this call." }] } });
  const { ApiKey } = await tc.cloud.appsync.call("CreateApiKey", { ApiId: apiId, Expires: now() - 10 });
  assert.deepEqual(await gql("{ open }", { "x-api-key": ApiKey.Id }), { status: 401, body: { errors: [{ errorType: "UnauthorizedException", message: "API key has expired." }] } });
});

test("API_KEY: directives decide each field; others are null with AppSync's error beside the data", { timeout: 60_000 }, async () => {
  const { status, body } = await gql("{ open keyOnly iamOnly whoami secret { visible hush } }", { "x-api-key": apiKey });
  assert.equal(status, 200);
  assert.deepEqual(body.data, { open: "open!", keyOnly: "keyOnly!", iamOnly: null, whoami: "null", secret: { visible: "v", hush: null } });
  assert.deepEqual(unauthorizedFields(body), ["Unauthorized: Not Authorized to access hush on type Secret", "Unauthorized: Not Authorized to access iamOnly on type Query"]);
  assert.deepEqual(body.errors.find((e: any) => e.path[0] === "iamOnly"), { path: ["iamOnly"], data: null, errorType: "Unauthorized", errorInfo: null, locations: [{ line: 1, column: 16, sourceName: null }], message: "Not Authorized to access iamOnly on type Query" });
});

test("AWS_IAM: SigV4 with a role session; policies grant fields by ARN; a bad signature is refused", { timeout: 60_000 }, async () => {
  const sts = new STSClient(tc.clientConfig);
  const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: callerRole, RoleSessionName: "web" }));
  sts.destroy();
  const credentials = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  const path = new URL(url).pathname;
  const signed = (query: string, creds = credentials) => sendSigned({ endpoint: tc.cloud.endpoint, service: "appsync", path, headers: { "content-type": "application/json" }, body: JSON.stringify({ query }), credentials: creds });
  const res = await signed("{ iamOnly iamNotGranted keyOnly whoami secret { visible hush } }");
  assert.equal(res.status, 200);
  const body = JSON.parse(res.body);
  // Secret has no directives of its own: only the default mode (API_KEY) reads `visible`.
  assert.deepEqual({ ...body.data, whoami: undefined }, { iamOnly: "iamOnly!", iamNotGranted: null, keyOnly: null, whoami: undefined, secret: { visible: null, hush: "h" } });
  assert.deepEqual(unauthorizedFields(body), [
    "Unauthorized: Not Authorized to access iamNotGranted on type Query",
    "Unauthorized: Not Authorized to access keyOnly on type Query",
    "Unauthorized: Not Authorized to access visible on type Secret",
  ]);
  const identity = JSON.parse(body.data.whoami);
  assert.equal(identity.accountId, "000000000000");
  assert.match(identity.userArn, /^arn:aws:sts::000000000000:assumed-role\/.+\/web$/);
  assert.deepEqual(identity.sourceIp, ["127.0.0.1"]);
  const forged = await signed("{ iamOnly }", { ...credentials, secretAccessKey: "wrong" });
  assert.equal(forged.status, 403);
  assert.equal(JSON.parse(forged.body).errors[0].errorType, "InvalidSignatureException");
});

test("OPENID_CONNECT: the issuer's JWKS signs; client id, expiry and iat TTL are checked; identity has the claims", { timeout: 60_000 }, async () => {
  const claims = { iss: issuerUrl, sub: "user-1", aud: "web-client", iat: now(), exp: now() + 600, email: "a@example.com" };
  const ok = await gql("{ open whoami keyOnly }", { authorization: jwt(claims) });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.data.open, "open!");
  assert.equal(ok.body.data.keyOnly, null);
  assert.deepEqual(JSON.parse(ok.body.data.whoami), { sub: "user-1", issuer: issuerUrl, claims });
  assert.equal((await gql("{ open }", { authorization: jwt({ ...claims, aud: "other" }) })).status, 401);
  assert.deepEqual((await gql("{ open }", { authorization: jwt({ ...claims, exp: now() - 5 }) })).body.errors[0].message, "Token has expired.");
  assert.equal((await gql("{ open }", { authorization: jwt({ ...claims, iat: now() - 7200 }) })).status, 401, "older than IatTTL");
  assert.equal((await gql("{ open }", { authorization: jwt(claims, otherKeys.privateKey) })).status, 401, "signed by a key the issuer does not publish");
});

test("AMAZON_COGNITO_USER_POOLS: the pool's issuer, app client regex, cognito_groups", { timeout: 60_000 }, async () => {
  const iss = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
  const base = { iss, sub: "u-2", client_id: "app-web", token_use: "access", username: "ada", exp: now() + 600 };
  const plain = await gql("{ open admins whoami }", { authorization: jwt(base) });
  assert.equal(plain.status, 200);
  assert.deepEqual({ ...plain.body.data, whoami: undefined }, { open: "open!", admins: null, whoami: undefined });
  assert.deepEqual(unauthorizedFields(plain.body), ["Unauthorized: Not Authorized to access admins on type Query"]);
  const identity = JSON.parse(plain.body.data.whoami);
  assert.equal(identity.username, "ada");
  assert.equal(identity.issuer, iss);
  assert.equal(identity.defaultAuthStrategy, "ALLOW");
  const admin = await gql("{ admins }", { authorization: jwt({ ...base, "cognito:groups": ["admins"] }) });
  assert.deepEqual(admin.body, { data: { admins: "admins!" } });
  assert.equal((await gql("{ open }", { authorization: jwt({ ...base, client_id: "other-web" }) })).status, 401);
});

test("AWS_LAMBDA: the authorizer decides, its resolverContext is the identity, deniedFields fail, answers are cached for the TTL", { timeout: 60_000 }, async () => {
  const first = await gql("{ lambdaOnly hidden whoami }", { authorization: "token-a" });
  assert.equal(first.status, 200);
  assert.equal(first.body.data.lambdaOnly, "lambdaOnly!");
  assert.equal(first.body.data.hidden, null);
  assert.deepEqual(unauthorizedFields(first.body), ["Unauthorized: Not Authorized to access hidden on type Query"]);
  const ctx = JSON.parse(first.body.data.whoami).resolverContext;
  assert.equal(ctx.token, "token-a");
  assert.equal(ctx.api, apiId);
  assert.equal(ctx.query, "{ lambdaOnly hidden whoami }");
  const again = await gql("{ whoami }", { authorization: "token-a" });
  assert.equal(JSON.parse(again.body.data.whoami).resolverContext.calls, ctx.calls, "the cached answer: the authorizer was not called again");
  const a = JSON.parse((await gql("{ whoami }", { authorization: "no-cache" })).body.data.whoami).resolverContext.calls;
  const b = JSON.parse((await gql("{ whoami }", { authorization: "no-cache" })).body.data.whoami).resolverContext.calls;
  assert.notEqual(a, b, "ttlOverride 0: called each time");
  assert.deepEqual(await gql("{ open }", { authorization: "deny-me" }), { status: 401, body: { errors: [{ errorType: "UnauthorizedException", message: "You are not authorized to make this call." }] } });
});

test("modes the API does not have are refused, and the management API checks provider configuration", { timeout: 60_000 }, async () => {
  const { ApiId } = await tc.cloud.appsync.call("CreateGraphqlApi", { Name: "keyonly", AuthenticationType: "API_KEY" });
  await tc.cloud.appsync.call("StartSchemaCreation", { ApiId, Definition: "type Query { a: String }" });
  const res = await fetch(url.replace(apiId, ApiId), { method: "POST", headers: { authorization: "anything" }, body: JSON.stringify({ query: "{ a }" }) });
  assert.equal(res.status, 401);
  await assert.rejects(tc.cloud.appsync.call("CreateGraphqlApi", { Name: "x", AuthenticationType: "OPENID_CONNECT" }), /openIDConnectConfig is required/);
  await assert.rejects(tc.cloud.appsync.call("CreateGraphqlApi", { Name: "x", AuthenticationType: "API_KEY", AdditionalAuthenticationProviders: [{ AuthenticationType: "API_KEY" }] }), /only once/);
});
