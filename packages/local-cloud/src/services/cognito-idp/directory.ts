/**
 * What every user-pool operation shares: finding pools, clients and users the way
 * Cognito resolves them (a sign-in name may be the username, or an email / phone alias),
 * the SECRET_HASH check, one-time codes (printed by `sst dev`, as AWS would have sent
 * them), passwords, and reading the access tokens the pool issued.
 */
import { createHmac, randomInt, randomUUID } from "node:crypto";
import type { Kernel } from "../../kernel/kernel.js";
import { AwsError } from "../../server/aws-error.js";
import { runTrigger } from "./triggers.js";
import { runCustomSender, type SenderPurpose } from "./custom-senders.js";
import { poolSchema, type Attributes, type SchemaAttribute } from "./attributes.js";
import { clientNotFound, codeMismatch, expiredCode, notAuthorized, poolNotFound, userNotFound } from "./errors.js";
import { hashPassword, type PasswordPolicy } from "./passwords.js";
import { makeVerifier, srpPoolName } from "./srp.js";
import type { ClientRow, PoolRow, UserPoolStore, UserRow } from "./store.js";
import { issuerOf, readPoolToken, type PoolKey } from "./tokens.js";

export interface Pool {
  row: PoolRow;
  id: string;
  arn: string;
  /** The UserPoolType as DescribeUserPool answers. */
  description: Record<string, any>;
  key: PoolKey;
  issuer: string;
  schema: SchemaAttribute[];
  policy: PasswordPolicy | undefined;
  caseSensitive: boolean;
  usernameAttributes: string[];
  aliasAttributes: string[];
  autoVerified: string[];
  lambdaConfig: Record<string, any> | undefined;
}

export interface Client {
  row: ClientRow;
  id: string;
  poolId: string;
  description: Record<string, any>;
}

export interface User {
  row: UserRow;
  attributes: Attributes;
}

export const hidesUserExistence = (client: Client) => client.description.PreventUserExistenceErrors === "ENABLED";

export type CodePurpose = "signup" | "forgot" | `verify:${string}`;

interface StoredCode {
  code: string;
  expires: number;
}

const CODE_TTL_MS = 24 * 3600_000;
/** Where a CustomMessage trigger's message puts the code. */
const CODE_PARAMETER = "{####}";
const FORGOT_CODE_TTL_MS = 3600_000;

export class Directory {
  constructor(
    readonly store: UserPoolStore,
    readonly kernel: Kernel,
  ) {}

  get region(): string {
    return this.kernel.region;
  }

  poolArn(id: string): string {
    return `arn:aws:cognito-idp:${this.kernel.region}:${this.kernel.accountId}:userpool/${id}`;
  }

  findPool(id: string): Pool | undefined {
    const row = this.store.pool(id);
    if (!row) return undefined;
    const description = JSON.parse(row.description) as Record<string, any>;
    return {
      row, id, arn: description.Arn, description, key: JSON.parse(row.signing_key) as PoolKey, issuer: issuerOf(this.kernel.region, id),
      schema: poolSchema(description.SchemaAttributes),
      policy: description.Policies?.PasswordPolicy,
      caseSensitive: description.UsernameConfiguration?.CaseSensitive !== false,
      usernameAttributes: description.UsernameAttributes ?? [],
      aliasAttributes: description.AliasAttributes ?? [],
      autoVerified: description.AutoVerifiedAttributes ?? [],
      lambdaConfig: description.LambdaConfig,
    };
  }

  pool(id: string): Pool {
    const pool = this.findPool(id);
    if (!pool) throw poolNotFound(id);
    return pool;
  }

  client(id: string, poolId?: string): Client {
    const row = this.store.client(id);
    if (!row || (poolId !== undefined && row.pool_id !== poolId)) throw clientNotFound(id);
    return { row, id, poolId: row.pool_id, description: JSON.parse(row.description) };
  }

  /** The client and its pool, checking SECRET_HASH when the client has a secret. */
  clientForPublicCall(clientId: string, username: string | undefined, secretHash: string | undefined): { client: Client; pool: Pool } {
    const client = this.client(clientId);
    const pool = this.pool(client.poolId);
    this.checkSecretHash(client, [username ?? ""], secretHash);
    return { client, pool };
  }

