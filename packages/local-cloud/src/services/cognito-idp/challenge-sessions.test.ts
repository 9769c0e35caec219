/** Challenge sessions: single use, tied to their client and challenge, expired after three minutes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CHALLENGE_SESSION_TTL_MS, ChallengeSessions } from "./challenge-sessions.js";

test("a session expires after three minutes, is tied to its client and challenge, and ends when used", () => {
  let now = 1_000_000;
  const sessions = new ChallengeSessions(() => now);
  const key = sessions.start({ poolId: "p", clientId: "c", usernameKey: "ann", challenge: "CUSTOM_CHALLENGE", data: { n: 1 } });
  assert.deepEqual(sessions.get(key, "c", "CUSTOM_CHALLENGE").data, { n: 1 });
  assert.throws(() => sessions.get(key, "other", "CUSTOM_CHALLENGE"), (e: any) => e.code === "NotAuthorizedException");
  assert.throws(() => sessions.get(key, "c", "SMS_MFA"), (e: any) => e.code === "InvalidParameterException" && /Invalid challenge response for SMS_MFA/.test(e.message));
  now += CHALLENGE_SESSION_TTL_MS - 1;
  assert.ok(sessions.get(key, "c", "CUSTOM_CHALLENGE"));
  now += 2;
  assert.throws(() => sessions.get(key, "c", "CUSTOM_CHALLENGE"), (e: any) => e.code === "NotAuthorizedException" && e.message === "Invalid session for the user, session is expired.");
  const second = sessions.start({ poolId: "p", clientId: "c", usernameKey: "ann", challenge: "SMS_MFA", data: {} });
  sessions.end(second);
  assert.throws(() => sessions.get(second, "c", "SMS_MFA"), (e: any) => e.code === "NotAuthorizedException");
});
