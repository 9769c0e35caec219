/**
 * Signing in on the hosted UI: the sign-in form (the same checks and triggers as
 * InitiateAuth, UserMigration for a name the pool does not know yet), a temporary
 * password's "choose a new one" step, the second factor (mfa-step.ts), and — once the user
 * is through, here or at a federated provider (federation.ts) — the hosted UI session and
 * the answer to the app's authorize request: a code, or tokens in the fragment.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt } from "../../../auth/jwt-verify.js";
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { AuthOperations } from "../auth.js";
import type { Directory, Pool, User } from "../directory.js";
import { checkPassword, passwordMatches } from "../passwords.js";
import { migrateUser } from "../user-migration.js";
import type { UserOperations } from "../users.js";
import { redirectTo, type AuthorizeRequest } from "./authorize-request.js";
import { confirmPage, loginPage, newPasswordPage, signsInWithCognito } from "./form-pages.js";
import type { OAuthGrants } from "./grants.js";
import { redirect, SESSION_COOKIE } from "./http.js";
import { challengeResponses, isMfaForm, mfaFormState, mfaPage, mfaSetupPage, offersAuthenticatorSetup, readMfaForm, type MfaChallengeAnswer, type MfaFormState } from "./mfa-step.js";
import type { PageContext } from "./pages.js";
import { checkedRequest, pageContext, postedForm } from "./requests.js";

/** How long the "choose a new password" step of a temporary password waits (Cognito's three minutes). */
const PENDING_TTL_MS = 3 * 60_000;

type MfaStep = Awaited<ReturnType<AuthOperations["mfa"]["check"]>>;

export class SignInForm {
  /** Users who signed in with a temporary password and must choose a new one, by form token. */
  private readonly pendingNewPassword = new Map<string, { poolId: string; usernameKey: string; expires: number }>();

  constructor(
    private readonly dir: Directory,
    private readonly users: UserOperations,
    private readonly auth: AuthOperations,
    private readonly grants: OAuthGrants,
  ) {}

  show(req: AwsRequest, pool: Pool): AwsResponse {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    return loginPage(pageContext(req, pool), checked.ok.client);
  }

  async post(req: AwsRequest, pool: Pool): Promise<AwsResponse> {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    const ctx = pageContext(req, pool);
    const form = postedForm(req);
    const { client } = checked.ok;
    if (!signsInWithCognito(client)) return loginPage(ctx, client, { error: "COGNITO is not a supported identity provider for this client." });
    if (form.get("new_password") !== null) return this.chooseNewPassword(ctx, checked.ok, form);
    if (isMfaForm(form)) return this.secondFactor(ctx, checked.ok, form);
    const username = form.get("username") ?? "";
    const password = form.get("password") ?? "";
    let user: User;
    try {
      user = this.dir.findForSignIn(pool, username)
        ?? (await migrateUser(this.dir, { pool, client, name: username, source: "UserMigration_Authentication", password, enableSms: (p, u) => this.auth.mfa.enableSms(p, u) }))
        ?? this.dir.userForSignIn(pool, username, client);
      await this.auth.preAuthentication(pool, client, user);
      if (!user.row.enabled) throw new AwsError("NotAuthorizedException", "User is disabled.");
      if (!passwordMatches(password, user.row.password_hash)) throw new AwsError("NotAuthorizedException", "Incorrect username or password.");
      this.users.checkCanSignIn(user);
    } catch (e) {
      if (e instanceof AwsError && e.code === "UserNotConfirmedException") return confirmPage(ctx, { username, info: "Your account is not confirmed: enter the code that was sent to you." });
      if (e instanceof AwsError) return loginPage(ctx, client, { error: e.message, username });
      throw e;
    }
    if (user.row.status === "FORCE_CHANGE_PASSWORD") {
      const token = randomBytes(24).toString("base64url");
      this.pendingNewPassword.set(token, { poolId: pool.id, usernameKey: user.row.username_key, expires: Date.now() + PENDING_TTL_MS });
      return newPasswordPage(ctx, token);
    }
    return this.afterFirstFactor(ctx, checked.ok, user);
  }

  /** The password is through: the second factor the pool asks of this user (mfa.ts), else signed in. */
  private async afterFirstFactor(ctx: PageContext, areq: AuthorizeRequest, user: User): Promise<AwsResponse> {
    let challenge: MfaChallengeAnswer | undefined;
    try {
      challenge = (await this.auth.mfa.challengeAfterFirstFactor(areq.pool, areq.client, user, undefined)) as MfaChallengeAnswer | undefined;
    } catch (e) {
      if (e instanceof AwsError) return loginPage(ctx, areq.client, { error: e.message, username: user.row.username });
      throw e;
    }
    if (!challenge) return this.signedIn(areq, user);
    if (challenge.ChallengeName === "MFA_SETUP" && offersAuthenticatorSetup(challenge)) return this.startAuthenticatorSetup(ctx, areq, challenge, user.row.username);
    return mfaPage(ctx, mfaFormState(challenge, user.row.username));
  }

  /** MFA_SETUP: a new authenticator secret for the sign-in's session (AssociateSoftwareToken), shown with its QR code. */
  private startAuthenticatorSetup(ctx: PageContext, areq: AuthorizeRequest, challenge: MfaChallengeAnswer, username: string): AwsResponse {
    try {
      const { SecretCode, Session } = this.auth.mfa.AssociateSoftwareToken({ Session: challenge.Session });
      return mfaSetupPage(ctx, { challenge: "MFA_SETUP", session: Session!, username, hint: SecretCode });
    } catch (e) {
      if (e instanceof AwsError) return loginPage(ctx, areq.client, { error: e.message, username });
      throw e;
    }
  }

