/**
 * The user lifecycle: sign-up and confirmation, users an administrator creates (with a
 * temporary password), attributes and their verification, passwords (change, forgot,
 * admin set), enabling, deleting, signing out everywhere, listing with a Filter, and
 * group membership.
 */
import { AwsError } from "../../server/aws-error.js";
import { checkAttributes, looksLikeEmail, looksLikePhone, maskDestination, toAttributes, toList, type Attributes } from "./attributes.js";
import { hidesUserExistence, type Client, type Directory, type Pool, type User } from "./directory.js";
import { codeMismatch, invalidParameter, notAuthorized, userNotConfirmed, userNotFound } from "./errors.js";
import { checkPassword, passwordMatches, temporaryPassword } from "./passwords.js";
import type { PoolOperations } from "./pools.js";
import { runTrigger } from "./triggers.js";
import { migrateUser } from "./user-migration.js";
import { runCustomSender } from "./custom-senders.js";
import { page } from "./pagination.js";
import { randomUUID } from "node:crypto";

type AttributeList = { Name?: string; Value?: string }[] | undefined;
const seconds = () => Date.now() / 1000;

export class UserOperations {
  /** The user's MFA settings as GetUser / AdminGetUser show them (set by the service to mfa.ts's view). */
  mfaView: (pool: Pool, user: User) => Record<string, unknown> = () => ({});

  constructor(
    private readonly dir: Directory,
    private readonly pools: PoolOperations,
  ) {}

  private trigger(pool: Pool, trigger: Parameters<typeof runTrigger>[1]["trigger"], source: string, user: User | { username: string }, request: Record<string, unknown>, clientId?: string) {
    const userName = "row" in user ? user.row.username : user.username;
    return runTrigger(this.dir.kernel, { lambdaConfig: pool.lambdaConfig, trigger, source, region: this.dir.region, userPoolId: pool.id, userName, clientId, request });
  }

  /** Users as AdminGetUser / ListUsers show them. */
  view(user: User) {
    return {
      Username: user.row.username, Attributes: toList(user.attributes), UserCreateDate: user.row.created, UserLastModifiedDate: user.row.modified,
      Enabled: user.row.enabled === 1, UserStatus: user.row.status,
    };
  }

  /**
   * No such user: UserNotFoundException, or — for a client that hides whether users exist —
   * the answer a real delivery would give, to where the name would have sent it.
   */
  private pretendDelivery(pool: Pool, client: Client, name: string) {
    if (!hidesUserExistence(client)) throw userNotFound();
    const phone = looksLikePhone(name) && (pool.usernameAttributes.includes("phone_number") || pool.aliasAttributes.includes("phone_number"));
    const attribute = phone ? "phone_number" : "email";
    const destination = looksLikeEmail(name) || phone ? name : `${name}@example.com`;
    return { CodeDeliveryDetails: this.codeDetails({ attribute, destination, medium: phone ? "SMS" : "EMAIL" }) };
  }

  private codeDetails(delivery: { attribute: string; destination: string; medium: string }) {
    return { Destination: maskDestination(delivery.attribute, delivery.destination), DeliveryMedium: delivery.medium, AttributeName: delivery.attribute };
  }

  /** The username a new user gets, checking it against the pool's sign-in settings. */
  private usernameForNewUser(pool: Pool, given: string, attributes: Attributes): string {
    if (pool.usernameAttributes.length) {
      const email = pool.usernameAttributes.includes("email") && looksLikeEmail(given);
      const phone = pool.usernameAttributes.includes("phone_number") && looksLikePhone(given);
      if (!email && !phone) {
        throw invalidParameter(pool.usernameAttributes.includes("email") && !pool.usernameAttributes.includes("phone_number") ? "Username should be an email." : pool.usernameAttributes.includes("phone_number") && !pool.usernameAttributes.includes("email") ? "Username should be a phone number." : "Username should be either an email or a phone number.");
      }
      attributes[email ? "email" : "phone_number"] = given;
      return randomUUID();
    }
    if (looksLikeEmail(given) && pool.aliasAttributes.includes("email")) throw invalidParameter("Username cannot be of email format, since user pool is configured for email alias.");
    if (looksLikePhone(given) && pool.aliasAttributes.includes("phone_number")) throw invalidParameter("Username cannot be of phone number format, since user pool is configured for phone number alias.");
    return given;
  }

