/**
 * CUSTOM_AUTH with the three challenge triggers, as a passwordless sign-in does it: the
 * CreateAuthChallenge function "sends" a code (its log line), the client answers it, and
 * DefineAuthChallenge decides from the `session` of results (three wrong answers fail).
 * Real clients: SDK v3 (InitiateAuth / AdminInitiateAuth and the Respond calls),
 * amazon-cognito-identity-js (CUSTOM_AUTH starting with SRP_A, then PASSWORD_VERIFIER,
 * then the custom challenge) and the AWS CLI. Functions and pool are deployed by
 * CloudFormation, as an app's stack would.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AdminCreateUserCommand, AdminInitiateAuthCommand, AdminRespondToAuthChallengeCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient,
  CreateUserPoolClientCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, DescribeUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from "amazon-cognito-identity-js";
import { awsCli, type TestCloud } from "../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../test-fixtures.js";
import { deployTestStack } from "../../cloudformation/resources/test-stack.js";
import { inlineTriggerFunctions } from "./trigger-functions.testing.js";
import { decodeJwt } from "../../auth/jwt-verify.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
const logs: { functionName: string; line: string }[] = [];

// Passwordless: after SRP_A the password comes first; otherwise up to three tries at a code.
const DEFINE = `exports.handler = async (event) => {
  const s = event.request.session;
  console.log("SESSION " + JSON.stringify(s));
  console.log("USERNOTFOUND " + event.request.userNotFound + " " + event.userName);
  const r = event.response;
  if (s.length === 1 && s[0].challengeName === "SRP_A") { r.challengeName = "PASSWORD_VERIFIER"; r.issueTokens = false; r.failAuthentication = false; return event; }
  const tries = s.filter((c) => c.challengeName === "CUSTOM_CHALLENGE");
  if (tries.length && tries[tries.length - 1].challengeResult) { r.issueTokens = true; r.failAuthentication = false; }
  else if (tries.length >= 3) { r.issueTokens = false; r.failAuthentication = true; }
  else { r.challengeName = "CUSTOM_CHALLENGE"; r.issueTokens = false; r.failAuthentication = false; }
  return event;
};`;
const CREATE = `exports.handler = async (event) => {
  const code = String(Math.floor(100000 + Math.random() * 900000));
  console.log("SEND " + event.request.userAttributes.email + " " + code + " round " + event.request.session.length);
  event.response.publicChallengeParameters = { email: event.request.userAttributes.email, hint: "code sent" };
  event.response.privateChallengeParameters = { answer: code };
  event.response.challengeMetadata = "CODE-" + event.request.session.length;
  return event;
};`;
const VERIFY = `exports.handler = async (event) => {
  event.response.answerCorrect = event.request.privateChallengeParameters.answer === event.request.challengeAnswer;
  return event;
};`;

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("lambda:log", (e) => logs.push(e));
  const { outputs } = await deployTestStack(tc.cloud, "passwordless", {
    Resources: {
      ...inlineTriggerFunctions({ Define: { name: "define-auth", code: DEFINE }, Create: { name: "create-auth", code: CREATE }, Verify: { name: "verify-auth", code: VERIFY } }),
      Pool: {
        Type: "AWS::Cognito::UserPool",
        Properties: {
          UserPoolName: "passwordless", AutoVerifiedAttributes: ["email"],
          LambdaConfig: {
            DefineAuthChallenge: { "Fn::GetAtt": ["Define", "Arn"] }, CreateAuthChallenge: { "Fn::GetAtt": ["Create", "Arn"] },
            VerifyAuthChallengeResponse: { "Fn::GetAtt": ["Verify", "Arn"] },
          },
        },
      },
      Client: { Type: "AWS::Cognito::UserPoolClient", Properties: { UserPoolId: { Ref: "Pool" }, ExplicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } },
    },
    Outputs: { PoolId: { Value: { Ref: "Pool" } }, ClientId: { Value: { Ref: "Client" } } },
  });
  poolId = outputs.PoolId!;
  clientId = outputs.ClientId!;
  for (const name of ["ann", "bob", "cat", "dan"]) {
    await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: name, MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: `${name}@example.com` }, { Name: "email_verified", Value: "true" }] }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: name, Password: "Passw0rd!", Permanent: true }));
  }
  return idp;
});

/** The code CreateAuthChallenge last "sent" to this address. */
function sentCode(email: string): string {
  const line = [...logs].reverse().find((l) => l.line.includes(`SEND ${email} `));
  assert.ok(line, `no code sent to ${email}`);
  return /SEND \S+ (\d{6})/.exec(line.line)![1]!;
}
const sessions = () => logs.filter((l) => l.functionName === "define-auth" && l.line.includes("SESSION ")).map((l) => JSON.parse(l.line.slice(l.line.indexOf("SESSION ") + 8)));

