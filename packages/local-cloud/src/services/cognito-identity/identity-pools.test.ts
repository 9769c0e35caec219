/**
 * Identity pools with the real `@aws-sdk/client-cognito-identity`, deployed by
 * CloudFormation as SST's Cognito construct writes them (a user pool and client, an
 * identity pool trusting them, authenticated and unauthenticated roles whose trust
 * policies name the pool, a role attachment): guests and signed-in users get session
 * credentials of their role, and the local IAM then allows and denies what the role's
 * policies say. Forged or foreign logins are refused as AWS refuses them.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { CognitoIdentityClient, GetIdCommand, GetCredentialsForIdentityCommand, GetOpenIdTokenCommand, DescribeIdentityPoolCommand, GetIdentityPoolRolesCommand } from "@aws-sdk/client-cognito-identity";
import { CognitoIdentityProviderClient, AdminCreateUserCommand, AdminSetUserPasswordCommand, AdminAddUserToGroupCommand, InitiateAuthCommand, ListUsersCommand } from "@aws-sdk/client-cognito-identity-provider";
import { SQSClient, ListQueuesCommand, CreateQueueCommand } from "@aws-sdk/client-sqs";
import { startTestCloud, type TestCloud } from "../../testing.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { decodeJwt } from "../../auth/jwt-verify.js";

let tc: TestCloud;
let identity: CognitoIdentityClient;
let idp: CognitoIdentityProviderClient;
let outputs: Record<string, string>;

const trust = (amr: string) => ({
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: "cognito-identity.amazonaws.com" },
    Condition: { StringEquals: { "cognito-identity.amazonaws.com:aud": { Ref: "IdentityPool" } }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr } },
  }],
});

before(async () => {
  tc = await startTestCloud();
  identity = new CognitoIdentityClient(tc.clientConfig);
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  ({ outputs } = await deployTestStack(tc.cloud, "ids", {
    Resources: {
      UserPool: { Type: "AWS::Cognito::UserPool", Properties: { UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"] } },
      Client: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "UserPool" }, ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } },
      IdentityPool: {
        Type: "AWS::Cognito::IdentityPool",
        Properties: {
          IdentityPoolName: "dev-app-Auth", AllowUnauthenticatedIdentities: true,
          CognitoIdentityProviders: [{ ProviderName: { "Fn::Join": ["", ["cognito-idp.us-east-1.", { Ref: "AWS::URLSuffix" }, "/", { Ref: "UserPool" }]] }, ClientId: { Ref: "Client" } }],
          SupportedLoginProviders: {}, OpenIdConnectProviderARNs: [],
        },
      },
      AuthRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust("authenticated") } },
      AuthPolicy: {
        Type: "AWS::IAM::Policy",
        Properties: { PolicyName: "auth", Roles: [{ Ref: "AuthRole" }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:ListQueues", "cognito-identity:*"], Resource: "*" }] } },
      },
      UnauthRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust("unauthenticated") } },
      UnauthPolicy: {
        Type: "AWS::IAM::Policy",
        Properties: { PolicyName: "unauth", Roles: [{ Ref: "UnauthRole" }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["mobileanalytics:PutEvents"], Resource: "*" }] } },
      },
      // Users of the "power" group get its role, through the ID token's cognito:preferred_role.
      PowerRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust("authenticated") } },
      PowerPolicy: {
        Type: "AWS::IAM::Policy",
        Properties: { PolicyName: "power", Roles: [{ Ref: "PowerRole" }], PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["sqs:CreateQueue", "sqs:ListQueues"], Resource: "*" }] } },
      },
      Power: { Type: "AWS::Cognito::UserPoolGroup", Properties: { UserPoolId: { Ref: "UserPool" }, GroupName: "power", RoleArn: { "Fn::GetAtt": ["PowerRole", "Arn"] } } },
      Attachment: {
        Type: "AWS::Cognito::IdentityPoolRoleAttachment",
        Properties: {
          IdentityPoolId: { Ref: "IdentityPool" }, Roles: { authenticated: { "Fn::GetAtt": ["AuthRole", "Arn"] }, unauthenticated: { "Fn::GetAtt": ["UnauthRole", "Arn"] } },
          RoleMappings: {
            users: {
              IdentityProvider: { "Fn::Join": ["", [{ "Fn::GetAtt": ["UserPool", "ProviderName"] }, ":", { Ref: "Client" }]] },
              Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole",
            },
          },
        },
      },
    },
    Outputs: {
      PoolId: { Value: { Ref: "UserPool" } }, ClientId: { Value: { Ref: "Client" } }, IdentityPoolId: { Value: { Ref: "IdentityPool" } },
      AuthRole: { Value: { "Fn::GetAtt": ["AuthRole", "Arn"] } }, Provider: { Value: { "Fn::GetAtt": ["UserPool", "ProviderName"] } },
    },
  }));
  await idp.send(new AdminCreateUserCommand({ UserPoolId: outputs.PoolId, Username: "jo@example.com", MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.PoolId, Username: "jo@example.com", Password: "Passw0rd!", Permanent: true }));
});
after(async () => {
  identity?.destroy();
  idp?.destroy();
  await tc?.stop();
});

const sqsWith = (c: { AccessKeyId?: string; SecretKey?: string; SessionToken?: string }) =>
  new SQSClient({ endpoint: tc.cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken } });

async function signedInIdToken(): Promise<string> {
  const r = await idp.send(new InitiateAuthCommand({ ClientId: outputs.ClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "jo@example.com", PASSWORD: "Passw0rd!" } }));
  return r.AuthenticationResult!.IdToken!;
}

test("the deployed identity pool and its roles", async () => {
  assert.match(outputs.IdentityPoolId!, /^us-east-1:[0-9a-f-]{36}$/);
  const pool = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: outputs.IdentityPoolId }));
  assert.equal(pool.IdentityPoolName, "dev-app-Auth");
  assert.deepEqual(pool.CognitoIdentityProviders, [{ ProviderName: outputs.Provider, ClientId: outputs.ClientId, ServerSideTokenCheck: false }]);
  const roles = await identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: outputs.IdentityPoolId }));
  assert.equal(roles.Roles!.authenticated, outputs.AuthRole);
});

test("a guest gets the unauthenticated role's credentials, which IAM holds to that role's policy", async () => {
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: outputs.IdentityPoolId }));
  assert.match(IdentityId!, /^us-east-1:[0-9a-f-]{36}$/);
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId }));
  assert.match(Credentials!.AccessKeyId!, /^ASIA/);
  assert.ok(Credentials!.Expiration! > new Date());
  await assert.rejects(sqsWith(Credentials!).send(new ListQueuesCommand({})), (e: any) => /not authorized to perform: sqs:ListQueues/i.test(e.message));
});

test("a signed-in user gets one identity and the authenticated role: allowed what it allows, denied the rest", async () => {
  const token = await signedInIdToken();
  const logins = { [outputs.Provider!]: token };
  const first = await identity.send(new GetIdCommand({ IdentityPoolId: outputs.IdentityPoolId, Logins: logins }));
  const again = await identity.send(new GetIdCommand({ IdentityPoolId: outputs.IdentityPoolId, Logins: { [outputs.Provider!]: await signedInIdToken() } }));
  assert.equal(again.IdentityId, first.IdentityId, "the same user, the same identity");
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: logins }));
  const sqs = sqsWith(Credentials!);
  await sqs.send(new ListQueuesCommand({}));
  await assert.rejects(sqs.send(new CreateQueueCommand({ QueueName: "nope" })), (e: any) => /not authorized to perform: sqs:CreateQueue/i.test(e.message));
  // The user's credentials are no admin's: user pool administration is denied.
  const asUser = new CognitoIdentityProviderClient({ endpoint: tc.cloud.endpoint, region: "us-east-1", credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretKey!, sessionToken: Credentials!.SessionToken } });
  await assert.rejects(asUser.send(new ListUsersCommand({ UserPoolId: outputs.PoolId })), (e: any) => e.name === "AccessDeniedException" && /cognito-idp:ListUsers/.test(e.message));
  asUser.destroy();
  // Without its login, an authenticated identity gets nothing.
  await assert.rejects(identity.send(new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId })), (e: any) => e.name === "NotAuthorizedException");
  const openId = await identity.send(new GetOpenIdTokenCommand({ IdentityId: first.IdentityId, Logins: logins }));
  const claims = decodeJwt(openId.Token!)!.payload;
  assert.equal(claims.sub, first.IdentityId);
  assert.equal(claims.aud, outputs.IdentityPoolId);
  assert.deepEqual(claims.amr.slice(0, 2), ["authenticated", outputs.Provider]);
});

test("a user in a group with a role gets that role through the Token role mapping", async () => {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: outputs.PoolId, Username: "pat@example.com", MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: outputs.PoolId, Username: "pat@example.com", Password: "Passw0rd!", Permanent: true }));
  await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: outputs.PoolId, Username: "pat@example.com", GroupName: "power" }));
  const r = await idp.send(new InitiateAuthCommand({ ClientId: outputs.ClientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "pat@example.com", PASSWORD: "Passw0rd!" } }));
  const logins = { [outputs.Provider!]: r.AuthenticationResult!.IdToken! };
  const { IdentityId } = await identity.send(new GetIdCommand({ IdentityPoolId: outputs.IdentityPoolId, Logins: logins }));
  const { Credentials } = await identity.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
  await sqsWith(Credentials!).send(new CreateQueueCommand({ QueueName: "power-queue" }));
});

test("forged, expired-looking and foreign logins are refused", async () => {
  const token = await signedInIdToken();
  const [h, p, s] = token.split(".");
  const payload = JSON.parse(Buffer.from(p!, "base64url").toString());
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "someone-else" })).toString("base64url")}.${s}`;
  await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: outputs.IdentityPoolId, Logins: { [outputs.Provider!]: forged } })),
    (e: any) => e.name === "NotAuthorizedException" && e.message === "Invalid login token. Couldn't verify signed token.");
  await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: outputs.IdentityPoolId, Logins: { "cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000": token } })),
    (e: any) => e.name === "NotAuthorizedException" && /not from a supported provider/.test(e.message));
  await assert.rejects(identity.send(new GetIdCommand({ IdentityPoolId: "us-east-1:00000000-0000-0000-0000-000000000000" })), (e: any) => e.name === "ResourceNotFoundException");
});
