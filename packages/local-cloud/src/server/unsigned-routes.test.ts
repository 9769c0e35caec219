import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { CognitoIdentityClient, GetIdCommand } from "@aws-sdk/client-cognito-identity";
import { UnsignedRoutes } from "./unsigned-routes.js";
import { startTestCloud, type TestCloud } from "../testing.js";

const JWKS = /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/jwks\.json$/;

function table(): UnsignedRoutes {
  const routes = new UnsignedRoutes();
  routes.add("dynamodb", undefined);
  routes.add("cognito-idp", { targets: ["Idp.SignUp", "Idp.GetUser"], paths: [{ method: "GET", lastSegment: "jwks.json", pattern: JWKS }] });
  routes.add("cognito-identity", { targets: ["Identity.GetId"] });
  return routes;
}

test("an unsigned X-Amz-Target goes to the service that declared it, whatever the path", () => {
  const routes = table();
  assert.equal(routes.serviceFor("POST", "/", "Idp.SignUp"), "cognito-idp");
  assert.equal(routes.serviceFor("POST", "/anything", "Identity.GetId"), "cognito-identity");
});

test("an operation of the same API that was not declared unsigned is nobody's", () => {
  const routes = table();
  assert.equal(routes.serviceFor("POST", "/", "Idp.AdminCreateUser"), undefined);
  assert.equal(routes.serviceFor("POST", "/", "Idp."), undefined);
  assert.equal(routes.serviceFor("POST", "/", "DynamoDB_20120810.ListTables"), undefined);
});

test("a request with a target is never routed by its path", () => {
  assert.equal(table().serviceFor("GET", "/us-east-1_abc/.well-known/jwks.json", "Other.Op"), undefined);
});

test("an unsigned path goes to its service when the method, the last segment and the whole form match", () => {
  const routes = table();
  assert.equal(routes.serviceFor("GET", "/us-east-1_abc/.well-known/jwks.json", undefined), "cognito-idp");
  assert.equal(routes.serviceFor("POST", "/us-east-1_abc/.well-known/jwks.json", undefined), undefined);
  assert.equal(routes.serviceFor("GET", "/bucket/jwks.json", undefined), undefined, "same last segment, other form: S3's");
  assert.equal(routes.serviceFor("GET", "/bucket/key", undefined), undefined);
  assert.equal(routes.serviceFor("GET", "/", undefined), undefined);
});

test("two services cannot claim the same unsigned target", () => {
  const routes = table();
  assert.throws(() => routes.add("other", { targets: ["Idp.SignUp"] }), /Idp\.SignUp is already cognito-idp's/);
});

// The table the local cloud builds from its services' declarations.
let tc: TestCloud;
before(async () => {
  tc = await startTestCloud();
});
after(() => tc.stop());

test("the local cloud routes Cognito's public operations and a pool's documents unsigned, and nothing else", () => {
  const route = (method: string, path: string, target?: string) => tc.cloud.unsignedServiceFor(method, path, target);
  assert.equal(route("POST", "/", "AWSCognitoIdentityProviderService.InitiateAuth"), "cognito-idp");
  assert.equal(route("POST", "/", "AWSCognitoIdentityProviderService.SignUp"), "cognito-idp");
  assert.equal(route("POST", "/", "AWSCognitoIdentityService.GetId"), "cognito-identity");
  assert.equal(route("POST", "/", "AWSCognitoIdentityService.GetCredentialsForIdentity"), "cognito-identity");
  assert.equal(route("GET", "/us-east-1_Abc123/.well-known/jwks.json"), "cognito-idp");
  assert.equal(route("GET", "/us-east-1_Abc123/.well-known/openid-configuration"), "cognito-idp");
  // Management operations need a signature; STS's GetCallerIdentity checks no IAM but is signed.
  assert.equal(route("POST", "/", "AWSCognitoIdentityProviderService.AdminCreateUser"), undefined);
  assert.equal(route("POST", "/", "AWSCognitoIdentityService.CreateIdentityPool"), undefined);
  assert.equal(route("POST", "/", "AWSSecurityTokenServiceV20110615.GetCallerIdentity"), undefined);
  assert.equal(route("GET", "/my-bucket/key"), undefined);
});

test("an unsigned JSON call no service takes gets AWS's missing-token error; one a service takes is served", async () => {
  const res = await fetch(`${tc.cloud.endpoint}/`, {
    method: "POST",
    headers: { "x-amz-target": "AWSCognitoIdentityService.CreateIdentityPool", "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify({ IdentityPoolName: "p", AllowUnauthenticatedIdentities: true }),
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.match(body.__type, /MissingAuthenticationTokenException$/);
  assert.equal(body.message, "Request is missing Authentication Token");

  // GetId, unsigned through the SDK (no credentials at all): routed, then answered by the service.
  const client = new CognitoIdentityClient({ endpoint: tc.cloud.endpoint, region: "us-east-1", signer: { sign: async (req) => req } });
  await assert.rejects(client.send(new GetIdCommand({ IdentityPoolId: "us-east-1:00000000-0000-0000-0000-000000000000" })), (err: any) => {
    assert.equal(err.name, "ResourceNotFoundException");
    return true;
  });
});
