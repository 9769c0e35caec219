/**
 * Benchmark: what the local Cognito costs, beside baselines measured in the same run.
 *
 *   node --import tsx bench/cognito.ts [rounds]
 *
 * Medians over `rounds` (default 5) of µs CPU per call, in-process (no HTTP):
 *  - an HTTP API JWT authorizer check of a local user pool's ID token, the keys read from
 *    the local Cognito on every request (so a new or deleted pool counts at once) —
 *    baseline: the same check with the keys already cached, as for an outside issuer;
 *  - a USER_PASSWORD_AUTH sign-in (InitiateAuth: scrypt check, two RS256 signatures, the
 *    refresh token written) — baseline: one scrypt of the same cost plus two RS256 signatures;
 *  - the server's SRP work for one USER_SRP_AUTH sign-in (B, then S and the HKDF key),
 *    with OpenSSL's modular exponentiation — baseline: the same three exponentiations in BigInt;
 *  - a sign-in with SMS MFA (InitiateAuth → SMS_MFA challenge, the code sent as an event,
 *    RespondToAuthChallenge → tokens) — baseline: the USER_PASSWORD_AUTH sign-in without MFA.
 */
import { generateKeyPairSync, randomBytes, scryptSync, sign } from "node:crypto";
import { startTestCloud } from "../packages/local-cloud/src/testing.js";
import { JwksCache, localUserPoolKeys } from "../packages/local-cloud/src/auth/jwt-verify.js";
import { authorizeJwt } from "../packages/local-cloud/src/services/apigatewayv2/jwt.js";
import { makeVerifier, modPow, N, g, serverEphemeral, sessionKey } from "../packages/local-cloud/src/services/cognito-idp/srp.js";
import { cpuUsPerCall, median } from "./lib/stats.js";

const rounds = Number(process.argv[2] ?? 5);

/** CPU µs per call of `fn`, over enough calls to take ~300 ms. */
const perCall = (fn: () => unknown) => cpuUsPerCall(fn, { warmup: 5, minCalls: 20 });

const tc = await startTestCloud();
const idp = tc.cloud.cognitoidp;
const { UserPool } = await idp.call("CreateUserPool", { PoolName: "bench" });
const poolId = UserPool.Id as string;
const { UserPoolClient } = await idp.call("CreateUserPoolClient", { UserPoolId: poolId, ClientName: "c", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
const clientId = UserPoolClient.ClientId as string;
await idp.call("AdminCreateUser", { UserPoolId: poolId, Username: "bench", MessageAction: "SUPPRESS" });
await idp.call("AdminSetUserPassword", { UserPoolId: poolId, Username: "bench", Password: "Passw0rd!", Permanent: true });
const signIn = () => idp.call("InitiateAuth", { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "bench", PASSWORD: "Passw0rd!" } });
const token = (await signIn()).AuthenticationResult.IdToken as string;

// The same user and password in a pool that asks for an SMS code.
const mfaPool = (await idp.call("CreateUserPool", { PoolName: "bench-mfa" })).UserPool.Id as string;
await idp.call("SetUserPoolMfaConfig", { UserPoolId: mfaPool, MfaConfiguration: "OPTIONAL", SmsMfaConfiguration: { SmsAuthenticationMessage: "{####}" } });
const mfaClient = (await idp.call("CreateUserPoolClient", { UserPoolId: mfaPool, ClientName: "c", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] })).UserPoolClient.ClientId as string;
await idp.call("AdminCreateUser", { UserPoolId: mfaPool, Username: "bench", MessageAction: "SUPPRESS", UserAttributes: [{ Name: "phone_number", Value: "+15555550100" }] });
await idp.call("AdminSetUserPassword", { UserPoolId: mfaPool, Username: "bench", Password: "Passw0rd!", Permanent: true });
await idp.call("AdminSetUserMFAPreference", { UserPoolId: mfaPool, Username: "bench", SMSMfaSettings: { Enabled: true, PreferredMfa: true } });
let lastMfaCode = "";
tc.cloud.events.on("cognito:code", (e) => { if (e.purpose === "mfa") lastMfaCode = e.code; });
async function signInWithSms() {
  const challenge = await idp.call("InitiateAuth", { ClientId: mfaClient, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "bench", PASSWORD: "Passw0rd!" } });
  const done = await idp.call("RespondToAuthChallenge", { ClientId: mfaClient, ChallengeName: "SMS_MFA", Session: challenge.Session, ChallengeResponses: { USERNAME: "bench", SMS_MFA_CODE: lastMfaCode } });
  if (!done.AuthenticationResult) throw new Error("no tokens after the SMS code");
}
const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${poolId}`;
const config = { Issuer: issuer, Audience: [clientId] };

const local = new JwksCache(undefined, undefined, undefined, undefined, localUserPoolKeys(tc.cloud));
const cached = new JwksCache(300_000, 30_000, 1500, () => `${tc.cloud.endpoint}/${poolId}`);
if (!(await authorizeJwt(token, config, undefined, cached)).ok || !(await authorizeJwt(token, config, undefined, local)).ok) throw new Error("the token does not verify");

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const salt = randomBytes(16);
const verifier = makeVerifier("pool", "bench", "Passw0rd!");
const A = modPow(g, BigInt("0x" + randomBytes(128).toString("hex")), N).toString(16);

const rows: Array<[string, number[], number[]]> = [["JWT authorizer, local pool's keys", [], []], ["USER_PASSWORD_AUTH sign-in", [], []], ["SRP server work per sign-in", [], []], ["password + SMS_MFA sign-in", [], []]];
for (let r = 0; r < rounds; r++) {
  rows[0]![1].push(await perCall(() => authorizeJwt(token, config, undefined, local)));
  rows[0]![2].push(await perCall(() => authorizeJwt(token, config, undefined, cached)));
  rows[1]![1].push(await perCall(signIn));
  rows[1]![2].push(await perCall(() => {
    scryptSync("Passw0rd!", salt, 32);
    sign("sha256", Buffer.from("a.b"), privateKey);
    sign("sha256", Buffer.from("a.b"), privateKey);
  }));
  rows[2]![1].push(await perCall(() => sessionKey(A, serverEphemeral(verifier.verifier), verifier.verifier)));
  rows[2]![2].push(await perCall(() => {
    const b = BigInt("0x" + randomBytes(32).toString("hex"));
    modPow(g, b, N);
    modPow(BigInt("0x" + verifier.verifier), b, N);
    modPow(BigInt("0x" + A), b, N);
  }));
  rows[3]![1].push(await perCall(signInWithSms));
  rows[3]![2].push(await perCall(signIn));
}
await tc.stop();

console.log(`rounds: ${rounds} (medians, µs CPU per call)`);
for (const [name, ours, base] of rows) {
  const a = median(ours), b = median(base);
  console.log(`${name.padEnd(36)} ${a.toFixed(1).padStart(9)} µs   baseline ${b.toFixed(1).padStart(9)} µs   ratio ${(a / b).toFixed(2)}`);
}