test("passwordless CUSTOM_AUTH: a code is sent, a wrong answer gets another round, the right one signs in", async () => {
  const started = await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ann" } }));
  assert.equal(started.ChallengeName, "CUSTOM_CHALLENGE");
  assert.deepEqual(started.ChallengeParameters, { email: "ann@example.com", hint: "code sent", USERNAME: "ann" });
  assert.ok(started.Session && started.Session.length >= 20);
  assert.deepEqual(sessions().at(-1), []);

  const wrong = await idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "ann", ANSWER: "000000" } }));
  assert.equal(wrong.ChallengeName, "CUSTOM_CHALLENGE");
  assert.notEqual(wrong.Session, started.Session);
  assert.deepEqual(sessions().at(-1), [{ challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "CODE-0" }]);
  // A session is good once.
  await rejectsWithAwsError(idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "ann", ANSWER: sentCode("ann@example.com") } })), "NotAuthorizedException", /Invalid session/);

  const done = await idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: wrong.Session, ChallengeResponses: { USERNAME: "ann", ANSWER: sentCode("ann@example.com") } }));
  assert.equal(done.ChallengeName, undefined);
  assert.ok(done.AuthenticationResult?.RefreshToken);
  const claims = decodeJwt(done.AuthenticationResult!.IdToken!)!.payload;
  assert.equal(claims["cognito:username"], "ann");
  assert.deepEqual(sessions().at(-1).map((c: any) => c.challengeResult), [false, true]);
});

test("three wrong answers: DefineAuthChallenge fails the sign-in (NotAuthorizedException)", async () => {
  let step = await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "bob" } }));
  for (let i = 0; i < 2; i++) {
    step = await idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: step.Session, ChallengeResponses: { USERNAME: "bob", ANSWER: "nope" } }));
    assert.equal(step.ChallengeName, "CUSTOM_CHALLENGE");
  }
  await rejectsWithAwsError(idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: step.Session, ChallengeResponses: { USERNAME: "bob", ANSWER: "nope" } })), "NotAuthorizedException", "Incorrect username or password.");
});

test("AdminInitiateAuth / AdminRespondToAuthChallenge run the same custom flow", async () => {
  const started = await idp.send(new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "cat" }, ClientMetadata: { via: "admin" } }));
  assert.equal(started.ChallengeName, "CUSTOM_CHALLENGE");
  const done = await idp.send(new AdminRespondToAuthChallengeCommand({ UserPoolId: poolId, ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "cat", ANSWER: sentCode("cat@example.com") } }));
  assert.ok(done.AuthenticationResult?.AccessToken);
});

test("amazon-cognito-identity-js: CUSTOM_AUTH with SRP_A proves the password first, then answers the custom challenge", async () => {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: tc.cloud.endpoint + "/" });
  const user = new CognitoUser({ Username: "dan", Pool: pool });
  user.setAuthenticationFlowType("CUSTOM_AUTH");
  const session = await new Promise<CognitoUserSession>((resolve, reject) => {
    const callbacks = {
      onSuccess: resolve, onFailure: reject,
      customChallenge: (params: Record<string, string>) => {
        assert.equal(params.email, "dan@example.com");
        user.sendCustomChallengeAnswer(sentCode("dan@example.com"), callbacks);
      },
    };
    user.authenticateUser(new AuthenticationDetails({ Username: "dan", Password: "Passw0rd!" }), callbacks);
  });
  assert.equal(session.getIdToken().payload["cognito:username"], "dan");
  assert.deepEqual(sessions().at(-1).map((c: any) => [c.challengeName, c.challengeResult]), [["SRP_A", true], ["PASSWORD_VERIFIER", true], ["CUSTOM_CHALLENGE", true]]);
  // A wrong password in the same flow fails at PASSWORD_VERIFIER.
  const other = new CognitoUser({ Username: "dan", Pool: pool });
  other.setAuthenticationFlowType("CUSTOM_AUTH");
  await assert.rejects(new Promise((resolve, reject) => other.authenticateUser(new AuthenticationDetails({ Username: "dan", Password: "Wr0ng!pass" }), { onSuccess: resolve, onFailure: reject, customChallenge: () => reject(new Error("reached the custom challenge")) })),
    (e: any) => e.code === "NotAuthorizedException");
});

