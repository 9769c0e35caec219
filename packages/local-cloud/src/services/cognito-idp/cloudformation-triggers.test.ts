/**
 * User pools deployed by CloudFormation (pool, client, group, domain, as CDK writes them)
 * and their Lambda triggers run through the local Lambda with Cognito's events:
 * PreSignUp (auto-confirm and auto-verify; a thrown error is UserLambdaValidationException),
 * PostConfirmation, CustomMessage (the message the code would be sent in),
 * PreTokenGeneration (claims added and suppressed), Pre/PostAuthentication. An update
 * adds a custom attribute and changes the password policy in place.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CognitoIdentityProviderClient, SignUpCommand, ConfirmSignUpCommand, InitiateAuthCommand, DescribeUserPoolCommand, DescribeUserPoolClientCommand,
  GetGroupCommand, AdminGetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { type TestCloud } from "../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../test-fixtures.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { decodeJwt } from "../../auth/jwt-verify.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
const codes: { destination: string; purpose: string; code: string; message?: string }[] = [];
const ran: string[] = [];

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  tc.cloud.events.on("lambda:end", (e) => ran.push(e.functionName));
  return idp;
});

const role = {
  Type: "AWS::IAM::Role",
  Properties: { AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] } },
};
const lambdaFunction = (name: string, code: string) => ({
  Type: "AWS::Lambda::Function",
  Properties: { FunctionName: name, Runtime: "nodejs22.x", Handler: "index.handler", Role: { "Fn::GetAtt": ["Role", "Arn"] }, Code: { ZipFile: code } },
});

const PRE_SIGN_UP = `exports.handler = async (event) => {
  const email = event.request.userAttributes.email || "";
  if (email.endsWith("@blocked.test")) throw new Error("blocked domain");
  if (email.endsWith("@auto.test")) { event.response.autoConfirmUser = true; event.response.autoVerifyEmail = true; }
  return event;
};`;
const PRE_TOKEN = `exports.handler = async (event) => {
  event.response = { claimsOverrideDetails: { claimsToAddOrOverride: { tenant: "acme", source: event.triggerSource }, claimsToSuppress: ["custom:plan"] } };
  return event;
};`;
const CUSTOM_MESSAGE = `exports.handler = async (event) => {
  if (event.triggerSource === "CustomMessage_SignUp") { event.response.emailSubject = "Welcome"; event.response.emailMessage = "Welcome! Your code is " + event.request.codeParameter; }
  return event;
};`;
const ECHO = `exports.handler = async (event) => event;`;

function template(stack: string, extraSchema: object[] = [], minimumLength = 8) {
  const fn = (name: string, code: string) => lambdaFunction(stack === "auth" ? name : `${stack}-${name}`, code);
  return {
    Resources: {
      Role: role,
      PreSignUp: fn("pre-sign-up", PRE_SIGN_UP),
      PostConfirmation: fn("post-confirmation", ECHO),
      PreAuthentication: fn("pre-authentication", ECHO),
      PostAuthentication: fn("post-authentication", ECHO),
      PreToken: fn("pre-token", PRE_TOKEN),
      CustomMessage: fn("custom-message", CUSTOM_MESSAGE),
      Pool: {
        Type: "AWS::Cognito::UserPool",
        Properties: {
          UserPoolName: "app-users",
          UsernameAttributes: ["email"],
          AutoVerifiedAttributes: ["email"],
          UsernameConfiguration: { CaseSensitive: false },
          Policies: { PasswordPolicy: { MinimumLength: minimumLength, RequireLowercase: true, RequireUppercase: true, RequireDigits: undefined, RequireNumbers: true, RequireSymbols: true } },
          Schema: [{ Name: "plan", AttributeDataType: "String", Mutable: true, StringAttributeConstraints: { MinLength: "1", MaxLength: "20" } }, ...extraSchema],
          AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
          AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
          VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_CODE", EmailMessage: "The verification code to your new account is {####}", EmailSubject: "Verify your new account" },
          LambdaConfig: {
            PreSignUp: { "Fn::GetAtt": ["PreSignUp", "Arn"] }, PostConfirmation: { "Fn::GetAtt": ["PostConfirmation", "Arn"] },
            PreAuthentication: { "Fn::GetAtt": ["PreAuthentication", "Arn"] }, PostAuthentication: { "Fn::GetAtt": ["PostAuthentication", "Arn"] },
            PreTokenGeneration: { "Fn::GetAtt": ["PreToken", "Arn"] }, CustomMessage: { "Fn::GetAtt": ["CustomMessage", "Arn"] },
          },
        },
      },
      // As CDK's UserPoolClient writes it by default, with password sign-in allowed.
      Client: {
        Type: "AWS::Cognito::UserPoolClient",
        Properties: {
          UserPoolId: { Ref: "Pool" }, AllowedOAuthFlows: ["implicit", "code"], AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthScopes: ["profile", "phone", "email", "openid", "aws.cognito.signin.user.admin"], CallbackURLs: ["https://example.com"],
          SupportedIdentityProviders: ["COGNITO"], ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], IdTokenValidity: 30, TokenValidityUnits: { IdToken: "minutes" },
        },
      },
      Admins: { Type: "AWS::Cognito::UserPoolGroup", Properties: { UserPoolId: { Ref: "Pool" }, GroupName: "admins", Precedence: "1" } },
      Domain: { Type: "AWS::Cognito::UserPoolDomain", Properties: { UserPoolId: { Ref: "Pool" }, Domain: `${stack}-my-app` } },
    },
    Outputs: {
      PoolId: { Value: { Ref: "Pool" } }, PoolArn: { Value: { "Fn::GetAtt": ["Pool", "Arn"] } }, ProviderUrl: { Value: { "Fn::GetAtt": ["Pool", "ProviderURL"] } },
      ClientId: { Value: { Ref: "Client" } }, Domain: { Value: { "Fn::GetAtt": ["Domain", "CloudFrontDistribution"] } },
    },
  };
}

test("a user pool deployed by CloudFormation signs users up and in, running its triggers", { timeout: 120_000 }, async () => {
  const { outputs } = await deployTestStack(tc.cloud, "auth", template("auth"));
  const poolId = outputs.PoolId!;
  const clientId = outputs.ClientId!;
  assert.match(poolId, /^us-east-1_[0-9A-Za-z]{9}$/);
  assert.equal(outputs.PoolArn, `arn:aws:cognito-idp:us-east-1:000000000000:userpool/${poolId}`);
  assert.equal(outputs.ProviderUrl, `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);
  assert.equal(outputs.Domain, "auth-my-app.auth.us-east-1.amazoncognito.com");
  const { UserPool } = await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.equal(UserPool!.Name, "app-users");
  assert.equal(UserPool!.Domain, "auth-my-app");
  assert.match(UserPool!.LambdaConfig!.PreSignUp!, /:function:pre-sign-up$/);
  const { UserPoolClient } = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }));
  assert.deepEqual(UserPoolClient!.AllowedOAuthFlows, ["implicit", "code"]);
  assert.equal((await idp.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: "admins" }))).Group!.Precedence, 1);

  // PreSignUp refuses a domain: Cognito's wording.
  await rejectsWithAwsError(idp.send(new SignUpCommand({ ClientId: clientId, Username: "x@blocked.test", Password: "Passw0rd!" })), "UserLambdaValidationException", "PreSignUp failed with error blocked domain.");

  // PreSignUp confirms and verifies another.
  const auto = await idp.send(new SignUpCommand({ ClientId: clientId, Username: "amy@auto.test", Password: "Passw0rd!" }));
  assert.equal(auto.UserConfirmed, true);
  assert.equal(auto.CodeDeliveryDetails, undefined);
  const got = await idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "amy@auto.test" }));
  assert.equal(got.UserAttributes!.find((a) => a.Name === "email_verified")!.Value, "true");
  assert.ok(ran.includes("post-confirmation"), "PostConfirmation ran for the auto-confirmed user");

  // Anyone else gets a code, in the CustomMessage trigger's words.
  await idp.send(new SignUpCommand({ ClientId: clientId, Username: "bea@example.com", Password: "Passw0rd!", UserAttributes: [{ Name: "custom:plan", Value: "pro" }] }));
  const sent = [...codes].reverse().find((c) => c.destination === "bea@example.com")!;
  assert.equal(sent.message, `Welcome! Your code is ${sent.code}`);
  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: "bea@example.com", ConfirmationCode: sent.code }));

  ran.length = 0;
  const { AuthenticationResult } = await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "bea@example.com", PASSWORD: "Passw0rd!" } }));
  const id = decodeJwt(AuthenticationResult!.IdToken!)!.payload;
  assert.equal(id.tenant, "acme");
  assert.equal(id.source, "TokenGeneration_Authentication");
  assert.equal(id["custom:plan"], undefined, "suppressed by PreTokenGeneration");
  assert.equal(id.exp - id.iat, 30 * 60, "IdTokenValidity in minutes");
  assert.deepEqual(["pre-authentication", "pre-token", "post-authentication"].filter((f) => ran.includes(f)), ["pre-authentication", "pre-token", "post-authentication"]);
});

test("an update adds a custom attribute and changes the password policy in place", { timeout: 120_000 }, async () => {
  const first = await deployTestStack(tc.cloud, "auth2", template("auth2"));
  const updated = await deployTestStack(tc.cloud, "auth2", template("auth2", [{ Name: "team", AttributeDataType: "String", Mutable: true }], 12), true);
  assert.equal(updated.outputs.PoolId, first.outputs.PoolId);
  const { UserPool } = await idp.send(new DescribeUserPoolCommand({ UserPoolId: updated.outputs.PoolId }));
  assert.ok(UserPool!.SchemaAttributes!.some((a) => a.Name === "custom:team"));
  assert.equal(UserPool!.Policies!.PasswordPolicy!.MinimumLength, 12);
  await rejectsWithAwsError(idp.send(new SignUpCommand({ ClientId: updated.outputs.ClientId, Username: "cat@example.com", Password: "Passw0rd!" })), "InvalidPasswordException");
  await tc.cloud.cloudformation.call("DeleteStack", { StackName: "auth2" });
  await rejectsWithAwsError(idp.send(new DescribeUserPoolCommand({ UserPoolId: updated.outputs.PoolId })), "ResourceNotFoundException");
});
