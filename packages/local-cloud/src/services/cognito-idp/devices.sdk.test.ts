/**
 * Remembered devices with real clients: amazon-cognito-identity-js signs in (SRP, then the
 * SMS code), receives NewDeviceMetadata and confirms the device itself (ConfirmDevice with
 * its SRP verifier); its next sign-in proves the device (DEVICE_SRP_AUTH →
 * DEVICE_PASSWORD_VERIFIER) and, the device being remembered, skips MFA. SDK v3 lists, reads,
 * un-remembers and forgets the device.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  AdminCreateUserCommand, AdminListDevicesCommand, AdminSetUserMFAPreferenceCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient,
  CreateUserPoolClientCommand, CreateUserPoolCommand, ForgetDeviceCommand, GetDeviceCommand, ListDevicesCommand, SetUserPoolMfaConfigCommand, UpdateDeviceStatusCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession, type ICognitoStorage } from "amazon-cognito-identity-js";
import { type TestCloud } from "../../testing.js";
import { rejectsWithAwsError, useTestCloud } from "../../test-fixtures.js";

let tc: TestCloud;
let idp: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
const codes: { username: string; purpose: string; code: string }[] = [];

/** The browser's localStorage, where the library keeps the device key and its password. */
const stored = new Map<string, string>();
const storage: ICognitoStorage = {
  setItem: (k, v) => void stored.set(k, v), getItem: (k) => stored.get(k) ?? null, removeItem: (k) => void stored.delete(k), clear: () => stored.clear(),
};

useTestCloud(async (started) => {
  tc = started;
  idp = new CognitoIdentityProviderClient(tc.clientConfig);
  tc.cloud.events.on("cognito:code", (e) => codes.push(e));
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "devices", DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } }));
  poolId = UserPool!.Id!;
  await idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: poolId, MfaConfiguration: "OPTIONAL", SmsMfaConfiguration: { SmsAuthenticationMessage: "{####}" } }));
  clientId = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web" }))).UserPoolClient!.ClientId!;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: "eve", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "phone_number", Value: "+15555550123" }] }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "eve", Password: "Passw0rd!", Permanent: true }));
  await idp.send(new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: "eve", SMSMfaSettings: { Enabled: true, PreferredMfa: true } }));
  return idp;
});

/** Signs eve in as a browser would; says whether an MFA code was asked for. */
function browserSignIn(): Promise<{ session: CognitoUserSession; askedForCode: boolean }> {
  const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: tc.cloud.endpoint + "/", Storage: storage });
  const user = new CognitoUser({ Username: "eve", Pool: pool, Storage: storage });
  let askedForCode = false;
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (session: CognitoUserSession) => resolve({ session, askedForCode }),
      onFailure: reject,
      mfaRequired: () => {
        askedForCode = true;
        user.sendMFACode([...codes].reverse().find((c) => c.username === "eve" && c.purpose === "mfa")!.code, callbacks);
      },
    };
    user.authenticateUser(new AuthenticationDetails({ Username: "eve", Password: "Passw0rd!" }), callbacks);
  });
}

test("a new device is confirmed by the client; signing in from it again proves it and skips MFA", async () => {
  const first = await browserSignIn();
  assert.equal(first.askedForCode, true);
  const accessToken = first.session.getAccessToken().getJwtToken();
  const { Devices } = await idp.send(new ListDevicesCommand({ AccessToken: accessToken }));
  assert.equal(Devices!.length, 1);
  const deviceKey = Devices![0]!.DeviceKey!;
  assert.match(deviceKey, /^us-east-1_[0-9a-f-]{36}$/);
  assert.equal(Devices![0]!.DeviceAttributes!.find((a) => a.Name === "device_status")?.Value, "remembered");

  const second = await browserSignIn();
  assert.equal(second.askedForCode, false, "a remembered device skips MFA");
  // No second device: the sign-in came from the known one.
  const after = await idp.send(new AdminListDevicesCommand({ UserPoolId: poolId, Username: "eve" }));
  assert.deepEqual(after.Devices!.map((d) => d.DeviceKey), [deviceKey]);
  assert.ok((await idp.send(new GetDeviceCommand({ AccessToken: accessToken, DeviceKey: deviceKey }))).Device?.DeviceLastAuthenticatedDate);

  // Not remembered any more: the device is still proven, and MFA is asked again.
  await idp.send(new UpdateDeviceStatusCommand({ AccessToken: accessToken, DeviceKey: deviceKey, DeviceRememberedStatus: "not_remembered" }));
  const third = await browserSignIn();
  assert.equal(third.askedForCode, true);
  assert.equal((await idp.send(new ListDevicesCommand({ AccessToken: accessToken }))).Devices!.length, 1);

  await idp.send(new ForgetDeviceCommand({ AccessToken: accessToken, DeviceKey: deviceKey }));
  await rejectsWithAwsError(idp.send(new GetDeviceCommand({ AccessToken: accessToken, DeviceKey: deviceKey })), "ResourceNotFoundException");
  // The forgotten key is a new device again: MFA, and a new device is confirmed.
  const fourth = await browserSignIn();
  assert.equal(fourth.askedForCode, true);
  const now = await idp.send(new ListDevicesCommand({ AccessToken: fourth.session.getAccessToken().getJwtToken() }));
  assert.equal(now.Devices!.length, 1);
  assert.notEqual(now.Devices![0]!.DeviceKey, deviceKey);
});

test("a pool without DeviceConfiguration hands out no NewDeviceMetadata", async () => {
  const { UserPool } = await idp.send(new CreateUserPoolCommand({ PoolName: "no-devices" }));
  const client = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: UserPool!.Id!, ClientName: "c", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }))).UserPoolClient!.ClientId!;
  await idp.send(new AdminCreateUserCommand({ UserPoolId: UserPool!.Id!, Username: "fay", MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: UserPool!.Id!, Username: "fay", Password: "Passw0rd!", Permanent: true }));
  const signed = await idp.send(new InitiateAuthCommand({ ClientId: client, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "fay", PASSWORD: "Passw0rd!" } }));
  assert.ok(signed.AuthenticationResult?.AccessToken);
  assert.equal(signed.AuthenticationResult?.NewDeviceMetadata, undefined);
});
