/**
 * The UserMigration trigger: a sign-in (USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH,
 * where the password reaches the server) or a ForgotPassword for a name the pool does not
 * know asks the pool's function for the user. Its answer (`userAttributes`,
 * `finalUserStatus`, `enableSMSMFA`) creates the user — with the password just given when
 * signing in — and the call goes on as if the user had been there. A function that throws
 * is "Exception migrating user in app client <id>" (UserNotFoundException), as on AWS.
 */
import { randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { checkAttributes, type Attributes } from "./attributes.js";
import type { Client, Directory, Pool, User } from "./directory.js";
import { runTrigger } from "./triggers.js";

export interface MigrationCall {
  pool: Pool;
  client: Client;
  /** The name the caller signed in with. */
  name: string;
  source: "UserMigration_Authentication" | "UserMigration_ForgotPassword";
  password?: string;
  clientMetadata?: Record<string, string>;
  /** A migrated user whose answer asked for SMS MFA (mfa.ts). */
  enableSms?: (pool: Pool, user: User) => void;
}

/** The migrated user, or undefined when the pool has no UserMigration trigger or the function found no one. */
export async function migrateUser(dir: Directory, call: MigrationCall): Promise<User | undefined> {
  const { pool, client, name } = call;
  if (!pool.lambdaConfig?.UserMigration) return undefined;
  let answer: Record<string, any> | undefined;
  try {
    answer = await runTrigger(dir.kernel, {
      lambdaConfig: pool.lambdaConfig, trigger: "UserMigration", source: call.source, region: dir.region, userPoolId: pool.id, userName: name, clientId: client.id,
      request: { ...(call.password !== undefined ? { password: call.password } : {}), validationData: {}, clientMetadata: call.clientMetadata ?? {} },
      response: { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null },
    });
  } catch (err) {
    if (err instanceof AwsError && err.code === "UserLambdaValidationException") throw new AwsError("UserNotFoundException", `Exception migrating user in app client ${client.id}`);
    throw err;
  }
  const given = answer?.userAttributes;
  if (!given || typeof given !== "object") return undefined;
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(given as Record<string, unknown>)) if (k !== "username" && k !== "sub" && v !== null && v !== undefined) attributes[k] = String(v);
  checkAttributes(attributes, pool.schema, { requireAll: false });
  // A pool that signs in by email or phone names the user by a new UUID; the name given is the attribute.
  let username = name;
  if (pool.usernameAttributes.length) {
    const attribute = name.startsWith("+") && pool.usernameAttributes.includes("phone_number") ? "phone_number" : "email";
    attributes[attribute] ??= name;
    username = randomUUID();
  }
  const status = call.source === "UserMigration_ForgotPassword" || answer!.finalUserStatus === "RESET_REQUIRED" ? "RESET_REQUIRED" : "CONFIRMED";
  if (answer!.finalUserStatus !== undefined && answer!.finalUserStatus !== null && answer!.finalUserStatus !== "CONFIRMED" && answer!.finalUserStatus !== "RESET_REQUIRED") {
    throw new AwsError("InvalidLambdaResponseException", "Invalid lambda response: finalUserStatus must be CONFIRMED or RESET_REQUIRED");
  }
  const user = dir.newUserRow(pool, username, attributes, status);
  if (call.password !== undefined) dir.setPassword(pool, user, call.password);
  user.row.attributes = JSON.stringify(user.attributes);
  dir.store.insertUser(user.row);
  if (answer!.enableSMSMFA === true) call.enableSms?.(pool, user);
  return user;
}
