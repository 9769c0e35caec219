import { test } from "node:test";
import assert from "node:assert/strict";
import { localUrlOf, type LocalUrlContext } from "./local-urls.js";

const ctx: LocalUrlContext = {
  region: "us-east-1",
  endpoint: "http://127.0.0.1:4570",
  typeOfPhysicalId: (id) => ({ "my-app-auth": "AWS::Cognito::UserPoolDomain", abcdefghij: "AWS::ApiGatewayV2::Api", "some-bucket": "AWS::S3::Bucket" })[id],
};

test("a user pool domain's hosted UI URL (CDK's baseUrl / signInUrl) becomes its local URL, path and query kept", () => {
  assert.equal(localUrlOf("https://my-app-auth.auth.us-east-1.amazoncognito.com", ctx), "http://my-app-auth.auth.us-east-1.localhost:4570");
  assert.equal(
    localUrlOf("https://my-app-auth.auth.us-east-1.amazoncognito.com/login?client_id=abc&response_type=code&redirect_uri=https://x.example.com", ctx),
    "http://my-app-auth.auth.us-east-1.localhost:4570/login?client_id=abc&response_type=code&redirect_uri=https://x.example.com",
  );
  assert.equal(localUrlOf("https://abcdefghij.execute-api.us-east-1.amazonaws.com/", ctx), "http://abcdefghij.execute-api.localhost:4570/", "API URLs still");
});

test("lookalikes stay: another region, a prefix the stack did not deploy as a domain", () => {
  for (const s of [
    "https://my-app-auth.auth.eu-west-1.amazoncognito.com",
    "https://other-domain.auth.us-east-1.amazoncognito.com/login",
    "https://some-bucket.auth.us-east-1.amazoncognito.com",
    "see https://my-app-auth.auth.us-east-1.amazoncognito.com",
  ]) assert.equal(localUrlOf(s, ctx), s);
});