  /** A user with the same username, or (sign-in by attribute) the same email / phone, exists. */
  private clash(pool: Pool, username: string, attributes: Attributes): boolean {
    if (this.dir.findByUsername(pool, username)) return true;
    for (const attribute of pool.usernameAttributes) {
      const value = attributes[attribute];
      if (value && this.dir.findForSignIn(pool, value)) return true;
    }
    return false;
  }

  async SignUp(input: { ClientId: string; SecretHash?: string; Username: string; Password?: string; UserAttributes?: AttributeList; ValidationData?: AttributeList; ClientMetadata?: Record<string, string> }) {
    const { client, pool } = this.dir.clientForPublicCall(input.ClientId, input.Username, input.SecretHash);
    if (pool.description.AdminCreateUserConfig?.AllowAdminCreateUserOnly) throw notAuthorized("SignUp is not permitted for this user pool");
    if (input.Password === undefined) throw invalidParameter("Missing required parameter PASSWORD");
    checkPassword(input.Password, pool.policy);
    const attributes = toAttributes(input.UserAttributes);
    checkAttributes(attributes, pool.schema, { requireAll: false });
    const username = this.usernameForNewUser(pool, input.Username, attributes);
    checkAttributes(attributes, pool.schema, { requireAll: true });
    if (this.clash(pool, username, attributes)) throw new AwsError("UsernameExistsException", pool.usernameAttributes.length ? "An account with the given email already exists." : "User already exists");
    const pre = await this.trigger(pool, "PreSignUp", "PreSignUp_SignUp", { username }, {
      userAttributes: { ...attributes }, validationData: toAttributes(input.ValidationData), clientMetadata: input.ClientMetadata ?? {},
    }, client.id);
    const autoConfirm = pre?.autoConfirmUser === true;
    const user = this.dir.newUserRow(pool, username, attributes, autoConfirm ? "CONFIRMED" : "UNCONFIRMED");
    if (autoConfirm && pre?.autoVerifyEmail === true && attributes.email) user.attributes.email_verified = "true";
    if (autoConfirm && pre?.autoVerifyPhone === true && attributes.phone_number) user.attributes.phone_number_verified = "true";
    this.dir.setPassword(pool, user, input.Password);
    const delivery = autoConfirm ? undefined : this.dir.deliveryFor(pool, user.attributes);
    if (delivery) await this.dir.issueCode(pool, user, "signup", delivery, client.id);
    user.row.attributes = JSON.stringify(user.attributes);
    this.dir.store.insertUser(user.row);
    if (autoConfirm) await this.postConfirmation(pool, user, "PostConfirmation_ConfirmSignUp", client.id, input.ClientMetadata);
    return { UserConfirmed: autoConfirm, UserSub: user.row.sub, ...(delivery ? { CodeDeliveryDetails: this.codeDetails(delivery) } : {}) };
  }

  private async postConfirmation(pool: Pool, user: User, source: string, clientId?: string, clientMetadata?: Record<string, string>) {
    await this.trigger(pool, "PostConfirmation", source, user, { userAttributes: { ...user.attributes, "cognito:user_status": user.row.status }, clientMetadata: clientMetadata ?? {} }, clientId);
  }

  async ConfirmSignUp(input: { ClientId: string; SecretHash?: string; Username: string; ConfirmationCode: string; ForceAliasCreation?: boolean; ClientMetadata?: Record<string, string> }) {
    const { client, pool } = this.dir.clientForPublicCall(input.ClientId, input.Username, input.SecretHash);
    const user = this.dir.userForSignIn(pool, input.Username, client, codeMismatch);
    if (user.row.status !== "UNCONFIRMED") throw notAuthorized(`User cannot be confirmed. Current status is ${user.row.status}`);
    this.dir.useCode(user, "signup", input.ConfirmationCode);
    this.confirm(pool, user);
    this.dir.saveUser(user);
    await this.postConfirmation(pool, user, "PostConfirmation_ConfirmSignUp", client.id, input.ClientMetadata);
    return {};
  }

  /** Confirmed, and the attribute the code went to is now verified. */
  private confirm(pool: Pool, user: User) {
    user.row.status = "CONFIRMED";
    const delivery = this.dir.deliveryFor(pool, user.attributes);
    if (delivery) user.attributes[`${delivery.attribute}_verified`] = "true";
  }

