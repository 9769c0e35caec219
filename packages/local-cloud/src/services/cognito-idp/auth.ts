/**
 * Signing in: InitiateAuth / AdminInitiateAuth (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH,
 * USER_SRP_AUTH, REFRESH_TOKEN_AUTH, and CUSTOM_AUTH through custom-auth.ts), the challenges
 * that follow (PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED here; CUSTOM_CHALLENGE and the MFA
 * challenges of mfa.ts) through RespondToAuthChallenge, the tokens a success issues (with the
 * PreAuthentication, PreTokenGeneration — pre-token-generation.ts — and PostAuthentication
 * triggers), users migrated on first sign-in (user-migration.ts), and RevokeToken. Challenge
 * sessions live in memory for three minutes, as long as AWS keeps them.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { toAttributes } from "./attributes.js";
import type { Client, Directory, Pool, User } from "./directory.js";
import { invalidParameter, notAuthorized, userNotFound } from "./errors.js";
import { checkPassword, passwordMatches } from "./passwords.js";
import { claimSignature, sameSignature, serverEphemeral, sessionKey, srpPoolName, validClientPublic, type ServerEphemeral } from "./srp.js";
import { DEFAULT_SCOPES, issueTokens } from "./tokens.js";
import { runTrigger } from "./triggers.js";
import type { UserOperations } from "./users.js";
import { ChallengeSessions } from "./challenge-sessions.js";
import { CustomAuth, type CustomAuthState } from "./custom-auth.js";
import { deliverMfaCode } from "./custom-senders.js";
import { Mfa, MFA_CHALLENGES } from "./mfa.js";
import { Devices } from "./devices.js";
import { MfaStore } from "./mfa-store.js";
import { runPreTokenGeneration } from "./pre-token-generation.js";
import { migrateUser } from "./user-migration.js";

type Params = Record<string, string> | undefined;

interface Session {
  poolId: string;
  clientId: string;
  usernameKey: string;
  challenge: "PASSWORD_VERIFIER" | "NEW_PASSWORD_REQUIRED";
  expires: number;
  srp?: { ephemeral: ServerEphemeral; a: string; secretBlock: string };
  clientMetadata?: Record<string, string>;
  /** A PASSWORD_VERIFIER asked for inside a CUSTOM_AUTH sign-in (custom-auth.ts). */
  custom?: CustomAuthState;
}

const SESSION_TTL_MS = 3 * 60_000;

/** Seconds of a token's validity from the client's settings (AWS's defaults: one hour, thirty days). */
export function validity(client: Client, which: "IdToken" | "AccessToken" | "RefreshToken"): number {
  const d = client.description;
  const value = d[`${which}Validity`];
  const unit = d.TokenValidityUnits?.[which] ?? (which === "RefreshToken" ? "days" : "hours");
  if (value === undefined || value === null) return which === "RefreshToken" ? 30 * 86400 : 3600;
  return value * ({ seconds: 1, minutes: 60, hours: 3600, days: 86400 } as Record<string, number>)[unit]!;
}

export class AuthOperations {
  private readonly sessions = new Map<string, Session>();
  readonly mfa: Mfa;
  readonly devices: Devices;
  private readonly customAuth: CustomAuth;

  constructor(
    private readonly dir: Directory,
    private readonly users: UserOperations,
  ) {
    const challenges = new ChallengeSessions();
    this.mfa = new Mfa(dir, new MfaStore(dir.store.db), challenges,
      (pool, client, user, clientMetadata, deviceKey, endedSession) => this.afterSecondFactor(pool, client, user, clientMetadata, deviceKey, endedSession),
      (pool, user, code) => deliverMfaCode(dir, pool, user, code));
    this.devices = new Devices(dir, dir.store.db, challenges, async (pool, client, user, clientMetadata, deviceKey) =>
      ({ ChallengeParameters: {}, AuthenticationResult: await this.tokens(pool, client, user, { newSignIn: true, clientMetadata, source: "TokenGeneration_Authentication", deviceKey }) }));
    this.customAuth = new CustomAuth(dir, challenges, {
      preAuthentication: (pool, client, user, clientMetadata) => this.preAuthentication(pool, client, user, clientMetadata),
      checkCanSignIn: (user) => users.checkCanSignIn(user),
      passwordVerifier: (pool, client, user, srpA, clientMetadata, custom) => this.passwordVerifier(pool, client, user, srpA, clientMetadata, custom),
      finish: (pool, client, user, clientMetadata) => this.secondFactorOrTokens(pool, client, user, clientMetadata),
    });
  }

