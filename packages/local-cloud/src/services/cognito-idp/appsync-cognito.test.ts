/**
 * AppSync's AMAZON_COGNITO_USER_POOLS mode with a user pool of the local Cognito, all
 * deployed by CloudFormation: the pool's real tokens pass (and its groups open
 * `@aws_cognito_user_pools(cognito_groups:)` fields), a token tampered with after
 * signing and another local pool's token are 401, as on AWS.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";

let tc: TestCloud;
let outputs: Record<string, string>;

const SCHEMA = `
type Query {
  whoami: AWSJSON
  admins: String @aws_cognito_user_pools(cognito_groups: ["admins"])
}
`;

before(async () => {
  tc = await startTestCloud();
  const none = (field: string, tpl: string, response = "$util.toJson($ctx.result)") => ({
    Type: "AWS::AppSync::Resolver", DependsOn: ["Schema"],
    Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] }, TypeName: "Query", FieldName: field, DataSourceName: { "Fn::GetAtt": ["None", "Name"] }, RequestMappingTemplate: tpl, ResponseMappingTemplate: response },
  });
  ({ outputs } = await deployTestStack(tc.cloud, "graph", {
    Resources: {
      Pool: { Type: "AWS::Cognito::UserPool", Properties: {} },
      Other: { Type: "AWS::Cognito::UserPool", Properties: {} },
      Client: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "Pool" }, ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } },
      OtherClient: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "Other" }, ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } },
      Admins: { Type: "AWS::Cognito::UserPoolGroup", Properties: { UserPoolId: { Ref: "Pool" }, GroupName: "admins" } },
      Api: { Type: "AWS::AppSync::GraphQLApi", Properties: { Name: "graph", AuthenticationType: "AMAZON_COGNITO_USER_POOLS", UserPoolConfig: { UserPoolId: { Ref: "Pool" }, AwsRegion: "us-east-1", DefaultAction: "ALLOW" } } },
      Schema: { Type: "AWS::AppSync::GraphQLSchema", Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] }, Definition: SCHEMA } },
      None: { Type: "AWS::AppSync::DataSource", Properties: { ApiId: { "Fn::GetAtt": ["Api", "ApiId"] }, Name: "none", Type: "NONE" } },
      Whoami: none("whoami", `{"version":"2017-02-28","payload":$util.toJson($ctx.identity)}`, "$util.toJson($util.toJson($ctx.result))"),
      AdminsField: none("admins", `{"version":"2017-02-28","payload":"admins!"}`),
    },
    Outputs: {
      Url: { Value: { "Fn::GetAtt": ["Api", "GraphQLUrl"] } }, Pool: { Value: { Ref: "Pool" } }, Client: { Value: { Ref: "Client" } },
      Other: { Value: { Ref: "Other" } }, OtherClient: { Value: { Ref: "OtherClient" } },
    },
  }));
});
after(async () => {
  await tc?.stop();
});

async function tokensFor(pool: string, client: string, username: string, groups: string[] = []) {
  const idp = tc.cloud.cognitoidp;
  await idp.call("AdminCreateUser", { UserPoolId: pool, Username: username, MessageAction: "SUPPRESS" });
  await idp.call("AdminSetUserPassword", { UserPoolId: pool, Username: username, Password: "Passw0rd!", Permanent: true });
  for (const group of groups) await idp.call("AdminAddUserToGroup", { UserPoolId: pool, Username: username, GroupName: group });
  const out = await idp.call("AdminInitiateAuth", { UserPoolId: pool, ClientId: client, AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD: "Passw0rd!" } });
  return out.AuthenticationResult as { IdToken: string; AccessToken: string };
}

const gql = async (query: string, authorization: string) => {
  const res = await fetch(outputs.Url!, { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as any };
};

test("the pool's tokens pass, with its groups; tampered and another pool's tokens are 401", { timeout: 60_000 }, async () => {
  const admin = await tokensFor(outputs.Pool!, outputs.Client!, "ada", ["admins"]);
  const ok = await gql("{ whoami admins }", admin.AccessToken);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.data.admins, "admins!");
  const identity = JSON.parse(ok.body.data.whoami);
  assert.equal(identity.username, "ada");
  assert.deepEqual(identity.groups, ["admins"]);
  assert.equal(identity.issuer, `https://cognito-idp.us-east-1.amazonaws.com/${outputs.Pool}`);

  const plain = await tokensFor(outputs.Pool!, outputs.Client!, "bob");
  const denied = await gql("{ admins }", plain.IdToken);
  assert.equal(denied.body.data.admins, null);

  const [h, p, s] = plain.AccessToken.split(".");
  const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
  const promoted = `${h}.${Buffer.from(JSON.stringify({ ...claims, "cognito:groups": ["admins"] })).toString("base64url")}.${s}`;
  assert.equal((await gql("{ admins }", promoted)).status, 401);

  const stranger = await tokensFor(outputs.Other!, outputs.OtherClient!, "eve");
  assert.equal((await gql("{ whoami }", stranger.AccessToken)).status, 401);
});
