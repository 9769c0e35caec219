/**
 * The `Session` a challenge answer must carry back: opaque, single-use, tied to the app
 * client that started the sign-in, and gone after three minutes, as Cognito's are. Used by
 * the custom-auth and MFA challenges (auth.ts keeps the password challenges' own).
 */
import { randomBytes } from "node:crypto";
import { invalidParameter, notAuthorized } from "./errors.js";

export const CHALLENGE_SESSION_TTL_MS = 3 * 60_000;

export interface ChallengeSession<D = unknown> {
  poolId: string;
  clientId: string;
  usernameKey: string;
  challenge: string;
  clientMetadata?: Record<string, string>;
  data: D;
}

export class ChallengeSessions {
  private readonly open = new Map<string, ChallengeSession & { expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session; `key` reuses an ended one's (amazon-cognito-identity-js answers DEVICE_SRP_AUTH with the MFA step's Session). */
  start(session: ChallengeSession, key = randomBytes(96).toString("base64url")): string {
    const now = this.now();
    for (const [k, v] of this.open) if (v.expires < now) this.open.delete(k);
    this.open.set(key, { ...session, expires: now + CHALLENGE_SESSION_TTL_MS });
    return key;
  }

  /** The session, checked to be live, this client's, and for this challenge; it stays usable until `end`. */
  get<D>(key: string | undefined, clientId: string, challenge: string): ChallengeSession<D> {
    const s = key ? this.open.get(key) : undefined;
    if (!s || s.expires < this.now() || s.clientId !== clientId) throw notAuthorized("Invalid session for the user, session is expired.");
    if (s.challenge !== challenge) throw invalidParameter(`Invalid challenge response for ${challenge}`);
    return s as ChallengeSession<D>;
  }

  end(key: string | undefined): void {
    if (key) this.open.delete(key);
  }

  has(key: string | undefined): boolean {
    return key !== undefined && this.open.has(key);
  }

  /** The app client a session belongs to (for the calls that name no client: AssociateSoftwareToken, VerifySoftwareToken). */
  clientOf(key: string | undefined): string | undefined {
    return key === undefined ? undefined : this.open.get(key)?.clientId;
  }
}