  private newSession(s: Omit<Session, "expires">, key = randomBytes(96).toString("base64url")): string {
    const now = Date.now();
    for (const [k, v] of this.sessions) if (v.expires < now) this.sessions.delete(k);
    this.sessions.set(key, { ...s, expires: now + SESSION_TTL_MS });
    return key;
  }

  private takeSession(key: string | undefined, client: Client, challenge: Session["challenge"]): Session {
    const s = key ? this.sessions.get(key) : undefined;
    if (!s || s.expires < Date.now() || s.clientId !== client.id) throw notAuthorized("Invalid session for the user, session is expired.");
    if (s.challenge !== challenge) throw invalidParameter(`Invalid challenge response for ${challenge}`);
    this.sessions.delete(key!);
    return s;
  }

  private flowEnabled(client: Client, flow: string): boolean {
    const flows: string[] = client.description.ExplicitAuthFlows ?? [];
    const legacy = flows.length > 0 && !flows.some((f) => f.startsWith("ALLOW_"));
    switch (flow) {
      case "USER_PASSWORD_AUTH":
        return flows.includes("ALLOW_USER_PASSWORD_AUTH") || flows.includes("USER_PASSWORD_AUTH");
      case "ADMIN_USER_PASSWORD_AUTH":
      case "ADMIN_NO_SRP_AUTH":
        return flows.includes("ALLOW_ADMIN_USER_PASSWORD_AUTH") || flows.includes("ADMIN_NO_SRP_AUTH");
      case "USER_SRP_AUTH":
        return legacy || flows.includes("ALLOW_USER_SRP_AUTH");
      case "REFRESH_TOKEN_AUTH":
      case "REFRESH_TOKEN":
        return legacy || flows.includes("ALLOW_REFRESH_TOKEN_AUTH");
      case "CUSTOM_AUTH":
        return flows.includes("ALLOW_CUSTOM_AUTH") || flows.includes("CUSTOM_AUTH_FLOW_ONLY");
      default:
        return false;
    }
  }

  private checkFlow(client: Client, flow: string, admin: boolean): void {
    if (this.flowEnabled(client, flow)) return;
    if (flow === "USER_PASSWORD_AUTH") throw invalidParameter("USER_PASSWORD_AUTH flow not enabled for this client");
    if (flow === "USER_SRP_AUTH") throw invalidParameter("USER_SRP_AUTH is not enabled for the client.");
    if (flow.startsWith("REFRESH_TOKEN")) throw invalidParameter("Refresh Token flow not enabled for this client");
    if (flow === "CUSTOM_AUTH") throw invalidParameter("Custom auth flow not enabled for this client");
    throw invalidParameter(admin ? "Auth flow not enabled for this client" : "Initiate Auth method not supported.");
  }

  InitiateAuth(input: { AuthFlow: string; AuthParameters?: Params; ClientMetadata?: Record<string, string>; ClientId: string }) {
    if (input.AuthFlow === "ADMIN_USER_PASSWORD_AUTH" || input.AuthFlow === "ADMIN_NO_SRP_AUTH") throw invalidParameter("Initiate Auth method not supported.");
    return this.initiate(input, false);
  }

  AdminInitiateAuth(input: { UserPoolId: string; ClientId: string; AuthFlow: string; AuthParameters?: Params; ClientMetadata?: Record<string, string> }) {
    const pool = this.dir.pool(input.UserPoolId);
    this.dir.client(input.ClientId, pool.id);
    if (input.AuthFlow === "USER_PASSWORD_AUTH") throw invalidParameter("Initiate Auth method not supported.");
    return this.initiate(input, true);
  }

