/**
 * Code delivery. Locally nothing is texted or mailed: every code is emitted as a
 * `cognito:code` event, which `sst dev` / `sst local` print. A pool with a
 * CustomSMSSender / CustomEmailSender (`{ LambdaArn, LambdaVersion: "V1_0" }` and
 * LambdaConfig.KMSKeyID) also has its function invoked asynchronously, as Cognito does,
 * with the `customSMSSenderRequestV1` / `customEmailSenderRequestV1` event. On AWS the
 * `code` is ciphertext of the AWS Encryption SDK under the pool's KMS key; the local cloud
 * has no KMS, so the function gets the code in plain text (documented in docs/local-cloud.md).
 */
import type { Directory, Pool, User } from "./directory.js";
import { runTrigger } from "./triggers.js";

export type SenderPurpose = "SignUp" | "ResendCode" | "ForgotPassword" | "UpdateUserAttribute" | "VerifyUserAttribute" | "AdminCreateUser" | "Authentication";

/** Invokes the pool's custom sender for this medium, if it has one. Returns whether one ran. */
export async function runCustomSender(
  dir: Directory,
  pool: Pool,
  user: User,
  o: { attribute: string; code: string; purpose: SenderPurpose; clientId?: string; clientMetadata?: Record<string, string> },
): Promise<boolean> {
  const email = o.attribute === "email";
  const trigger = email ? "CustomEmailSender" : "CustomSMSSender";
  const arn = pool.lambdaConfig?.[trigger]?.LambdaArn;
  if (typeof arn !== "string" || !arn) return false;
  await runTrigger(dir.kernel, {
    lambdaConfig: pool.lambdaConfig, trigger, functionArn: arn, async: true, source: `${trigger}_${o.purpose}`, region: dir.region, userPoolId: pool.id,
    userName: user.row.username, clientId: o.clientId,
    request: {
      type: email ? "customEmailSenderRequestV1" : "customSMSSenderRequestV1", code: o.code, clientMetadata: o.clientMetadata ?? {},
      userAttributes: { ...user.attributes, "cognito:user_status": user.row.status },
    },
  });
  return true;
}

/** An MFA sign-in code: printed, and handed to the pool's custom sender when it has one. */
export async function deliverMfaCode(dir: Directory, pool: Pool, user: User, c: { code: string; attribute: "phone_number" | "email"; destination: string; clientMetadata?: Record<string, string> }, clientId?: string): Promise<void> {
  dir.kernel.events.emit("cognito:code", { userPoolId: pool.id, username: user.row.username, purpose: "mfa", attribute: c.attribute, destination: c.destination, code: c.code });
  await runCustomSender(dir, pool, user, { attribute: c.attribute, code: c.code, purpose: "Authentication", clientId, clientMetadata: c.clientMetadata });
}