  async AdminConfirmSignUp(input: { UserPoolId: string; Username: string; ClientMetadata?: Record<string, string> }) {
    const { pool, user } = this.adminUser(input);
    if (user.row.status !== "UNCONFIRMED") throw notAuthorized(`User cannot be confirmed. Current status is ${user.row.status}`);
    user.row.status = "CONFIRMED";
    this.dir.saveUser(user);
    await this.postConfirmation(pool, user, "PostConfirmation_ConfirmSignUp", undefined, input.ClientMetadata);
    return {};
  }

  async ResendConfirmationCode(input: { ClientId: string; SecretHash?: string; Username: string }) {
    const { pool, client } = this.dir.clientForPublicCall(input.ClientId, input.Username, input.SecretHash);
    const user = this.dir.findForSignIn(pool, input.Username);
    if (!user) return this.pretendDelivery(pool, client, input.Username);
    if (user.row.status !== "UNCONFIRMED") throw invalidParameter("User is already confirmed.");
    const delivery = this.dir.deliveryFor(pool, user.attributes);
    if (!delivery) throw invalidParameter("Auto verification not turned on.");
    await this.dir.issueCode(pool, user, "signup", delivery, client.id, "ResendCode");
    this.dir.saveUser(user);
    return { CodeDeliveryDetails: this.codeDetails(delivery) };
  }

  async AdminCreateUser(input: { UserPoolId: string; Username: string; UserAttributes?: AttributeList; TemporaryPassword?: string; MessageAction?: string; DesiredDeliveryMediums?: string[]; ForceAliasCreation?: boolean; ClientMetadata?: Record<string, string> }) {
    const pool = this.dir.pool(input.UserPoolId);
    const attributes = toAttributes(input.UserAttributes);
    checkAttributes(attributes, pool.schema, { requireAll: false });
    const existing = this.dir.findByUsername(pool, input.Username) ?? (pool.usernameAttributes.length ? this.dir.findForSignIn(pool, input.Username) : undefined);
    if (input.MessageAction === "RESEND") {
      if (!existing) throw userNotFound();
      if (existing.row.status !== "FORCE_CHANGE_PASSWORD") throw new AwsError("UnsupportedUserStateException", "Resend not possible. User status must be FORCE_CHANGE_PASSWORD.");
      this.setTemporaryPassword(pool, existing, input.TemporaryPassword);
      this.dir.saveUser(existing);
      return { User: this.view(existing) };
    }
    if (input.TemporaryPassword !== undefined) checkPassword(input.TemporaryPassword, pool.policy);
    const username = this.usernameForNewUser(pool, input.Username, attributes);
    if (existing || this.clash(pool, username, attributes)) throw new AwsError("UsernameExistsException", "User account already exists");
    const user = this.dir.newUserRow(pool, username, attributes, "FORCE_CHANGE_PASSWORD");
    const password = this.setTemporaryPassword(pool, user, input.TemporaryPassword);
    user.row.attributes = JSON.stringify(user.attributes);
    this.dir.store.insertUser(user.row);
    if (input.MessageAction !== "SUPPRESS") {
      for (const attribute of ["email", "phone_number"]) {
        if (user.attributes[attribute]) await runCustomSender(this.dir, pool, user, { attribute, code: password, purpose: "AdminCreateUser", clientMetadata: input.ClientMetadata });
      }
    }
    return { User: this.view(user) };
  }

  /** Sets and prints a temporary password; returns it (for the custom sender). */
  private setTemporaryPassword(pool: Pool, user: User, given: string | undefined): string {
    const password = given ?? temporaryPassword(pool.policy);
    this.dir.setPassword(pool, user, password);
    const days = pool.policy?.TemporaryPasswordValidityDays ?? 7;
    user.row.temporary_until = Date.now() + days * 86_400_000;
    user.row.status = "FORCE_CHANGE_PASSWORD";
    // AWS mails the invitation; locally it is printed once, with the password the admin may not have chosen.
    this.dir.kernel.events.emit("cognito:code", {
      userPoolId: pool.id, username: user.row.username, purpose: "temporary-password", attribute: user.attributes.email ? "email" : user.attributes.phone_number ? "phone_number" : "",
      destination: user.attributes.email ?? user.attributes.phone_number ?? "", code: password,
    });
    return password;
  }