  /** The authenticator's first code: verified, then the MFA_SETUP challenge answered; a wrong code shows the page again. */
  private finishAuthenticatorSetup(ctx: PageContext, areq: AuthorizeRequest, posted: MfaFormState & { value: string }): Promise<AwsResponse> {
    return this.mfaStep(ctx, areq, posted, (error) => mfaSetupPage(ctx, posted, error), async () => {
      const verified = this.auth.mfa.VerifySoftwareToken({ Session: posted.session, UserCode: posted.value, FriendlyDeviceName: "hosted UI" });
      return this.auth.mfa.check(areq.pool, areq.client, { ChallengeName: "MFA_SETUP", Session: verified.Session, ChallengeResponses: { USERNAME: posted.username } });
    });
  }

  /** The MFA form: a wrong code shows it again; a factor chosen asks for its code; a right code signs in. */
  private secondFactor(ctx: PageContext, areq: AuthorizeRequest, form: URLSearchParams): Promise<AwsResponse> {
    const posted = readMfaForm(form);
    if (posted.challenge === "MFA_SETUP") return this.finishAuthenticatorSetup(ctx, areq, posted);
    return this.mfaStep(ctx, areq, posted, (error) => mfaPage(ctx, posted, error), () =>
      this.auth.mfa.check(areq.pool, areq.client, { ChallengeName: posted.challenge, Session: posted.session, ChallengeResponses: challengeResponses(posted, posted.value) }));
  }

  /** One MFA step answered: the next challenge's page, the sign-in, or the same page again with the error. */
  private async mfaStep(ctx: PageContext, areq: AuthorizeRequest, posted: MfaFormState, again: (error: string) => AwsResponse, check: () => Promise<MfaStep>): Promise<AwsResponse> {
    let step: MfaStep;
    try {
      step = await check();
    } catch (e) {
      // An expired or foreign session starts the sign-in again; a wrong code keeps the (still live) session.
      if (e instanceof AwsError && e.code === "NotAuthorizedException") return loginPage(ctx, areq.client, { error: e.message, username: posted.username });
      if (e instanceof AwsError) return { ...again(e.message), status: 400 };
      throw e;
    }
    if ("challenge" in step) return mfaPage(ctx, mfaFormState(step.challenge, posted.username));
    return this.signedIn(areq, step.passed.user);
  }

  private async chooseNewPassword(ctx: PageContext, areq: AuthorizeRequest, form: URLSearchParams): Promise<AwsResponse> {
    const token = form.get("pending") ?? "";
    const pending = this.pendingNewPassword.get(token);
    if (!pending || pending.poolId !== areq.pool.id || pending.expires < Date.now()) return loginPage(ctx, areq.client, { error: "Invalid session for the user, session is expired." });
    const user = this.dir.toUser(this.dir.store.user(areq.pool.id, pending.usernameKey));
    if (!user) return loginPage(ctx, areq.client, { error: "User does not exist." });
    const password = form.get("new_password") ?? "";
    try {
      checkPassword(password, areq.pool.policy);
    } catch (e) {
      if (e instanceof AwsError) return newPasswordPage(ctx, token, e.message);
      throw e;
    }
    this.pendingNewPassword.delete(token);
    this.dir.setPassword(areq.pool, user, password);
    user.row.status = "CONFIRMED";
    user.row.temporary_until = null;
    this.dir.saveUser(user);
    return this.afterFirstFactor(ctx, areq, user);
  }

  /** A fresh sign-in: a hosted UI session, then the answer to the authorize request. */
  signedIn(areq: AuthorizeRequest, user: User): Promise<AwsResponse> {
    const authTime = Math.floor(Date.now() / 1000);
    const session = this.grants.newSession(areq.pool.id, user.row.username_key, authTime);
    return this.finish(areq, user, authTime, [`${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`]);
  }

  /** Tokens for the user, handed back as a code (`code`) or in the fragment (`token`). */
  async finish(areq: AuthorizeRequest, user: User, authTime: number, setCookies: string[]): Promise<AwsResponse> {
    const scope = areq.scopes.join(" ");
    const set = (await this.auth.tokens(areq.pool, areq.client, user, {
      newSignIn: true, source: "TokenGeneration_HostedAuth", authTime, oauth: { scopes: areq.scopes, nonce: areq.nonce },
    })) as { AccessToken: string; IdToken: string; RefreshToken?: string; ExpiresIn: number };
    const originJti = String(decodeJwt(set.AccessToken)?.payload.origin_jti ?? "");
    this.grants.rememberScope(originJti, areq.pool.id, scope);
    const openid = areq.scopes.includes("openid");
    if (areq.responseType === "token") {
      return redirect(
        redirectTo(areq.redirectUri, "token", {
          ...(openid ? { id_token: set.IdToken } : {}), access_token: set.AccessToken, expires_in: String(set.ExpiresIn), token_type: "Bearer", state: areq.state,
        }),
        setCookies,
      );
    }
    const code = this.grants.newCode({ poolId: areq.pool.id, clientId: areq.client.id, redirectUri: areq.redirectUri, challenge: areq.challenge, tokens: set, openid });
    return redirect(redirectTo(areq.redirectUri, "code", { code, state: areq.state }), setCookies);
  }
}
