/**
 * What the OAuth endpoints remember between requests: authorization codes (single use, five
 * minutes, in memory as on AWS they do not outlive a sign-in), the hosted UI's sign-in
 * sessions (the `cognito` cookie that lets a second /oauth2/authorize skip the form, an
 * hour), and — in the pools' database, since refresh tokens live thirty days — the scopes
 * each OAuth sign-in was granted, by the `origin_jti` its refresh token carries, so a
 * refresh at /oauth2/token keeps them.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Directory } from "../directory.js";

export interface IssuedTokens {
  AccessToken: string;
  IdToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
}

export interface AuthorizationCode {
  poolId: string;
  clientId: string;
  redirectUri: string;
  /** PKCE: the code_challenge and its method, when the authorize request sent one. */
  challenge?: { value: string; method: "S256" | "plain" };
  /** Issued at sign-in, handed out once for the code. */
  tokens: IssuedTokens;
  /** Whether `openid` was granted: only then is an ID token returned. */
  openid: boolean;
  expires: number;
}

export interface SignInSession {
  poolId: string;
  usernameKey: string;
  authTime: number;
  expires: number;
}

const CODE_TTL_MS = 5 * 60_000;
const SESSION_TTL_MS = 60 * 60_000;

export class OAuthGrants {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly sessions = new Map<string, SignInSession>();

  constructor(private readonly dir: Directory) {
    dir.store.db.exec("CREATE TABLE IF NOT EXISTS oauth_grants (origin_jti TEXT PRIMARY KEY, pool_id TEXT NOT NULL, scope TEXT NOT NULL)");
  }

  newCode(code: Omit<AuthorizationCode, "expires">): string {
    const now = Date.now();
    for (const [k, v] of this.codes) if (v.expires < now) this.codes.delete(k);
    // Cognito's codes are UUIDs.
    const id = randomUUID();
    this.codes.set(id, { ...code, expires: now + CODE_TTL_MS });
    return id;
  }

  /** The code's grant, consumed: a code works once, also when the exchange then fails. */
  takeCode(id: string): AuthorizationCode | undefined {
    const found = this.codes.get(id);
    this.codes.delete(id);
    return found && found.expires >= Date.now() ? found : undefined;
  }

  newSession(poolId: string, usernameKey: string, authTime: number): string {
    const now = Date.now();
    for (const [k, v] of this.sessions) if (v.expires < now) this.sessions.delete(k);
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, { poolId, usernameKey, authTime, expires: now + SESSION_TTL_MS });
    return id;
  }

  session(id: string | undefined, poolId: string): SignInSession | undefined {
    const found = id ? this.sessions.get(id) : undefined;
    return found && found.poolId === poolId && found.expires >= Date.now() ? found : undefined;
  }

  endSession(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  rememberScope(originJti: string, poolId: string, scope: string): void {
    this.dir.store.db.prepare("INSERT OR REPLACE INTO oauth_grants VALUES (?, ?, ?)").run(originJti, poolId, scope);
  }

  scopeOf(originJti: string): string | undefined {
    return (this.dir.store.db.prepare("SELECT scope FROM oauth_grants WHERE origin_jti = ?").get(originJti) as { scope: string } | undefined)?.scope;
  }
}