  AdminSetUserPassword(input: { UserPoolId: string; Username: string; Password: string; Permanent?: boolean }) {
    const { pool, user } = this.adminUser(input);
    checkPassword(input.Password, pool.policy);
    this.dir.setPassword(pool, user, input.Password);
    if (input.Permanent) {
      user.row.status = "CONFIRMED";
      user.row.temporary_until = null;
    } else {
      user.row.status = "FORCE_CHANGE_PASSWORD";
      user.row.temporary_until = Date.now() + (pool.policy?.TemporaryPasswordValidityDays ?? 7) * 86_400_000;
    }
    this.dir.saveUser(user);
    return {};
  }

  private adminUser(input: { UserPoolId: string; Username: string }): { pool: Pool; user: User } {
    const pool = this.dir.pool(input.UserPoolId);
    const user = this.dir.findForSignIn(pool, input.Username);
    if (!user) throw userNotFound();
    return { pool, user };
  }

  AdminGetUser(input: { UserPoolId: string; Username: string }) {
    const { pool, user } = this.adminUser(input);
    const v = this.view(user);
    return { Username: v.Username, UserAttributes: v.Attributes, UserCreateDate: v.UserCreateDate, UserLastModifiedDate: v.UserLastModifiedDate, Enabled: v.Enabled, UserStatus: v.UserStatus, ...this.mfaView(pool, user) };
  }

