/**
 * A user pool domain's hosted UI and OAuth 2.0 / OpenID Connect endpoints, served locally at
 * `http://<prefix>.auth.<region>.localhost:<port>` (AWS: `https://<prefix>.auth.<region>.amazoncognito.com`):
 *
 *   GET  /oauth2/authorize            code / token (implicit), scopes, state, nonce, PKCE,
 *                                     identity_provider / idp_identifier (federation.ts)
 *   GET|POST /oauth2/idpresponse      a federated provider's answer (federation.ts)
 *   GET  /login, POST /login          the sign-in form (sign-in.ts)
 *        /signup, /confirm, /forgotPassword, /confirmForgotPassword   account-forms.ts
 *   POST /oauth2/token                authorization_code, refresh_token, client_credentials (token-endpoint.ts)
 *   GET|POST /oauth2/userInfo         user-info.ts
 *   GET  /logout                      logout.ts
 *   POST /oauth2/revoke               revoke.ts
 *   GET  /.well-known/openid-configuration, /.well-known/jwks.json
 *
 * Tokens are the pool's own RS256 tokens (auth.ts issues them, with the PreTokenGeneration
 * trigger), carrying the granted scopes in the access token and the nonce in the ID token.
 */
import type { AwsRequest, AwsResponse } from "../../../types.js";
import type { AuthOperations } from "../auth.js";
import type { Directory, Pool } from "../directory.js";
import type { UserOperations } from "../users.js";
import { AccountForms } from "./account-forms.js";
import { domainBaseUrl } from "./domain-host.js";
import { Federation } from "./federation.js";
import { OAuthGrants } from "./grants.js";
import { cookies, jsonResponse, redirect, SESSION_COOKIE } from "./http.js";
import { logout } from "./logout.js";
import { errorPage } from "./pages.js";
import { checkedRequest } from "./requests.js";
import { revoke } from "./revoke.js";
import { STANDARD_SCOPES } from "./scopes.js";
import { SignInForm } from "./sign-in.js";
import { OAuthError, oauthErrorResponse, TokenEndpoint } from "./token-endpoint.js";
import { userInfo } from "./user-info.js";

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

export class HostedUi {
  private readonly grants: OAuthGrants;
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly signIn: SignInForm;
  private readonly accounts: AccountForms;
  private readonly federation: Federation;

  constructor(
    private readonly dir: Directory,
    users: UserOperations,
    private readonly auth: AuthOperations,
    private readonly jwks: (poolId: string) => unknown,
  ) {
    this.grants = new OAuthGrants(dir);
    this.tokenEndpoint = new TokenEndpoint(dir, auth, this.grants);
    this.signIn = new SignInForm(dir, users, auth, this.grants);
    this.accounts = new AccountForms(dir, users);
    this.federation = new Federation(dir, this.signIn);
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
        case "/oauth2/idpresponse":
        case "/saml2/idpresponse":
          if (get || post) return await this.federation.response(req, pool);
          break;
        case "/login":
          if (get) return this.signIn.show(req, pool);
          if (post) return await this.signIn.post(req, pool);
          break;
        case "/signup":
          if (get || post) return await this.accounts.signUp(req, pool, post);
          break;
        case "/confirm":
          if (get || post) return await this.accounts.confirm(req, pool, post);
          break;
        case "/forgotPassword":
          if (get || post) return await this.accounts.forgotPassword(req, pool, post);
          break;
        case "/confirmForgotPassword":
          if (get || post) return await this.accounts.confirmForgotPassword(req, pool, post);
          break;
        case "/oauth2/token":
          if (post) return await this.tokenEndpoint.handle(pool.id, req.headers, req.body as Buffer);
          break;
        case "/oauth2/userInfo":
          if (get || post) return userInfo(this.dir, req);
          break;
        case "/oauth2/revoke":
          if (post) return revoke(this.dir, this.auth, req, pool);
          break;
        case "/logout":
          if (get) return logout(this.dir, this.grants, req, pool);
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

  /** A federated provider asked for goes there; a live hosted UI session answers at once; else the sign-in page. */
  private async authorize(req: AwsRequest, pool: Pool): Promise<AwsResponse> {
    const checked = checkedRequest(this.dir, req.query, pool);
    if ("response" in checked) return checked.response;
    if (checked.ok.provider) return this.federation.start(req, checked.ok);
    const session = this.grants.session(cookies(req.headers.cookie)[SESSION_COOKIE], pool.id);
    const user = session && req.query.get("prompt") !== "login" ? this.dir.toUser(this.dir.store.user(pool.id, session.usernameKey)) : undefined;
    if (user && user.row.enabled && (user.row.status === "CONFIRMED" || user.row.status === "EXTERNAL_PROVIDER")) return this.signIn.finish(checked.ok, user, session!.authTime, []);
    return redirect(`/login?${req.query}`);
  }
}