test("CUSTOM_AUTH errors in Cognito's words", async () => {
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "no-custom", ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }));
  await rejectsWithAwsError(idp.send(new InitiateAuthCommand({ ClientId: UserPoolClient!.ClientId!, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ann" } })), "InvalidParameterException", /Custom auth flow not enabled/);
  await rejectsWithAwsError(idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "nobody" } })), "UserNotFoundException");
  await rejectsWithAwsError(idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: {} })), "InvalidParameterException", /USERNAME/);
  const started = await idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ann" } }));
  await rejectsWithAwsError(idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "ann" } })), "InvalidParameterException", /ANSWER/);
  // The session names its user: another user's name does not take it over.
  await rejectsWithAwsError(idp.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "bob", ANSWER: "1" } })), "NotAuthorizedException");
  // A pool without DefineAuthChallenge.
  const { UserPool } = await idp.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.match(UserPool!.LambdaConfig!.DefineAuthChallenge!, /:function:define-auth$/);
  const plain = await tc.cloud.cognitoidp.call("CreateUserPool", { PoolName: "plain" });
  const plainClient = await tc.cloud.cognitoidp.call("CreateUserPoolClient", { UserPoolId: plain.UserPool.Id, ClientName: "c" });
  await rejectsWithAwsError(idp.send(new InitiateAuthCommand({ ClientId: plainClient.UserPoolClient.ClientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ann" } })), "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.");
});

test("a client hiding user existence runs the rounds for an unknown name (userNotFound: true) and never signs it in", async () => {
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "hiding", PreventUserExistenceErrors: "ENABLED", ExplicitAuthFlows: ["ALLOW_CUSTOM_AUTH"] }));
  const hiding = UserPoolClient!.ClientId!;
  const started = await idp.send(new InitiateAuthCommand({ ClientId: hiding, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ghost" } }));
  assert.equal(started.ChallengeName, "CUSTOM_CHALLENGE");
  assert.equal(started.ChallengeParameters!.USERNAME, "ghost");
  assert.ok(logs.some((l) => l.line.includes("USERNOTFOUND true ghost")));
  // Even the code the function made is not enough: there is no one to sign in.
  await rejectsWithAwsError(idp.send(new RespondToAuthChallengeCommand({ ClientId: hiding, ChallengeName: "CUSTOM_CHALLENGE", Session: started.Session, ChallengeResponses: { USERNAME: "ghost", ANSWER: sentCode("undefined") } })), "NotAuthorizedException", "Incorrect username or password.");
  // A real user through the same client signs in, with userNotFound false.
  const real = await idp.send(new InitiateAuthCommand({ ClientId: hiding, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "ann" } }));
  assert.ok(logs.some((l) => l.line.includes("USERNOTFOUND false ann")));
  const done = await idp.send(new RespondToAuthChallengeCommand({ ClientId: hiding, ChallengeName: "CUSTOM_CHALLENGE", Session: real.Session, ChallengeResponses: { USERNAME: "ann", ANSWER: sentCode("ann@example.com") } }));
  assert.ok(done.AuthenticationResult?.IdToken);
});

test("the AWS CLI signs in with CUSTOM_AUTH", async (t) => {
  const aws = awsCli(tc.cloud.endpoint);
  if (!aws) return t.skip("no AWS CLI installed");
  const started = await aws("cognito-idp", "initiate-auth", "--client-id", clientId, "--auth-flow", "CUSTOM_AUTH", "--auth-parameters", "USERNAME=ann");
  assert.equal(started.ChallengeName, "CUSTOM_CHALLENGE");
  const done = await aws("cognito-idp", "respond-to-auth-challenge", "--client-id", clientId, "--challenge-name", "CUSTOM_CHALLENGE", `--session=${started.Session}`, // "=": a base64url session may start with "-"
    "--challenge-responses", `USERNAME=ann,ANSWER=${sentCode("ann@example.com")}`);
  assert.ok(done.AuthenticationResult.IdToken);
});
