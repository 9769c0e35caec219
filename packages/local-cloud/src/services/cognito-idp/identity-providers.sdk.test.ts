/**
 * A pool's federated identity providers through the AWS SDK v3: create / describe / list /
 * update / delete and by identifier, with Cognito's checks (the social providers' fixed
 * names, the details each type needs, unique names and identifiers) and app clients that
 * may only name providers the pool has; and the AWS CLI's round trip.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient, CreateIdentityProviderCommand, CreateUserPoolClientCommand, CreateUserPoolCommand, DeleteIdentityProviderCommand,
  DescribeIdentityProviderCommand, GetIdentityProviderByIdentifierCommand, ListIdentityProvidersCommand, UpdateIdentityProviderCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { awsCli, awsCliPath, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../test-fixtures.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: "idps" }))).UserPool!.Id!;
  return idp;
});

const OIDC = { client_id: "app", client_secret: "s3cret", authorize_scopes: "openid email", attributes_request_method: "GET", oidc_issuer: "https://issuer.example.com" };
const create = (ProviderName: string, ProviderType: any, ProviderDetails: Record<string, string>, extra: Record<string, any> = {}) =>
  idp.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ProviderName, ProviderType, ProviderDetails, ...extra }));

test("an OIDC provider is described with Cognito's defaults, found by its identifiers, listed and updated", async () => {
  const made = await create("Corp", "OIDC", OIDC, { AttributeMapping: { email: "email" }, IdpIdentifiers: ["corp.example.com"] });
  assert.equal(made.IdentityProvider!.ProviderType, "OIDC");
  const { IdentityProvider: p } = await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Corp" }));
  assert.deepEqual(p!.AttributeMapping, { email: "email", username: "sub" });
  assert.deepEqual(p!.ProviderDetails, { ...OIDC, attributes_url_add_attributes: "false" });
  assert.ok(p!.CreationDate instanceof Date);
  const byId = await idp.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: "CORP.example.com" }));
  assert.equal(byId.IdentityProvider!.ProviderName, "Corp");
  const updated = await idp.send(new UpdateIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Corp", ProviderDetails: { authorize_scopes: "openid" }, IdpIdentifiers: [] }));
  assert.equal(updated.IdentityProvider!.ProviderDetails!.authorize_scopes, "openid");
  assert.equal(updated.IdentityProvider!.ProviderDetails!.client_secret, "s3cret", "details not sent are kept");
  await rejectsWithAwsError(idp.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: "corp.example.com" })), "ResourceNotFoundException");
  await create("Google", "Google", { client_id: "g", client_secret: "s", authorize_scopes: "openid" });
  const first = await idp.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 1 }));
  assert.deepEqual(first.Providers!.map((x) => [x.ProviderName, x.ProviderType]), [["Corp", "OIDC"]]);
  const second = await idp.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 1, NextToken: first.NextToken }));
  assert.deepEqual(second.Providers!.map((x) => x.ProviderName), ["Google"]);
});

test("Cognito's checks: fixed social names, required details, duplicates, the name pattern", async () => {
  await rejectsWithAwsError(create("MyGoogle", "Google", { client_id: "g", client_secret: "s", authorize_scopes: "openid" }), "InvalidParameterException", "The provider name for provider type Google must be Google.");
  await rejectsWithAwsError(create("Facebook", "OIDC", OIDC), "InvalidParameterException", "Provider name Facebook is reserved.");
  await rejectsWithAwsError(create("NoClient", "OIDC", { ...OIDC, client_id: "" }), "InvalidParameterException", "client_id is a required field for provider type OIDC.");
  await rejectsWithAwsError(create("BadMethod", "OIDC", { ...OIDC, attributes_request_method: "PUT" }), "InvalidParameterException", "attributes_request_method must be GET or POST.");
  await rejectsWithAwsError(create("Partial", "OIDC", { ...OIDC, authorize_url: "https://issuer.example.com/auth" }), "InvalidParameterException", /missing token_url, attributes_url, jwks_uri/);
  await rejectsWithAwsError(create("Saml", "SAML", {}), "InvalidParameterException", "Either MetadataURL or MetadataFile is required for provider type SAML.");
  await rejectsWithAwsError(create("Corp", "OIDC", OIDC), "DuplicateProviderException", "A provider with the name Corp already exists in this user pool.");
  await create("Other", "OIDC", OIDC, { IdpIdentifiers: ["shared"] });
  await rejectsWithAwsError(create("Third", "OIDC", OIDC, { IdpIdentifiers: ["SHARED"] }), "DuplicateProviderException", "Identifier SHARED is already used by identity provider Other.");
  await rejectsWithAwsError(create("_underscore", "OIDC", OIDC), "InvalidParameterException", /Value '_underscore' at 'providerName' failed to satisfy constraint/);
});

test("app clients name only providers the pool has; a deleted provider is gone", async () => {
  await rejectsWithAwsError(
    idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web", SupportedIdentityProviders: ["COGNITO", "Okta"] })),
    "InvalidParameterException", `The provider Okta does not exist for User Pool ${poolId}`,
  );
  await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web", SupportedIdentityProviders: ["COGNITO", "Other"] }));
  await idp.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Other" }));
  await rejectsWithAwsError(idp.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Other" })), "ResourceNotFoundException", "Identity provider Other does not exist.");
  await rejectsWithAwsError(idp.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Other" })), "ResourceNotFoundException");
});

test("the AWS CLI creates a provider and gets Cognito's error for a missing one", { skip: !awsCliPath() && "no AWS CLI installed" }, async () => {
  const aws = awsCli(tc.cloud.endpoint)!;
  const details = JSON.stringify({ ...OIDC, oidc_issuer: "https://cli.example.com" });
  const made = await aws("cognito-idp", "create-identity-provider", "--user-pool-id", poolId, "--provider-name", "ViaCli", "--provider-type", "OIDC", "--provider-details", details, "--idp-identifiers", "cli.example.com");
  assert.equal(made.IdentityProvider.ProviderDetails.oidc_issuer, "https://cli.example.com");
  assert.deepEqual(made.IdentityProvider.IdpIdentifiers, ["cli.example.com"]);
  await assert.rejects(aws("cognito-idp", "describe-identity-provider", "--user-pool-id", poolId, "--provider-name", "Nope"), /ResourceNotFoundException.*Identity provider Nope does not exist\./s);
});