  GetUser(input: { AccessToken: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    return { Username: user.row.username, UserAttributes: toList(user.attributes), ...this.mfaView(pool, user) };
  }

  AdminDeleteUser(input: { UserPoolId: string; Username: string }) {
    const { pool, user } = this.adminUser(input);
    this.dir.store.deleteUser(pool.id, user.row.username_key);
    return {};
  }

  DeleteUser(input: { AccessToken: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    this.dir.store.deleteUser(pool.id, user.row.username_key);
    return {};
  }

  AdminDisableUser(input: { UserPoolId: string; Username: string }) {
    const { user } = this.adminUser(input);
    user.row.enabled = 0;
    this.dir.saveUser(user);
    return {};
  }

  AdminEnableUser(input: { UserPoolId: string; Username: string }) {
    const { user } = this.adminUser(input);
    user.row.enabled = 1;
    this.dir.saveUser(user);
    return {};
  }

  ListUsers(input: { UserPoolId: string; AttributesToGet?: string[]; Limit?: number; PaginationToken?: string; Filter?: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    const match = parseFilter(input.Filter);
    const all = this.dir.store.users(pool.id).map((row) => this.dir.toUser(row)!).filter((u) => match(u));
    const { items, next } = page(all, input.Limit ?? 60, input.PaginationToken);
    const users = items.map((u) => {
      const v = this.view(u);
      return input.AttributesToGet ? { ...v, Attributes: v.Attributes.filter((a) => input.AttributesToGet!.includes(a.Name)) } : v;
    });
    return { Users: users, ...(next ? { PaginationToken: next } : {}) };
  }

  /** Sets attributes; a changed email / phone that the pool auto-verifies becomes unverified and gets a code. */
  private async updateAttributes(pool: Pool, user: User, list: AttributeList, byAdmin: boolean) {
    const given = toAttributes(list);
    // A user may not mark their own email or phone verified; only an administrator may.
    if (!byAdmin && Object.keys(given).some((n) => n.endsWith("_verified"))) throw notAuthorized("A client attempted to write unauthorized attribute");
    const writable = given;
    checkAttributes(writable, pool.schema, { requireAll: false, existing: user.attributes });
    const deliveries: { attribute: string; destination: string; medium: string }[] = [];
    for (const [name, value] of Object.entries(writable)) {
      const changed = user.attributes[name] !== value;
      user.attributes[name] = value;
      if (changed && (name === "email" || name === "phone_number") && writable[`${name}_verified`] === undefined) {
        user.attributes[`${name}_verified`] = "false";
        if (!byAdmin && pool.autoVerified.includes(name)) {
          const delivery = { attribute: name, destination: value, medium: name === "email" ? "EMAIL" : "SMS" };
          deliveries.push(delivery);
        }
      }
    }
    for (const d of deliveries) await this.dir.issueCode(pool, user, `verify:${d.attribute}`, d);
    this.dir.saveUser(user);
    return deliveries;
  }

  async UpdateUserAttributes(input: { UserAttributes: AttributeList; AccessToken: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    const deliveries = await this.updateAttributes(pool, user, input.UserAttributes, false);
    return { CodeDeliveryDetailsList: deliveries.map((d) => this.codeDetails(d)) };
  }

  async AdminUpdateUserAttributes(input: { UserPoolId: string; Username: string; UserAttributes: AttributeList }) {
    const { pool, user } = this.adminUser(input);
    await this.updateAttributes(pool, user, input.UserAttributes, true);
    return {};
  }

  async GetUserAttributeVerificationCode(input: { AccessToken: string; AttributeName: string; ClientMetadata?: Record<string, string> }) {
    const { pool, user, claims } = this.dir.userOfAccessToken(input.AccessToken);
    const name = input.AttributeName;
    const value = user.attributes[name];
    if (name !== "email" && name !== "phone_number") throw invalidParameter(`Invalid attribute name: ${name} cannot be verified.`);
    if (!value) throw invalidParameter(`The user has no ${name} to verify.`);
    const delivery = { attribute: name, destination: value, medium: name === "email" ? "EMAIL" : "SMS" };
    await this.dir.issueCode(pool, user, `verify:${name}`, delivery, claims.client_id);
    this.dir.saveUser(user);
    return { CodeDeliveryDetails: this.codeDetails(delivery) };
  }

  VerifyUserAttribute(input: { AccessToken: string; AttributeName: string; Code: string }) {
    const { user } = this.dir.userOfAccessToken(input.AccessToken);
    this.dir.useCode(user, `verify:${input.AttributeName}`, input.Code);
    user.attributes[`${input.AttributeName}_verified`] = "true";
    this.dir.saveUser(user);
    return {};
  }

  /** The user must choose a new password (ForgotPassword's code) before signing in again. */
  async AdminResetUserPassword(input: { UserPoolId: string; Username: string; ClientMetadata?: Record<string, string> }) {
    const { pool, user } = this.adminUser(input);
    const delivery = this.verifiedDelivery(user);
    if (!delivery) throw invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number");
    user.row.status = "RESET_REQUIRED";
    await this.dir.issueCode(pool, user, "forgot", delivery);
    this.dir.saveUser(user);
    return {};
  }

  /** Where a password-reset code goes: the verified email, else the verified phone. */
  private verifiedDelivery(user: User) {
    return ["email", "phone_number"]
      .filter((a) => user.attributes[a] && user.attributes[`${a}_verified`] === "true")
      .map((a) => ({ attribute: a, destination: user.attributes[a]!, medium: a === "email" ? "EMAIL" : "SMS" }))[0];
  }

  ChangePassword(input: { PreviousPassword?: string; ProposedPassword: string; AccessToken: string }) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    if (input.PreviousPassword === undefined || !passwordMatches(input.PreviousPassword, user.row.password_hash)) throw notAuthorized();
    checkPassword(input.ProposedPassword, pool.policy);
    this.dir.setPassword(pool, user, input.ProposedPassword);
    this.dir.saveUser(user);
    return {};
  }

  async ForgotPassword(input: { ClientId: string; SecretHash?: string; Username: string; ClientMetadata?: Record<string, string> }) {
    const { pool, client } = this.dir.clientForPublicCall(input.ClientId, input.Username, input.SecretHash);
    const user = this.dir.findForSignIn(pool, input.Username)
      ?? (await migrateUser(this.dir, { pool, client, name: input.Username, source: "UserMigration_ForgotPassword", clientMetadata: input.ClientMetadata }));
    if (!user) return this.pretendDelivery(pool, client, input.Username);
    const delivery = this.verifiedDelivery(user);
    if (!delivery) throw invalidParameter("Cannot reset password for the user as there is no registered/verified email or phone_number");
    await this.dir.issueCode(pool, user, "forgot", delivery, client.id);
    this.dir.saveUser(user);
    return { CodeDeliveryDetails: this.codeDetails(delivery) };
  }

  async ConfirmForgotPassword(input: { ClientId: string; SecretHash?: string; Username: string; ConfirmationCode: string; Password: string; ClientMetadata?: Record<string, string> }) {
    const { client, pool } = this.dir.clientForPublicCall(input.ClientId, input.Username, input.SecretHash);
    const user = this.dir.userForSignIn(pool, input.Username, client, codeMismatch);
    this.dir.useCode(user, "forgot", input.ConfirmationCode);
    checkPassword(input.Password, pool.policy);
    this.dir.setPassword(pool, user, input.Password);
    const wasUnconfirmed = user.row.status === "UNCONFIRMED" || user.row.status === "RESET_REQUIRED";
    user.row.status = "CONFIRMED";
    user.row.temporary_until = null;
    this.dir.saveUser(user);
    if (wasUnconfirmed) await this.postConfirmation(pool, user, "PostConfirmation_ConfirmForgotPassword", client.id, input.ClientMetadata);
    return {};
  }

  GlobalSignOut(input: { AccessToken: string }) {
    const { user } = this.dir.userOfAccessToken(input.AccessToken);
    this.signOut(user);
    return {};
  }

  AdminUserGlobalSignOut(input: { UserPoolId: string; Username: string }) {
    const { user } = this.adminUser(input);
    this.signOut(user);
    return {};
  }

  /** Every sign-in so far ends: its refresh token and the access tokens it issued stop working; a new sign-in works at once. */
  private signOut(user: User) {
    this.dir.store.revokeAllOf(user.row.pool_id, user.row.username_key, seconds());
  }

  AdminAddUserToGroup(input: { UserPoolId: string; Username: string; GroupName: string }) {
    const { pool, user } = this.adminUser(input);
    this.pools.groupOf(pool.id, input.GroupName);
    this.dir.store.addMember(pool.id, input.GroupName, user.row.username_key);
    return {};
  }

  AdminRemoveUserFromGroup(input: { UserPoolId: string; Username: string; GroupName: string }) {
    const { pool, user } = this.adminUser(input);
    this.pools.groupOf(pool.id, input.GroupName);
    this.dir.store.removeMember(pool.id, input.GroupName, user.row.username_key);
    return {};
  }

  AdminListGroupsForUser(input: { UserPoolId: string; Username: string; Limit?: number; NextToken?: string }) {
    const { pool, user } = this.adminUser(input);
    return this.pools.listGroupsForUser(pool.id, user.row.username_key, input.Limit, input.NextToken);
  }

  ListUsersInGroup(input: { UserPoolId: string; GroupName: string; Limit?: number; NextToken?: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    this.pools.groupOf(pool.id, input.GroupName);
    const { items, next } = page(this.dir.store.membersOf(pool.id, input.GroupName), input.Limit ?? 60, input.NextToken);
    return { Users: items.map((row) => this.view(this.dir.toUser(row)!)), ...(next ? { NextToken: next } : {}) };
  }

  /** For the sign-in flows: a user who may not sign in yet says why, in Cognito's order. */
  checkCanSignIn(user: User): void {
    if (!user.row.enabled) throw notAuthorized("User is disabled.");
    if (user.row.status === "UNCONFIRMED") throw userNotConfirmed();
    if (user.row.status === "RESET_REQUIRED") throw new AwsError("PasswordResetRequiredException", "Password reset required for the user");
  }
}

/** Attributes ListUsers may filter on, and the name a filter uses for each. */
const FILTERABLE: Record<string, (u: User) => string | undefined> = {
  username: (u) => u.row.username,
  email: (u) => u.attributes.email,
  phone_number: (u) => u.attributes.phone_number,
  name: (u) => u.attributes.name,
  given_name: (u) => u.attributes.given_name,
  family_name: (u) => u.attributes.family_name,
  preferred_username: (u) => u.attributes.preferred_username,
  "cognito:user_status": (u) => u.row.status,
  status: (u) => (u.row.enabled ? "Enabled" : "Disabled"),
  sub: (u) => u.row.sub,
};

/** ListUsers' Filter: `attribute = "value"` (exact) or `attribute ^= "prefix"`; empty matches all. */
export function parseFilter(filter: string | undefined): (u: User) => boolean {
  if (!filter || !filter.trim()) return () => true;
  const m = /^\s*([\w:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  if (!m) throw invalidParameter("Error while parsing filter.");
  const [, name, op, raw] = m;
  const get = FILTERABLE[name!];
  if (!get) throw invalidParameter("Invalid search attribute");
  const value = raw!.replace(/\\(.)/g, "$1");
  return (u) => {
    const v = get(u);
    if (v === undefined) return false;
    return op === "=" ? v === value : v.startsWith(value);
  };
}
