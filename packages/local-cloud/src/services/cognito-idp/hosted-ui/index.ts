/**
 * A user pool domain's hosted UI and OAuth 2.0 / OpenID Connect endpoints, served locally at
 * `http://<prefix>.auth.<region>.localhost:<port>` (AWS: `https://<prefix>.auth.<region>.amazoncognito.com`):
 *
 *   GET  /oauth2/authorize            code / token (implicit), scopes, state, nonce, PKCE
 *   GET  /login, POST /login          the sign-in form (same checks and triggers as InitiateAuth)
 *        /signup, /confirm, /forgotPassword, /confirmForgotPassword   the other forms
 *   POST /oauth2/token                authorization_code, refresh_token, client_credentials
 *   GET|POST /oauth2/userInfo         the signed-in user's claims, for an access token with `openid`
 *   GET  /logout                      ends the hosted UI session (logout_uri checked)
 *   POST /oauth2/revoke               revokes a refresh token and the tokens issued with it
 *   GET  /.well-known/openid-configuration, /.well-known/jwks.json
 *
 * Tokens are the pool's own RS256 tokens (auth.ts issues them, with the PreTokenGeneration
 * trigger), carrying the granted scopes in the access token and the nonce in the ID token.
 */
import { createHmac, randomBytes } from "node:crypto";
import { decodeJwt } from "../../../auth/jwt-verify.js";
import { AwsError } from "../../../server/aws-error.js";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { AuthOperations } from "../auth.js";
import type { Client, Directory, Pool, User } from "../directory.js";
import { checkPassword, passwordMatches } from "../passwords.js";
import type { UserOperations } from "../users.js";
import { checkAuthorizeRequest, redirectTo, type AuthorizeRequest } from "./authorize-request.js";
import { OAuthGrants } from "./grants.js";
import { errorPage, formPage, type Field, type PageContext } from "./pages.js";
import { STANDARD_SCOPES, splitScopes } from "./scopes.js";
import { authenticateClient, formOf, OAuthError, oauthErrorResponse, TokenEndpoint } from "./token-endpoint.js";
import { domainBaseUrl } from "./domain-host.js";
import { challengeResponses, isMfaForm, mfaFormState, mfaPage, readMfaForm, type MfaChallengeAnswer } from "./mfa-step.js";

const SESSION_COOKIE = "cognito";
const CSRF_COOKIE = "XSRF-TOKEN";
/** How long the "choose a new password" step of a temporary password waits (Cognito's three minutes). */
const PENDING_TTL_MS = 3 * 60_000;

type Headers = Record<string, string | string[]>;

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

const redirect = (location: string, setCookies: string[] = []): AwsResponse => ({
  status: 302,
  headers: { location, "cache-control": "no-store", ...(setCookies.length ? { "set-cookie": setCookies } : {}) } as Headers as Record<string, string>,
});

const jsonResponse = (status: number, body: unknown, extra: Record<string, string> = {}): AwsResponse => ({
  status,
  headers: { "content-type": "application/json;charset=UTF-8", ...extra },
  body: JSON.stringify(body),
});

/**
 * What a browser app calls with fetch (an SPA exchanging its code with PKCE, as Amplify's
 * redirect sign-in does): answered to any origin, preflights included.
 */
const CORS_PATHS = new Set(["/oauth2/token", "/oauth2/userInfo", "/oauth2/revoke", "/.well-known/openid-configuration", "/.well-known/jwks.json"]);