  private async initiate(input: { AuthFlow: string; AuthParameters?: Params; ClientMetadata?: Record<string, string>; ClientId: string }, admin: boolean) {
    const params = input.AuthParameters ?? {};
    const flow = input.AuthFlow;
    if (flow === "USER_AUTH") throw invalidParameter(`${flow} is not supported by the local cloud's Cognito (no choice-based / passwordless sign-in)`);
    const refresh = flow === "REFRESH_TOKEN_AUTH" || flow === "REFRESH_TOKEN";
    // A refresh's SECRET_HASH is checked once the token says whose it is.
    const client = this.dir.client(input.ClientId);
    const pool = this.dir.pool(client.poolId);
    if (!refresh) this.dir.checkSecretHash(client, [params.USERNAME ?? ""], params.SECRET_HASH);
    this.checkFlow(client, flow, admin);
    if (refresh) return this.refresh(pool, client, params);
    if (flow === "CUSTOM_AUTH") return this.customAuth.initiate(pool, client, params, input.ClientMetadata);
    if (!params.USERNAME) throw invalidParameter("Missing required parameter USERNAME");
    if (flow === "USER_SRP_AUTH") {
      if (!params.SRP_A) throw invalidParameter("Missing required parameter SRP_A");
      if (!validClientPublic(params.SRP_A)) throw invalidParameter("Invalid SRP_A value.");
    } else if (params.PASSWORD === undefined) throw invalidParameter("Missing required parameter PASSWORD");
    // A name the pool does not know may be a user still to migrate (only where the password reaches the server).
    const migrate = () => migrateUser(this.dir, { pool, client, name: params.USERNAME!, source: "UserMigration_Authentication", password: params.PASSWORD, clientMetadata: input.ClientMetadata, enableSms: (p, u) => this.mfa.enableSms(p, u) });
    const user = this.dir.findForSignIn(pool, params.USERNAME) ?? (flow === "USER_SRP_AUTH" ? undefined : await migrate()) ?? this.dir.userForSignIn(pool, params.USERNAME, client);
    await this.preAuthentication(pool, client, user, input.ClientMetadata);
    if (flow === "USER_SRP_AUTH") return this.passwordVerifier(pool, client, user, params.SRP_A!, input.ClientMetadata);
    if (!user.row.enabled) throw notAuthorized("User is disabled.");
    if (!passwordMatches(params.PASSWORD!, user.row.password_hash)) throw notAuthorized();
    return this.afterPassword(pool, client, user, input.ClientMetadata, params.DEVICE_KEY);
  }

  /** The PASSWORD_VERIFIER challenge answering the client's SRP_A (its session is found by SECRET_BLOCK). */
  private passwordVerifier(pool: Pool, client: Client, user: User, srpA: string, clientMetadata?: Record<string, string>, custom?: CustomAuthState) {
    if (!user.row.srp_verifier) throw notAuthorized();
    const ephemeral = serverEphemeral(user.row.srp_verifier);
    const secretBlock = randomBytes(96).toString("base64");
    this.newSession({ poolId: pool.id, clientId: client.id, usernameKey: user.row.username_key, challenge: "PASSWORD_VERIFIER", srp: { ephemeral, a: srpA, secretBlock }, clientMetadata, custom }, secretBlock);
    return {
      ChallengeName: "PASSWORD_VERIFIER",
      ...(custom ? { Session: secretBlock } : {}),
      ChallengeParameters: { SALT: user.row.srp_salt!, SECRET_BLOCK: secretBlock, SRP_B: ephemeral.public, USERNAME: user.row.username, USER_ID_FOR_SRP: user.row.username },
    };
  }

  /** Also run by the hosted UI's sign-in form (hosted-ui/). */
  async preAuthentication(pool: Pool, client: Client, user: User, clientMetadata?: Record<string, string>) {
    await runTrigger(this.dir.kernel, {
      lambdaConfig: pool.lambdaConfig, trigger: "PreAuthentication", source: "PreAuthentication_Authentication", region: this.dir.region,
      userPoolId: pool.id, userName: user.row.username, clientId: client.id,
      request: { userAttributes: { ...user.attributes, "cognito:user_status": user.row.status }, validationData: {}, userNotFound: false, clientMetadata: clientMetadata ?? {} },
    });
  }

