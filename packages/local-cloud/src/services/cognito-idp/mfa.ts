/**
 * Multi-factor authentication: a pool's MFA settings (MfaConfiguration OFF / ON /
 * OPTIONAL, and which factors it offers — SetUserPoolMfaConfig / GetUserPoolMfaConfig),
 * a user's factors (AssociateSoftwareToken + VerifySoftwareToken for an authenticator
 * app, SetUserMFAPreference / AdminSetUserMFAPreference), and the second step of a
 * sign-in once the password was right: SMS_MFA and EMAIL_OTP (a six-digit code, printed
 * by `sst dev` as the confirmation codes are: nothing is texted or mailed),
 * SOFTWARE_TOKEN_MFA (RFC 6238, each code good once), SELECT_MFA_TYPE when a user has
 * several and prefers none, and MFA_SETUP when the pool requires MFA and the user has none.
 */
import { randomInt } from "node:crypto";
import { AwsError } from "../../server/aws-error.js";
import { maskDestination } from "./attributes.js";
import type { ChallengeSessions } from "./challenge-sessions.js";
import type { Client, Directory, Pool, User } from "./directory.js";
import { invalidParameter, notAuthorized } from "./errors.js";
import { MFA_TYPES, type MfaStore, type MfaType, type PoolMfaConfig, type UserMfa } from "./mfa-store.js";
import { matchTotp, newTotpSecret } from "./totp.js";

type Metadata = Record<string, string> | undefined;
type Answer = Record<string, unknown>;
/** What follows the second factor (auth.ts): the known device's proof, or the sign-in's tokens. */
export type AfterSecondFactor = (pool: Pool, client: Client, user: User, clientMetadata: Metadata, deviceKey: string | undefined, endedSession: string | undefined) => Promise<Answer>;
/** Hands a one-time code to whoever delivers it: the dev log, or the pool's custom sender (custom-senders.ts). */
export type DeliverCode = (pool: Pool, user: User, code: { code: string; attribute: "phone_number" | "email"; destination: string; purpose: "mfa"; clientMetadata: Metadata }) => Promise<void>;