function withCors(req: AwsRequest, answer: AwsResponse): AwsResponse {
  const origin = req.headers.origin;
  if (!origin || !CORS_PATHS.has(req.path.replace(/\/+$/, ""))) return answer;
  return {
    ...answer,
    headers: {
      ...answer.headers,
      "access-control-allow-origin": origin,
      vary: "Origin",
      ...(req.method === "OPTIONS"
        ? { "access-control-allow-methods": "GET, POST, OPTIONS", "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "authorization, content-type", "access-control-max-age": "3600" }
        : {}),
    },
  };
}

/** The message a failed step shows on its form: AWS's words for AWS's errors. */
const messageOf = (e: unknown): string => (e instanceof AwsError ? e.message : String(e));

export class HostedUi {
  private readonly grants: OAuthGrants;
  private readonly tokenEndpoint: TokenEndpoint;
  /** Users who signed in with a temporary password and must choose a new one, by form token. */
  private readonly pendingNewPassword = new Map<string, { poolId: string; usernameKey: string; expires: number }>();

  constructor(
    private readonly dir: Directory,
    private readonly users: UserOperations,
    private readonly auth: AuthOperations,
    private readonly jwks: (poolId: string) => unknown,
  ) {
    this.grants = new OAuthGrants(dir);
    this.tokenEndpoint = new TokenEndpoint(dir, auth, this.grants);
  }

  /** The pool whose domain this is, or undefined (an unknown domain prefix). */
  private poolOfDomain(prefix: string): Pool | undefined {
    const row = this.dir.store.domain(prefix);
    return row ? this.dir.findPool(row.pool_id) : undefined;
  }

  async handle(req: AwsRequest, prefix: string): Promise<AwsResponse> {
    const answer = await this.route(req, prefix);
    return withCors(req, answer);
  }

  private async route(req: AwsRequest, prefix: string): Promise<AwsResponse> {
    const pool = this.poolOfDomain(prefix);
    if (!pool) return { status: 404, headers: { "content-type": "text/plain" }, body: `No user pool has the domain ${prefix}.` };
    const path = req.path.replace(/\/+$/, "") || "/";
    const get = req.method === "GET" || req.method === "HEAD";
    const post = req.method === "POST";
    if (req.method === "OPTIONS" && CORS_PATHS.has(path)) return { status: 204, headers: {} };
    try {
      switch (path) {
        case "/.well-known/openid-configuration":
          if (get) return jsonResponse(200, this.discovery(pool, req));
          break;
        case "/.well-known/jwks.json":
          if (get) return jsonResponse(200, this.jwks(pool.id));
          break;
        case "/oauth2/authorize":
        case "/authorize":
          if (get) return await this.authorize(req, pool);
          break;
        case "/login":
          if (get) return this.loginForm(req, pool);
          if (post) return await this.login(req, pool);
          break;
        case "/signup":
          if (get || post) return await this.signUp(req, pool, post);
          break;
        case "/confirm":
          if (get || post) return await this.confirm(req, pool, post);
          break;
        case "/forgotPassword":
          if (get || post) return await this.forgotPassword(req, pool, post);
          break;
        case "/confirmForgotPassword":
          if (get || post) return await this.confirmForgotPassword(req, pool, post);
          break;
        case "/oauth2/token":
          if (post) return await this.tokenEndpoint.handle(pool.id, req.headers, req.body as Buffer);
          break;
        case "/oauth2/userInfo":
          if (get || post) return this.userInfo(req);
          break;
        case "/oauth2/revoke":
          if (post) return this.revoke(req, pool);
          break;
        case "/logout":
          if (get) return this.logout(req, pool);
          break;
        case "/error":
          return errorPage(req.query.get("error") ?? "error", req.query.get("error_description") ?? undefined);
        default:
          return { status: 404, headers: { "content-type": "text/plain" }, body: "Not found" };
      }
      return { status: 405, headers: { "content-type": "text/plain", allow: "GET, POST" }, body: "Method not allowed" };
    } catch (e) {
      // The OAuth endpoints answer JSON; the forms a page (a stale form's CSRF token, a body that is not a form).
      if (e instanceof OAuthError) return path.startsWith("/oauth2/") ? oauthErrorResponse(e) : { ...errorPage(e.error, e.message), status: e.status };
      throw e;
    }
  }

  /** The domain's discovery document: the pool's issuer, this domain's endpoints. */
  private discovery(pool: Pool, req: AwsRequest) {
    const base = domainBaseUrl(req.headers.host ?? "");
    return {
      issuer: pool.issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      end_session_endpoint: `${base}/logout`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      response_types_supported: ["code", "token"],
      grant_types_supported: ["authorization_code", "implicit", "refresh_token", "client_credentials"],
      scopes_supported: [...STANDARD_SCOPES],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      code_challenge_methods_supported: ["S256", "plain"],
    };
  }

  /** The authorize request, checked; errors answered as Cognito answers them. */
  private checked(req: AwsRequest, pool: Pool): { ok: AuthorizeRequest } | { response: AwsResponse } {
    const checked = checkAuthorizeRequest(this.dir, pool.id, req.query);
    if ("ok" in checked) return checked;
    if ("errorPage" in checked) {
      const { error, description, clientId } = checked.errorPage;
      const q = new URLSearchParams({ error, ...(clientId ? { client_id: clientId } : {}), ...(description ? { error_description: description } : {}) });
      return { response: redirect(`/error?${q}`) };
    }
    const r = checked.redirectError;
    return { response: redirect(redirectTo(r.redirectUri, r.responseType, { error: r.error, error_description: r.description, state: r.state })) };
  }

  private async authorize(req: AwsRequest, pool: Pool): Promise<AwsResponse> {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    const session = this.grants.session(cookies(req.headers.cookie)[SESSION_COOKIE], pool.id);
    const user = session && req.query.get("prompt") !== "login" ? this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey)) : undefined;
    if (user && user.row.enabled && user.row.status === "CONFIRMED") return this.finish(checked.ok, user, session!.authTime, []);
    return redirect(`/login?${req.query}`);
  }

  private context(req: AwsRequest, pool: Pool): PageContext {
    const csrf = cookies(req.headers.cookie)[CSRF_COOKIE] || randomBytes(24).toString("base64url");
    const q = req.query.toString();
    return { query: q ? `?${q}` : "", csrf, poolName: pool.row.name };
  }

  /** A POSTed form, its CSRF token checked against the cookie the form was served with. */
  private form(req: AwsRequest): URLSearchParams {
    const form = formOf(req.headers, req.body as Buffer);
    const cookie = cookies(req.headers.cookie)[CSRF_COOKIE];
    if (!cookie || form.get("_csrf") !== cookie) throw new OAuthError("invalid_request", 403, "CSRF token mismatch");
    return form;
  }

  private loginPage(ctx: PageContext, o: { error?: string; info?: string; username?: string } = {}): AwsResponse {
    return formPage(ctx, {
      title: "Sign in", action: "/login", submit: "Sign in", error: o.error, info: o.info,
      fields: [
        { name: "username", label: "Username", value: o.username, autocomplete: "username" },
        { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
      ],
      links: [{ href: "/forgotPassword", text: "Forgot your password?" }, { href: "/signup", text: "Sign up" }],
    });
  }

  private loginForm(req: AwsRequest, pool: Pool): AwsResponse {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    return this.loginPage(this.context(req, pool));
  }

  private async login(req: AwsRequest, pool: Pool): Promise<AwsResponse> {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    const ctx = this.context(req, pool);
    const form = this.form(req);
    const { client } = checked.ok;
    if (form.get("new_password") !== null) return this.chooseNewPassword(ctx, checked.ok, form);
    if (isMfaForm(form)) return this.secondFactor(ctx, checked.ok, form);
    const username = form.get("username") ?? "";
    const password = form.get("password") ?? "";
    let user: User;
    try {
      user = this.dir.userForSignIn(pool, username, client);
      await this.auth.preAuthentication(pool, client, user);
      if (!user.row.enabled) throw new AwsError("NotAuthorizedException", "User is disabled.");
      if (!passwordMatches(password, user.row.password_hash)) throw new AwsError("NotAuthorizedException", "Incorrect username or password.");
      this.users.checkCanSignIn(user);
    } catch (e) {
      if (e instanceof AwsError && e.code === "UserNotConfirmedException") return this.confirmPage(ctx, { username, info: "Your account is not confirmed: enter the code that was sent to you." });
      if (e instanceof AwsError) return this.loginPage(ctx, { error: e.message, username });
      throw e;
    }
    if (user.row.status === "FORCE_CHANGE_PASSWORD") {
      const token = randomBytes(24).toString("base64url");
      this.pendingNewPassword.set(token, { poolId: pool.id, usernameKey: user.row.username_key, expires: Date.now() + PENDING_TTL_MS });
      return this.newPasswordPage(ctx, token);
    }
    return this.afterFirstFactor(ctx, checked.ok, user);
  }

  /** The password is through: the second factor the pool asks of this user (mfa.ts), else signed in. */
  private async afterFirstFactor(ctx: PageContext, areq: AuthorizeRequest, user: User): Promise<AwsResponse> {
    let challenge: MfaChallengeAnswer | undefined;
    try {
      challenge = (await this.auth.mfa.challengeAfterFirstFactor(areq.pool, areq.client, user, undefined)) as MfaChallengeAnswer | undefined;
    } catch (e) {
      if (e instanceof AwsError) return this.loginPage(ctx, { error: e.message, username: user.row.username });
      throw e;
    }
    if (!challenge) return this.signedIn(areq, user);
    return mfaPage(ctx, mfaFormState(challenge, user.row.username));
  }

  /** The MFA form: a wrong code shows it again; a factor chosen asks for its code; a right code signs in. */
  private async secondFactor(ctx: PageContext, areq: AuthorizeRequest, form: URLSearchParams): Promise<AwsResponse> {
    const posted = readMfaForm(form);
    let step: Awaited<ReturnType<AuthOperations["mfa"]["check"]>>;
    try {
      step = await this.auth.mfa.check(areq.pool, areq.client, { ChallengeName: posted.challenge, Session: posted.session, ChallengeResponses: challengeResponses(posted, posted.value) });
    } catch (e) {
      // An expired or foreign session starts the sign-in again; a wrong code keeps the (still live) session.
      if (e instanceof AwsError && e.code === "NotAuthorizedException") return this.loginPage(ctx, { error: e.message, username: posted.username });
      if (e instanceof AwsError) return { ...mfaPage(ctx, posted, e.message), status: 400 };
      throw e;
    }
    if ("challenge" in step) return mfaPage(ctx, mfaFormState(step.challenge, posted.username));
    return this.signedIn(areq, step.passed.user);
  }

  private newPasswordPage(ctx: PageContext, token: string, error?: string): AwsResponse {
    return formPage(ctx, {
      title: "Change password", action: "/login", submit: "Send", error, info: "Please enter a new password.",
      fields: [{ name: "pending", label: "", type: "hidden", value: token }, { name: "new_password", label: "New password", type: "password", autocomplete: "new-password" }],
    });
  }

  private async chooseNewPassword(ctx: PageContext, areq: AuthorizeRequest, form: URLSearchParams): Promise<AwsResponse> {
    const token = form.get("pending") ?? "";
    const pending = this.pendingNewPassword.get(token);
    if (!pending || pending.poolId !== areq.pool.id || pending.expires < Date.now()) return this.loginPage(ctx, { error: "Invalid session for the user, session is expired." });
    const user = this.dir.toUser(this.dir.store.user(areq.pool.id, pending.usernameKey));
    if (!user) return this.loginPage(ctx, { error: "User does not exist." });
    const password = form.get("new_password") ?? "";
    try {
      checkPassword(password, areq.pool.policy);
    } catch (e) {
      if (e instanceof AwsError) return this.newPasswordPage(ctx, token, e.message);
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
  private signedIn(areq: AuthorizeRequest, user: User): Promise<AwsResponse> {
    const authTime = Math.floor(Date.now() / 1000);
    const session = this.grants.newSession(areq.pool.id, user.row.username_key, authTime);
    return this.finish(areq, user, authTime, [`${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`]);
  }

  /** Tokens for the user, handed back as a code (`code`) or in the fragment (`token`). */
  private async finish(areq: AuthorizeRequest, user: User, authTime: number, setCookies: string[]): Promise<AwsResponse> {
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

  /** SECRET_HASH for a public call the hosted UI makes on the user's behalf (it knows the client's secret). */
  private secretHash(client: Client, username: string): string | undefined {
    return client.row.secret ? createHmac("sha256", client.row.secret).update(`${username}${client.id}`).digest("base64") : undefined;
  }

  private signUpFields(pool: Pool, values: URLSearchParams | undefined): Field[] {
    const byEmail = pool.usernameAttributes.includes("email");
    const fields: Field[] = [{ name: "username", label: byEmail ? "Email" : "Username", value: values?.get("username") ?? "", autocomplete: byEmail ? "email" : "username" }];
    for (const a of pool.schema) {
      if (!a.Required || a.Name === "sub" || (byEmail && a.Name === "email")) continue;
      fields.push({ name: `attr_${a.Name}`, label: a.Name, type: a.Name === "email" ? "email" : "text", value: values?.get(`attr_${a.Name}`) ?? "" });
    }
    fields.push({ name: "password", label: "Password", type: "password", autocomplete: "new-password" });
    return fields;
  }

  private async signUp(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    const ctx = this.context(req, pool);
    const page = (form?: URLSearchParams, error?: string) =>
      formPage(ctx, { title: "Sign up", action: "/signup", submit: "Sign up", error, fields: this.signUpFields(pool, form), links: [{ href: "/login", text: "Already have an account? Sign in" }] });
    if (!post) return page();
    const form = this.form(req);
    const username = form.get("username") ?? "";
    const attributes = [...form.entries()].filter(([k]) => k.startsWith("attr_")).map(([k, v]) => ({ Name: k.slice(5), Value: v }));
    if (pool.usernameAttributes.includes("email")) attributes.push({ Name: "email", Value: username });
    const { client } = checked.ok;
    try {
      const out = (await this.users.SignUp({ ClientId: client.id, SecretHash: this.secretHash(client, username), Username: username, Password: form.get("password") ?? "", UserAttributes: attributes })) as { UserConfirmed: boolean };
      if (out.UserConfirmed) return this.loginPage(ctx, { info: "Your account is confirmed: sign in.", username });
      return this.confirmPage(ctx, { username, info: "We have sent a code: enter it to confirm your account." });
    } catch (e) {
      if (e instanceof AwsError) return page(form, e.message);
      throw e;
    }
  }

  private confirmPage(ctx: PageContext, o: { username: string; error?: string; info?: string }): AwsResponse {
    return formPage(ctx, {
      title: "Confirm your account", action: "/confirm", submit: "Confirm account", error: o.error, info: o.info,
      fields: [{ name: "username", label: "Username", value: o.username }, { name: "code", label: "Verification code", autocomplete: "one-time-code" }],
    });
  }

  private async confirm(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    const ctx = this.context(req, pool);
    if (!post) return this.confirmPage(ctx, { username: req.query.get("username") ?? "" });
    const form = this.form(req);
    const username = form.get("username") ?? "";
    const { client } = checked.ok;
    try {
      await this.users.ConfirmSignUp({ ClientId: client.id, SecretHash: this.secretHash(client, username), Username: username, ConfirmationCode: form.get("code") ?? "" });
    } catch (e) {
      if (e instanceof AwsError) return this.confirmPage(ctx, { username, error: e.message });
      throw e;
    }
    return this.loginPage(ctx, { info: "Your account is confirmed: sign in.", username });
  }

  private async forgotPassword(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    const ctx = this.context(req, pool);
    const page = (error?: string) => formPage(ctx, { title: "Forgot your password?", action: "/forgotPassword", submit: "Reset my password", error, fields: [{ name: "username", label: "Username", autocomplete: "username" }] });
    if (!post) return page();
    const form = this.form(req);
    const username = form.get("username") ?? "";
    const { client } = checked.ok;
    try {
      await this.users.ForgotPassword({ ClientId: client.id, SecretHash: this.secretHash(client, username), Username: username });
    } catch (e) {
      if (e instanceof AwsError) return page(e.message);
      throw e;
    }
    return this.resetPage(ctx, username, undefined, "We have sent a password reset code: enter it below.");
  }

  private resetPage(ctx: PageContext, username: string, error?: string, info?: string): AwsResponse {
    return formPage(ctx, {
      title: "Reset your password", action: "/confirmForgotPassword", submit: "Change password", error, info,
      fields: [
        { name: "username", label: "Username", value: username },
        { name: "code", label: "Code", autocomplete: "one-time-code" },
        { name: "password", label: "New password", type: "password", autocomplete: "new-password" },
      ],
    });
  }

  private async confirmForgotPassword(req: AwsRequest, pool: Pool, post: boolean): Promise<AwsResponse> {
    const checked = this.checked(req, pool);
    if ("response" in checked) return checked.response;
    const ctx = this.context(req, pool);
    if (!post) return this.resetPage(ctx, req.query.get("username") ?? "");
    const form = this.form(req);
    const username = form.get("username") ?? "";
    const { client } = checked.ok;
    try {
      await this.users.ConfirmForgotPassword({ ClientId: client.id, SecretHash: this.secretHash(client, username), Username: username, ConfirmationCode: form.get("code") ?? "", Password: form.get("password") ?? "" });
    } catch (e) {
      if (e instanceof AwsError) return this.resetPage(ctx, username, e.message);
      throw e;
    }
    return this.loginPage(ctx, { info: "Your password has been changed: sign in.", username });
  }

  /** The user of a Bearer access token with the `openid` scope, and the claims its scopes let it read. */
  private userInfo(req: AwsRequest): AwsResponse {
    const refuse = (error: string, description: string) =>
      jsonResponse(401, { error, error_description: description }, { "www-authenticate": `Bearer error="${error}", error_description="${description}"` });
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer) return refuse("invalid_request", "Access token is missing");
    let found: ReturnType<Directory["userOfAccessToken"]>;
    try {
      found = this.dir.userOfAccessToken(bearer);
    } catch (e) {
      if (e instanceof AwsError) return refuse("invalid_token", e.message);
      throw e;
    }
    const scopes = splitScopes(found.claims.scope);
    if (!scopes.includes("openid")) return refuse("invalid_token", "Access token does not contain openid scope");
    const client = this.dir.store.client(String(found.claims.client_id ?? ""));
    const readable: string[] | undefined = client ? JSON.parse(client.description).ReadAttributes : undefined;
    const all = scopes.includes("profile") || scopes.includes("aws.cognito.signin.user.admin");
    const byScope: Record<string, string[]> = { email: ["email", "email_verified"], phone: ["phone_number", "phone_number_verified"] };
    const wanted = (name: string) => all || Object.entries(byScope).some(([scope, names]) => scopes.includes(scope) && names.includes(name));
    const claims: Record<string, string> = { sub: found.user.row.sub };
    for (const [name, value] of Object.entries(found.user.attributes)) {
      if (name === "sub" || (readable?.length && !readable.includes(name)) || !wanted(name)) continue;
      claims[name] = value;
    }
    claims.username = found.user.row.username;
    return jsonResponse(200, claims);
  }

  private revoke(req: AwsRequest, pool: Pool): AwsResponse {
    try {
      const form = formOf(req.headers, req.body as Buffer);
      const token = form.get("token");
      const client = authenticateClient(this.dir, pool.id, req.headers, form);
      if (!token) throw new OAuthError("invalid_request");
      this.auth.RevokeToken({ Token: token, ClientId: client.id, ClientSecret: client.row.secret ?? undefined });
      return { status: 200, headers: { "cache-control": "no-store" }, body: "" };
    } catch (e) {
      if (e instanceof OAuthError) return oauthErrorResponse(e);
      if (e instanceof AwsError) {
        const code = e.code === "UnsupportedTokenTypeException" ? "unsupported_token_type" : e.code === "NotAuthorizedException" ? "invalid_client" : "unauthorized_client";
        return oauthErrorResponse(new OAuthError(code));
      }
      throw e;
    }
  }

  /** Ends the hosted UI session; then back to the app's logout_uri, or to the sign-in form. */
  private logout(req: AwsRequest, pool: Pool): AwsResponse {
    const q = req.query;
    const clientId = q.get("client_id");
    const row = clientId ? this.dir.store.client(clientId) : undefined;
    if (!row || row.pool_id !== pool.id) return redirect(`/error?${new URLSearchParams({ error: "invalid_request", error_description: "Invalid client_id" })}`);
    const settings = JSON.parse(row.description) as Record<string, any>;
    const clear = `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
    const logoutUri = q.get("logout_uri");
    if (logoutUri !== null) {
      if (!((settings.LogoutURLs ?? []) as string[]).includes(logoutUri)) return redirect(`/error?${new URLSearchParams({ error: "redirect_mismatch", client_id: clientId! })}`);
      this.grants.endSession(cookies(req.headers.cookie)[SESSION_COOKIE]);
      return redirect(logoutUri, [clear]);
    }
    if (q.get("redirect_uri") !== null && q.get("response_type") !== null) {
      const checked = this.checked(req, pool);
      if ("response" in checked) return checked.response;
      this.grants.endSession(cookies(req.headers.cookie)[SESSION_COOKIE]);
      return redirect(`/login?${q}`, [clear]);
    }
    return redirect(`/error?${new URLSearchParams({ error: "invalid_request", error_description: "Required String parameter 'logout_uri' is not present" })}`);
  }
}