  /** The password was right: a challenge, or tokens. */
  private async afterPassword(pool: Pool, client: Client, user: User, clientMetadata?: Record<string, string>, deviceKey?: string) {
    this.users.checkCanSignIn(user);
    if (user.row.status === "FORCE_CHANGE_PASSWORD") {
      if (user.row.temporary_until !== null && user.row.temporary_until < Date.now()) throw notAuthorized("Temporary password has expired and must be reset by an administrator.");
      const session = this.newSession({ poolId: pool.id, clientId: client.id, usernameKey: user.row.username_key, challenge: "NEW_PASSWORD_REQUIRED", clientMetadata });
      const { sub: _sub, ...shown } = user.attributes;
      return {
        ChallengeName: "NEW_PASSWORD_REQUIRED", Session: session,
        ChallengeParameters: { USER_ID_FOR_SRP: user.row.username, requiredAttributes: "[]", userAttributes: JSON.stringify(shown) },
      };
    }
    // A sign-in from a device the user confirmed proves the device (devices.ts): at once when it is remembered (no MFA), else after MFA.
    const device = this.devices.knownDevice(pool, user, deviceKey);
    if (device && this.devices.remembered(pool, user, device)) return this.devices.deviceChallenge(pool, client, user, device, clientMetadata);
    return this.secondFactorOrTokens(pool, client, user, clientMetadata, device);
  }

  /** Every first factor is through: the MFA challenge the pool asks for (mfa.ts), or tokens. */
  private async secondFactorOrTokens(pool: Pool, client: Client, user: User, clientMetadata?: Record<string, string>, deviceKey?: string) {
    const challenge = await this.mfa.challengeAfterFirstFactor(pool, client, user, clientMetadata, deviceKey);
    if (challenge) return challenge;
    return this.afterSecondFactor(pool, client, user, clientMetadata, deviceKey);
  }