  /** SECRET_HASH = base64 HMAC-SHA256(client secret, username + client id), for any of the names the user goes by. */
  checkSecretHash(client: Client, usernames: string[], secretHash: string | undefined): void {
    if (!client.row.secret) return;
    if (!secretHash) throw notAuthorized(`Client ${client.id} is configured for secret but secret was not received`);
    const matches = usernames.some((u) => createHmac("sha256", client.row.secret!).update(`${u}${client.id}`).digest("base64") === secretHash);
    if (!matches) throw notAuthorized(`Unable to verify secret hash for client ${client.id}`);
  }

  usernameKey(pool: Pool, username: string): string {
    return pool.caseSensitive ? username : username.toLowerCase();
  }

  toUser(row: UserRow | undefined): User | undefined {
    return row && { row, attributes: JSON.parse(row.attributes) as Attributes };
  }

  /** A user by username only (the admin operations). */
  findByUsername(pool: Pool, username: string): User | undefined {
    return this.toUser(this.store.user(pool.id, this.usernameKey(pool, username)));
  }

  /**
   * A user by a sign-in name: the username, or (when the pool signs in by email / phone,
   * or has them as aliases) the user whose attribute holds it — for an alias, only a
   * verified one. Emails match case-insensitively.
   */
  findForSignIn(pool: Pool, name: string): User | undefined {
    const direct = this.findByUsername(pool, name);
    if (direct) return direct;
    // A pool that signs in by email gives users a UUID username, which equals their sub.
    const bySub = pool.usernameAttributes.length ? this.store.users(pool.id).find((u) => u.sub === name) : undefined;
    if (bySub) return this.toUser(bySub);
    const viaAttribute = (attribute: string, mustBeVerified: boolean) => {
      const wanted = attribute === "email" ? name.toLowerCase() : name;
      for (const row of this.store.users(pool.id)) {
        const attrs = JSON.parse(row.attributes) as Attributes;
        const value = attrs[attribute];
        if (value === undefined) continue;
        if ((attribute === "email" ? value.toLowerCase() : value) !== wanted) continue;
        if (mustBeVerified && attrs[`${attribute}_verified`] !== "true") continue;
        return { row, attributes: attrs };
      }
      return undefined;
    };
    for (const attribute of pool.usernameAttributes) {
      const found = viaAttribute(attribute, false);
      if (found) return found;
    }
    for (const alias of pool.aliasAttributes) {
      const found = viaAttribute(alias === "preferred_username" ? "preferred_username" : alias, alias !== "preferred_username");
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The user a public call names. A client with PreventUserExistenceErrors ENABLED does
   * not say that a user does not exist: `hidden` is then the error it answers with instead.
   */
  userForSignIn(pool: Pool, name: string, client?: Client, hidden: () => Error = () => notAuthorized()): User {
    const user = this.findForSignIn(pool, name);
    if (!user) throw client && hidesUserExistence(client) ? hidden() : userNotFound();
    return user;
  }

  saveUser(user: User): void {
    user.row.attributes = JSON.stringify(user.attributes);
    user.row.modified = Date.now() / 1000;
    this.store.updateUser(user.row);
  }

  setPassword(pool: Pool, user: User, password: string): void {
    const srp = makeVerifier(srpPoolName(pool.id), user.row.username, password);
    user.row.password_hash = hashPassword(password);
    user.row.srp_salt = srp.salt;
    user.row.srp_verifier = srp.verifier;
  }

  /**
   * A fresh one-time code for the user (six digits, as Cognito sends), kept on the user
   * and printed in the dev log: locally nothing is emailed or texted. A CustomMessage
   * trigger writes the message it would have been sent in, which must carry the code.
   */
  async issueCode(pool: Pool, user: User, purpose: CodePurpose, medium: { attribute: string; destination: string }, clientId?: string, senderPurpose?: SenderPurpose): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const codes = JSON.parse(user.row.codes) as Record<string, StoredCode>;
    codes[purpose] = { code, expires: Date.now() + (purpose === "forgot" ? FORGOT_CODE_TTL_MS : CODE_TTL_MS) };
    user.row.codes = JSON.stringify(codes);
    const source = purpose === "signup" ? "CustomMessage_SignUp" : purpose === "forgot" ? "CustomMessage_ForgotPassword" : "CustomMessage_UpdateUserAttribute";
    const message = await this.customMessage(pool, user, source, clientId);
    this.kernel.events.emit("cognito:code", {
      userPoolId: pool.id, username: user.row.username, purpose: purpose.startsWith("verify:") ? "verify" : purpose,
      attribute: medium.attribute, destination: medium.destination, code,
      ...(message ? { message: (medium.attribute === "email" ? message.emailMessage : message.smsMessage)?.replaceAll(CODE_PARAMETER, code) } : {}),
    });
    const sender = senderPurpose ?? (purpose === "signup" ? "SignUp" : purpose === "forgot" ? "ForgotPassword" : "VerifyUserAttribute");
    await runCustomSender(this, pool, user, { attribute: medium.attribute, code, purpose: sender, clientId });
    return code;
  }

  /** The CustomMessage trigger's messages, checked to carry the code as Cognito requires. */
  async customMessage(pool: Pool, user: User, source: string, clientId?: string): Promise<{ emailMessage?: string; smsMessage?: string; emailSubject?: string } | undefined> {
    const response = await runTrigger(this.kernel, {
      lambdaConfig: pool.lambdaConfig, trigger: "CustomMessage", source, region: this.region, userPoolId: pool.id, userName: user.row.username, clientId,
      request: { userAttributes: { ...user.attributes, "cognito:user_status": user.row.status }, codeParameter: CODE_PARAMETER, linkParameter: "{##Click Here##}", usernameParameter: null, clientMetadata: {} },
      response: { smsMessage: null, emailMessage: null, emailSubject: null },
    });
    if (!response) return undefined;
    for (const field of ["emailMessage", "smsMessage"] as const) {
      const text = response[field];
      if (typeof text === "string" && !text.includes(CODE_PARAMETER)) throw new AwsError("InvalidLambdaResponseException", `Invalid lambda response: ${field} must contain ${CODE_PARAMETER}`);
    }
    return response;
  }

  /** Checks a code the user typed; consumes it when right. */
  useCode(user: User, purpose: CodePurpose, code: string): void {
    const codes = JSON.parse(user.row.codes) as Record<string, StoredCode>;
    const stored = codes[purpose];
    if (!stored || stored.code !== code) throw codeMismatch();
    if (stored.expires < Date.now()) throw expiredCode();
    delete codes[purpose];
    user.row.codes = JSON.stringify(codes);
  }

  /** Where a code for this user goes: the first auto-verified attribute the user has. */
  deliveryFor(pool: Pool, attributes: Attributes): { attribute: string; destination: string; medium: "EMAIL" | "SMS" } | undefined {
    for (const attribute of pool.autoVerified) {
      const value = attributes[attribute];
      if (value) return { attribute, destination: value, medium: attribute === "email" ? "EMAIL" : "SMS" };
    }
    return undefined;
  }

  /** The user an access token belongs to, if the token is this pool's, unexpired and not revoked. */
  userOfAccessToken(token: string): { pool: Pool; user: User; claims: Record<string, any> } {
    const invalid = () => notAuthorized("Invalid Access Token");
    const payload = (() => {
      try {
        return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
      } catch {
        return undefined;
      }
    })();
    const poolId = typeof payload?.iss === "string" ? payload.iss.slice(payload.iss.lastIndexOf("/") + 1) : "";
    const pool = this.findPool(poolId);
    if (!pool) throw invalid();
    const read = readPoolToken(pool.key, pool.issuer, token);
    if ("problem" in read) throw read.problem === "expired" ? notAuthorized("Access Token has expired") : invalid();
    const claims = read.claims;
    if (claims.token_use !== "access") throw invalid();
    const user = this.toUser(this.store.users(pool.id).find((u) => u.sub === claims.sub));
    if (!user) throw userNotFound();
    if (this.store.originRevoked(claims.origin_jti)) throw notAuthorized("Access Token has been revoked");
    if (!user.row.enabled) throw notAuthorized("User is disabled.");
    return { pool, user, claims };
  }

  newUserRow(pool: Pool, username: string, attributes: Attributes, status: string): User {
    const now = Date.now() / 1000;
    // A pool that signs in by email / phone names its users by a UUID, which is also their sub.
    const sub = pool.usernameAttributes.length ? username : randomUUID();
    const row: UserRow = {
      pool_id: pool.id, username, username_key: this.usernameKey(pool, username), sub, attributes: "", status, enabled: 1,
      password_hash: null, srp_salt: null, srp_verifier: null, temporary_until: null, codes: "{}", created: now, modified: now,
    };
    return { row, attributes: { sub, ...attributes } };
  }

  /** The user's groups by precedence, and the IAM roles they carry (the first is the preferred one). */
  groupsOf(pool: Pool, user: User): { names: string[]; roles: string[] } {
    const rows = this.store.groupsOf(pool.id, user.row.username_key);
    return { names: rows.map((g) => g.name), roles: [...new Set(rows.flatMap((g) => (g.role_arn ? [g.role_arn] : [])))] };
  }
}