const CODE_MISMATCH = () => new AwsError("CodeMismatchException", "Invalid code or auth state for the user.");
const SETTINGS_FIELD: Record<MfaType, "SMSMfaSettings" | "SoftwareTokenMfaSettings" | "EmailMfaSettings"> = {
  SMS_MFA: "SMSMfaSettings", SOFTWARE_TOKEN_MFA: "SoftwareTokenMfaSettings", EMAIL_OTP: "EmailMfaSettings",
};
export const CODE_RESPONSE: Record<MfaType, string> = { SMS_MFA: "SMS_MFA_CODE", SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE", EMAIL_OTP: "EMAIL_OTP_CODE" };

interface MfaSessionData {
  /** The code sent (SMS_MFA / EMAIL_OTP). */
  code?: string;
  /** MFA_SETUP: an authenticator app was verified during this sign-in. */
  verified?: boolean;
  /** The known device the sign-in came from (devices.ts): no new device is offered at the end. */
  deviceKey?: string;
}

interface PreferenceInput {
  SMSMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
  SoftwareTokenMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
  EmailMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
}

/** An answer to an MFA challenge, as RespondToAuthChallenge carries it. */
export interface MfaAnswer {
  ChallengeName: string;
  Session?: string;
  ChallengeResponses: Record<string, string>;
  ClientMetadata?: Metadata;
}

export const MFA_CHALLENGES = new Set(["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP", "SELECT_MFA_TYPE", "MFA_SETUP"]);

export class Mfa {
  constructor(
    private readonly dir: Directory,
    private readonly store: MfaStore,
    private readonly sessions: ChallengeSessions,
    private readonly afterSecondFactor: AfterSecondFactor,
    private readonly deliver: DeliverCode,
  ) {}

  // ---- the pool's settings

  private mode(pool: Pool): "OFF" | "ON" | "OPTIONAL" {
    return pool.description.MfaConfiguration ?? "OFF";
  }

  /**
   * The factors a pool offers. A pool made with MfaConfiguration ON/OPTIONAL and never
   * given SetUserPoolMfaConfig offers SMS, as CreateUserPool's setting alone does on AWS.
   */
  poolFactors(pool: Pool): MfaType[] {
    if (this.mode(pool) === "OFF") return [];
    const config = this.store.poolConfig(pool.id);
    if (!config) return ["SMS_MFA"];
    return MFA_TYPES.filter((t) => (t === "SMS_MFA" ? !!config.SmsMfaConfiguration : t === "SOFTWARE_TOKEN_MFA" ? config.SoftwareTokenMfaConfiguration?.Enabled === true : !!config.EmailMfaConfiguration));
  }

  GetUserPoolMfaConfig(input: { UserPoolId: string }) {
    const pool = this.dir.pool(input.UserPoolId);
    const config: PoolMfaConfig = this.store.poolConfig(pool.id) ?? (this.mode(pool) === "OFF" ? {} : { SmsMfaConfiguration: { SmsConfiguration: pool.description.SmsConfiguration } });
    return { ...config, SoftwareTokenMfaConfiguration: { Enabled: config.SoftwareTokenMfaConfiguration?.Enabled === true }, MfaConfiguration: this.mode(pool) };
  }

  SetUserPoolMfaConfig(input: { UserPoolId: string; MfaConfiguration?: "OFF" | "ON" | "OPTIONAL" } & PoolMfaConfig) {
    const pool = this.dir.pool(input.UserPoolId);
    const before = this.store.poolConfig(pool.id) ?? {};
    const config: PoolMfaConfig = {
      ...before,
      ...(input.SmsMfaConfiguration ? { SmsMfaConfiguration: input.SmsMfaConfiguration } : {}),
      ...(input.SoftwareTokenMfaConfiguration ? { SoftwareTokenMfaConfiguration: { Enabled: input.SoftwareTokenMfaConfiguration.Enabled === true } } : {}),
      ...(input.EmailMfaConfiguration ? { EmailMfaConfiguration: input.EmailMfaConfiguration } : {}),
    };
    if (input.EmailMfaConfiguration?.Message !== undefined && !input.EmailMfaConfiguration.Message.includes("{####}")) {
      throw invalidParameter("The email message must contain the {####} placeholder.");
    }
    const mode = input.MfaConfiguration ?? this.mode(pool);
    const anyFactor = !!config.SmsMfaConfiguration || config.SoftwareTokenMfaConfiguration?.Enabled === true || !!config.EmailMfaConfiguration;
    if (mode !== "OFF" && !anyFactor) throw invalidParameter("At least one MFA type must be enabled when MfaConfiguration is ON or OPTIONAL.");
    if (mode === "OFF" && input.MfaConfiguration === "OFF" && (input.SmsMfaConfiguration || input.SoftwareTokenMfaConfiguration?.Enabled || input.EmailMfaConfiguration)) {
      throw invalidParameter("Invalid MFA configuration given, can't turn off MFA and configure an MFA together.");
    }
    this.store.setPoolConfig(pool.id, config);
    if (mode !== this.mode(pool)) {
      this.dir.store.setPoolDescription(pool.id, JSON.stringify({ ...pool.description, MfaConfiguration: mode, LastModifiedDate: Date.now() / 1000 }));
    }
    return { ...config, SoftwareTokenMfaConfiguration: { Enabled: config.SoftwareTokenMfaConfiguration?.Enabled === true }, MfaConfiguration: mode };
  }

  // ---- a user's factors

  /** What GetUser / AdminGetUser add: the factors on, and the preferred one. */
  userView(pool: Pool, user: User): Record<string, unknown> {
    const s = this.store.user(pool.id, user.row.sub);
    return { ...(s.preferred ? { PreferredMfaSetting: s.preferred } : {}), ...(s.enabled.length ? { UserMFASettingList: s.enabled } : {}) };
  }

  /** A migrated user whose UserMigration answer said `enableSMSMFA`. */
  enableSms(pool: Pool, user: User): void {
    const s = this.store.user(pool.id, user.row.sub);
    if (!s.enabled.includes("SMS_MFA")) s.enabled.push("SMS_MFA");
    this.store.setUser(pool.id, user.row.sub, s);
  }

  AssociateSoftwareToken(input: { AccessToken?: string; Session?: string }) {
    if (input.AccessToken && input.Session) throw invalidParameter("Only one of AccessToken or Session may be given.");
    if (!input.AccessToken && !input.Session) throw invalidParameter("Either AccessToken or Session must be given.");
    const secret = newTotpSecret();
    if (input.AccessToken) {
      const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
      this.saveSecret(pool, user, secret);
      return { SecretCode: secret };
    }
    const { pool, user, session } = this.setupSession(input.Session);
    this.saveSecret(pool, user, secret);
    this.sessions.end(input.Session);
    return { SecretCode: secret, Session: this.sessions.start({ ...session, data: { deviceKey: session.data.deviceKey } satisfies MfaSessionData }) };
  }

  private saveSecret(pool: Pool, user: User, secret: string) {
    const s = this.store.user(pool.id, user.row.sub);
    // A new secret replaces the old one; the authenticator app is off until it is verified again.
    this.store.setUser(pool.id, user.row.sub, { ...s, totpSecret: secret, totpVerified: false, totpLastStep: 0, enabled: s.enabled.filter((t) => t !== "SOFTWARE_TOKEN_MFA"), preferred: s.preferred === "SOFTWARE_TOKEN_MFA" ? null : s.preferred });
  }

  /** A sign-in's MFA_SETUP session, whichever client it belongs to (AssociateSoftwareToken names none). */
  private setupSession(key: string | undefined) {
    const peek = this.sessions.get<MfaSessionData>(key, this.sessions.clientOf(key) ?? "", "MFA_SETUP");
    const pool = this.dir.pool(peek.poolId);
    const user = this.dir.toUser(this.dir.store.user(pool.id, peek.usernameKey));
    if (!user) throw notAuthorized("Invalid session for the user, session is expired.");
    return { pool, user, session: peek };
  }

  VerifySoftwareToken(input: { AccessToken?: string; Session?: string; UserCode: string; FriendlyDeviceName?: string }) {
    if (input.AccessToken && input.Session) throw invalidParameter("Only one of AccessToken or Session may be given.");
    if (!input.AccessToken && !input.Session) throw invalidParameter("Either AccessToken or Session must be given.");
    const target = input.AccessToken ? this.dir.userOfAccessToken(input.AccessToken) : this.setupSession(input.Session);
    const { pool, user } = target;
    const s = this.store.user(pool.id, user.row.sub);
    if (!s.totpSecret) throw new AwsError("SoftwareTokenMFANotFoundException", "Software token TOTP not found.");
    const step = matchTotp(s.totpSecret, input.UserCode);
    if (step === undefined || step <= s.totpLastStep) throw new AwsError("EnableSoftwareTokenMFAException", "Code mismatch");
    const next: UserMfa = { ...s, totpVerified: true, totpLastStep: step };
    if ("session" in target) {
      // Set up while signing in to a pool that requires MFA: it is the user's factor from now on.
      if (!next.enabled.includes("SOFTWARE_TOKEN_MFA")) next.enabled = [...next.enabled, "SOFTWARE_TOKEN_MFA"];
      next.preferred = "SOFTWARE_TOKEN_MFA";
      this.store.setUser(pool.id, user.row.sub, next);
      this.sessions.end(input.Session);
      return { Status: "SUCCESS", Session: this.sessions.start({ ...target.session, data: { verified: true, deviceKey: target.session.data.deviceKey } satisfies MfaSessionData }) };
    }
    this.store.setUser(pool.id, user.row.sub, next);
    return { Status: "SUCCESS" };
  }

  SetUserMFAPreference(input: { AccessToken: string } & PreferenceInput) {
    const { pool, user } = this.dir.userOfAccessToken(input.AccessToken);
    this.setPreference(pool, user, input);
    return {};
  }

  AdminSetUserMFAPreference(input: { UserPoolId: string; Username: string } & PreferenceInput) {
    const pool = this.dir.pool(input.UserPoolId);
    const user = this.dir.findByUsername(pool, input.Username);
    if (!user) throw new AwsError("UserNotFoundException", "User does not exist.");
    this.setPreference(pool, user, input);
    return {};
  }

  private setPreference(pool: Pool, user: User, input: PreferenceInput) {
    const s = this.store.user(pool.id, user.row.sub);
    const enabled = new Set(s.enabled);
    let preferred = s.preferred;
    for (const type of MFA_TYPES) {
      const settings = input[SETTINGS_FIELD[type]];
      if (!settings) continue;
      if (settings.Enabled) {
        if (type === "SOFTWARE_TOKEN_MFA" && !s.totpVerified) throw invalidParameter("User has not verified software token mfa");
        if (type === "SMS_MFA" && !user.attributes.phone_number) throw invalidParameter("User does not have delivery config set to turn on SMS_MFA");
        if (type === "EMAIL_OTP" && !user.attributes.email) throw invalidParameter("User does not have delivery config set to turn on EMAIL_OTP");
        enabled.add(type);
      } else if (settings.Enabled === false) {
        enabled.delete(type);
        if (preferred === type) preferred = null;
      }
      if (settings.PreferredMfa) {
        if (!enabled.has(type)) throw invalidParameter(`Cannot set ${type} as preferred: it is not enabled for the user.`);
        preferred = type;
      } else if (settings.PreferredMfa === false && preferred === type) preferred = null;
    }
    const chosen = MFA_TYPES.filter((t) => input[SETTINGS_FIELD[t]]?.PreferredMfa);
    if (chosen.length > 1) throw invalidParameter("Only one MFA type can be set as preferred.");
    this.store.setUser(pool.id, user.row.sub, { ...s, enabled: MFA_TYPES.filter((t) => enabled.has(t)), preferred });
  }

  // ---- signing in

  /** After the first factor: the MFA challenge the user now faces, or undefined when none is due. */
  async challengeAfterFirstFactor(pool: Pool, client: Client, user: User, clientMetadata: Metadata, deviceKey?: string): Promise<Answer | undefined> {
    const offered = this.poolFactors(pool);
    if (!offered.length) return undefined;
    const s = this.store.user(pool.id, user.row.sub);
    let factors = s.enabled.filter((t) => offered.includes(t));
    // A required-MFA pool texts users who have a phone number and chose nothing.
    if (!factors.length && this.mode(pool) === "ON" && offered.includes("SMS_MFA") && user.attributes.phone_number) factors = ["SMS_MFA"];
    const base = { poolId: pool.id, clientId: client.id, usernameKey: user.row.username_key, clientMetadata };
    if (!factors.length) {
      if (this.mode(pool) === "OPTIONAL") return undefined;
      const session = this.sessions.start({ ...base, challenge: "MFA_SETUP", data: { deviceKey } });
      return { ChallengeName: "MFA_SETUP", Session: session, ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify(offered), USER_ID_FOR_SRP: user.row.username } };
    }
    const chosen = s.preferred && factors.includes(s.preferred) ? s.preferred : factors.length === 1 ? factors[0]! : undefined;
    if (!chosen) {
      const session = this.sessions.start({ ...base, challenge: "SELECT_MFA_TYPE", data: { deviceKey } });
      return { ChallengeName: "SELECT_MFA_TYPE", Session: session, ChallengeParameters: { MFAS_CAN_CHOOSE: JSON.stringify(factors), USER_ID_FOR_SRP: user.row.username } };
    }
    return this.challenge(pool, user, chosen, { ...base, deviceKey });
  }

  private async challenge(pool: Pool, user: User, type: MfaType, sessionBase: { poolId: string; clientId: string; usernameKey: string; clientMetadata: Metadata; deviceKey?: string }): Promise<Answer> {
    const { deviceKey, ...base } = sessionBase;
    if (type === "SOFTWARE_TOKEN_MFA") {
      const session = this.sessions.start({ ...base, challenge: type, data: { deviceKey } satisfies MfaSessionData });
      return { ChallengeName: type, Session: session, ChallengeParameters: { USER_ID_FOR_SRP: user.row.username } };
    }
    const attribute = type === "SMS_MFA" ? "phone_number" : "email";
    const destination = user.attributes[attribute];
    if (!destination) throw invalidParameter(`User does not have delivery config set to turn on ${type}`);
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await this.deliver(pool, user, { code, attribute, destination, purpose: "mfa", clientMetadata: base.clientMetadata });
    const session = this.sessions.start({ ...base, challenge: type, data: { code, deviceKey } satisfies MfaSessionData });
    return {
      ChallengeName: type, Session: session,
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: type === "SMS_MFA" ? "SMS" : "EMAIL", CODE_DELIVERY_DESTINATION: maskDestination(attribute, destination), USER_ID_FOR_SRP: user.row.username },
    };
  }

  /** RespondToAuthChallenge for the MFA challenges. */
  async respond(pool: Pool, client: Client, input: MfaAnswer): Promise<Answer> {
    const step = await this.check(pool, client, input);
    if ("challenge" in step) return step.challenge;
    return this.afterSecondFactor(pool, client, step.passed.user, step.passed.clientMetadata, step.passed.deviceKey, input.Session);
  }

  /**
   * Checks an answer to an MFA challenge: the next challenge (the factor SELECT_MFA_TYPE
   * chose), or the user who passed, the session ended. The hosted UI's sign-in form
   * (hosted-ui/) uses it directly, then issues its own OAuth tokens.
   */
  async check(pool: Pool, client: Client, input: MfaAnswer): Promise<{ challenge: Answer } | { passed: { user: User; clientMetadata: Metadata; deviceKey?: string } }> {
    const responses = input.ChallengeResponses;
    const name = input.ChallengeName;
    // Only MFA sessions: the custom-auth challenges share the session store, and pass nothing here.
    if (!MFA_CHALLENGES.has(name)) throw invalidParameter(`Invalid challenge response for ${name}`);
    if ((MFA_TYPES as string[]).includes(name) && !responses[CODE_RESPONSE[name as MfaType]]) throw invalidParameter(`Missing required parameter ${CODE_RESPONSE[name as MfaType]}`);
    if (name === "SELECT_MFA_TYPE" && !responses.ANSWER) throw invalidParameter("Missing required parameter ANSWER");
    const session = this.sessions.get<MfaSessionData>(input.Session, client.id, name);
    const user = this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey));
    const named = this.dir.findForSignIn(pool, responses.USERNAME!);
    if (!user || named?.row.username_key !== user.row.username_key) throw notAuthorized("Invalid session for the user.");
    const metadata = input.ClientMetadata ?? session.clientMetadata;
    switch (name) {
      case "SMS_MFA":
      case "EMAIL_OTP":
        if (responses[CODE_RESPONSE[name]] !== session.data.code) throw CODE_MISMATCH();
        break;
      case "SOFTWARE_TOKEN_MFA": {
        const s = this.store.user(pool.id, user.row.sub);
        const step = s.totpSecret ? matchTotp(s.totpSecret, responses.SOFTWARE_TOKEN_MFA_CODE!) : undefined;
        if (step === undefined) throw CODE_MISMATCH();
        // Each code signs in once: a second use within its 30 seconds is refused.
        if (step <= s.totpLastStep) throw new AwsError("CodeMismatchException", "Your software token has already been used once.");
        this.store.setUser(pool.id, user.row.sub, { ...s, totpLastStep: step });
        break;
      }
      case "SELECT_MFA_TYPE": {
        const answer = responses.ANSWER as MfaType;
        const factors = this.store.user(pool.id, user.row.sub).enabled.filter((t) => this.poolFactors(pool).includes(t));
        if (!factors.includes(answer)) throw invalidParameter(`Invalid MFA type ${answer}; the user can choose ${factors.join(", ")}.`);
        this.sessions.end(input.Session);
        return { challenge: await this.challenge(pool, user, answer, { poolId: pool.id, clientId: client.id, usernameKey: user.row.username_key, clientMetadata: metadata, deviceKey: session.data.deviceKey }) };
      }
      case "MFA_SETUP":
        if (!session.data.verified) throw invalidParameter("The user has not verified a software token: call AssociateSoftwareToken and VerifySoftwareToken with this Session first.");
        break;
    }
    this.sessions.end(input.Session);
    return { passed: { user, clientMetadata: metadata, deviceKey: session.data.deviceKey } };
  }
}