  /** Every factor is through: the known device proves itself, or tokens. */
  private async afterSecondFactor(pool: Pool, client: Client, user: User, clientMetadata?: Record<string, string>, deviceKey?: string, endedSession?: string) {
    if (deviceKey) return this.devices.deviceChallenge(pool, client, user, deviceKey, clientMetadata, endedSession);
    return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(pool, client, user, { newSignIn: true, clientMetadata, source: "TokenGeneration_Authentication" }) };
  }

  /** Also issues the OAuth endpoints' tokens (hosted-ui/), with their scopes and nonce. */
  async tokens(pool: Pool, client: Client, user: User, o: { newSignIn: boolean; clientMetadata?: Record<string, string>; source: string; authTime?: number; originJti?: string; deviceKey?: string; oauth?: { scopes: string[]; nonce?: string } }) {
    const groups = this.dir.groupsOf(pool, user);
    // The V2 PreTokenGeneration trigger sees (and may change) the OAuth grant's scopes.
    const scopes = o.oauth ? [...o.oauth.scopes] : [...DEFAULT_SCOPES];
    const override = await runPreTokenGeneration(this.dir, { pool, client, user, source: o.source, groups, clientMetadata: o.clientMetadata, scopes });
    const authTime = o.authTime ?? Math.floor(Date.now() / 1000);
    const originJti = o.originJti ?? randomUUID();
    const set = issueTokens({
      key: pool.key, issuer: pool.issuer, clientId: client.id,
      subject: { sub: user.row.sub, username: user.row.username, attributes: this.readableAttributes(client, user), groups: groups.names, roles: groups.roles },
      idValidity: validity(client, "IdToken"), accessValidity: validity(client, "AccessToken"), authTime, originJti,
      claimsOverride: override.claimsOverride, accessOverride: override.accessOverride, scopes, oauth: o.oauth && { nonce: o.oauth.nonce },
    });
    const result: Record<string, unknown> = { AccessToken: set.accessToken, ExpiresIn: validity(client, "AccessToken"), TokenType: "Bearer", IdToken: set.idToken };
    if (o.newSignIn) {
      const refreshToken = newRefreshToken();
      this.dir.store.insertRefresh({
        hash: hashToken(refreshToken), pool_id: pool.id, client_id: client.id, username_key: user.row.username_key, origin_jti: originJti,
        auth_time: authTime, expires: Date.now() / 1000 + validity(client, "RefreshToken"), revoked: 0,
      });
      result.RefreshToken = refreshToken;
      const device = this.devices.newDeviceMetadata(pool, user, o.deviceKey);
      if (device) result.NewDeviceMetadata = device;
      await runTrigger(this.dir.kernel, {
        lambdaConfig: pool.lambdaConfig, trigger: "PostAuthentication", source: "PostAuthentication_Authentication", region: this.dir.region,
        userPoolId: pool.id, userName: user.row.username, clientId: client.id,
        request: { userAttributes: { ...user.attributes, "cognito:user_status": user.row.status }, newDeviceUsed: false, clientMetadata: o.clientMetadata ?? {} },
      });
    }
    return result;
  }

  /** The attributes the client may read (all when ReadAttributes is unset). */
  private readableAttributes(client: Client, user: User): Record<string, string> {
    const readable: string[] | undefined = client.description.ReadAttributes;
    if (!readable?.length) return user.attributes;
    return Object.fromEntries(Object.entries(user.attributes).filter(([n]) => readable.includes(n)));
  }

  private async refresh(pool: Pool, client: Client, params: Record<string, string>) {
    const token = params.REFRESH_TOKEN;
    if (!token) throw invalidParameter("Missing required parameter REFRESH_TOKEN");
    const row = this.dir.store.refresh(hashToken(token));
    if (!row || row.pool_id !== pool.id || row.client_id !== client.id) throw notAuthorized("Invalid Refresh Token");
    if (row.revoked) throw notAuthorized("Refresh Token has been revoked");
    if (row.expires < Date.now() / 1000) throw notAuthorized("Refresh Token has expired");
    const user = this.dir.toUser(this.dir.store.user(pool.id, row.username_key));
    if (!user) throw notAuthorized("Invalid Refresh Token");
    this.dir.checkSecretHash(client, [params.USERNAME ?? user.row.username, user.row.username, user.row.sub], params.SECRET_HASH);
    if (this.dir.store.originRevoked(row.origin_jti)) throw notAuthorized("Refresh Token has been revoked");
    if (!user.row.enabled) throw notAuthorized("User is disabled.");
    const result = await this.tokens(pool, client, user, { newSignIn: false, source: "TokenGeneration_RefreshTokens", authTime: row.auth_time, originJti: row.origin_jti });
    return { ChallengeParameters: {}, AuthenticationResult: result };
  }

  RespondToAuthChallenge(input: { ClientId: string; ChallengeName: string; Session?: string; ChallengeResponses?: Params; ClientMetadata?: Record<string, string> }) {
    return this.respond(input);
  }

  AdminRespondToAuthChallenge(input: { UserPoolId: string; ClientId: string; ChallengeName: string; Session?: string; ChallengeResponses?: Params; ClientMetadata?: Record<string, string> }) {
    const pool = this.dir.pool(input.UserPoolId);
    this.dir.client(input.ClientId, pool.id);
    return this.respond(input);
  }

  private async respond(input: { ClientId: string; ChallengeName: string; Session?: string; ChallengeResponses?: Params; ClientMetadata?: Record<string, string> }) {
    const responses = input.ChallengeResponses ?? {};
    const { client, pool } = this.dir.clientForPublicCall(input.ClientId, responses.USERNAME, responses.SECRET_HASH);
    if (!responses.USERNAME) throw invalidParameter("Missing required parameter USERNAME");
    switch (input.ChallengeName) {
      case "PASSWORD_VERIFIER": {
        for (const name of ["PASSWORD_CLAIM_SECRET_BLOCK", "PASSWORD_CLAIM_SIGNATURE", "TIMESTAMP"]) {
          if (!responses[name]) throw invalidParameter(`Missing required parameter ${name}`);
        }
        const session = this.takeSession(responses.PASSWORD_CLAIM_SECRET_BLOCK, client, "PASSWORD_VERIFIER");
        const user = this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey));
        if (!user || !user.row.srp_verifier) throw userNotFound();
        const key = sessionKey(session.srp!.a, session.srp!.ephemeral, user.row.srp_verifier);
        const expected = claimSignature(key, srpPoolName(pool.id), user.row.username, session.srp!.secretBlock, responses.TIMESTAMP!);
        if (!user.row.enabled) throw notAuthorized("User is disabled.");
        if (!sameSignature(expected, responses.PASSWORD_CLAIM_SIGNATURE!)) throw notAuthorized();
        if (session.custom) return this.customAuth.afterPasswordVerifier(pool, client, user, session.custom, input.ClientMetadata ?? session.clientMetadata);
        return this.afterPassword(pool, client, user, input.ClientMetadata ?? session.clientMetadata, responses.DEVICE_KEY);
      }
      case "NEW_PASSWORD_REQUIRED": {
        if (!responses.NEW_PASSWORD) throw invalidParameter("Missing required parameter NEW_PASSWORD");
        const session = this.takeSession(input.Session, client, "NEW_PASSWORD_REQUIRED");
        const user = this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey));
        if (!user) throw userNotFound();
        checkPassword(responses.NEW_PASSWORD, pool.policy);
        const attributes = toAttributes(Object.entries(responses).filter(([k]) => k.startsWith("userAttributes.")).map(([k, v]) => ({ Name: k.slice("userAttributes.".length), Value: v })));
        for (const [name, value] of Object.entries(attributes)) user.attributes[name] = value;
        this.dir.setPassword(pool, user, responses.NEW_PASSWORD);
        user.row.status = "CONFIRMED";
        user.row.temporary_until = null;
        this.dir.saveUser(user);
        return { ChallengeParameters: {}, AuthenticationResult: await this.tokens(pool, client, user, { newSignIn: true, clientMetadata: input.ClientMetadata, source: "TokenGeneration_NewPasswordChallenge" }) };
      }
      case "DEVICE_SRP_AUTH":
      case "DEVICE_PASSWORD_VERIFIER":
        return this.devices.respond(pool, client, { ...input, ChallengeResponses: responses });
      case "CUSTOM_CHALLENGE":
        return this.customAuth.respond(pool, client, { Session: input.Session, ChallengeResponses: responses, ClientMetadata: input.ClientMetadata });
      default:
        if (MFA_CHALLENGES.has(input.ChallengeName)) return this.mfa.respond(pool, client, { ...input, ChallengeResponses: responses });
        throw invalidParameter(`The challenge ${input.ChallengeName} is not supported by the local cloud's Cognito`);
    }
  }

  RevokeToken(input: { Token: string; ClientId: string; ClientSecret?: string }) {
    const client = this.dir.client(input.ClientId);
    if (client.row.secret && input.ClientSecret !== client.row.secret) throw new AwsError("NotAuthorizedException", "Client authentication failed.");
    if (client.description.EnableTokenRevocation === false) throw new AwsError("UnsupportedOperationException", "Token revocation is not enabled for this app client.");
    const row = this.dir.store.refresh(hashToken(input.Token));
    if (!row) throw new AwsError("UnsupportedTokenTypeException", "Unsupported token type");
    if (row.client_id !== client.id) throw new AwsError("UnauthorizedException", "Token does not belong to the client.");
    this.dir.store.revokeRefresh(row.hash, row.origin_jti, Date.now() / 1000);
    return {};
  }
}

/** Opaque, shaped like Cognito's (a five-part JWE); only its hash is kept. */
function newRefreshToken(): string {
  const header = Buffer.from(JSON.stringify({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" })).toString("base64url");
  return [header, randomBytes(256).toString("base64url"), randomBytes(12).toString("base64url"), randomBytes(384).toString("base64url"), randomBytes(16).toString("base64url")].join(".");
}

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
