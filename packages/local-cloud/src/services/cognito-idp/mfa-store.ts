/**
 * What MFA keeps beside the user pool store (same SQLite database): a pool's MFA
 * settings as SetUserPoolMfaConfig takes them, and each user's second factors (a TOTP
 * secret, whether it was verified, which factors are on and which is preferred, the last
 * TOTP step used so a code works once). Users are keyed by their `sub`, which no other
 * user ever gets, so a deleted and re-created user starts with no second factor.
 */
import type Database from "better-sqlite3";

export type MfaType = "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP";
export const MFA_TYPES: MfaType[] = ["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"];

export interface PoolMfaConfig {
  SmsMfaConfiguration?: { SmsAuthenticationMessage?: string; SmsConfiguration?: Record<string, unknown> };
  SoftwareTokenMfaConfiguration?: { Enabled?: boolean };
  EmailMfaConfiguration?: { Message?: string; Subject?: string };
}

export interface UserMfa {
  /** Base32; set by AssociateSoftwareToken, kept until replaced. */
  totpSecret: string | null;
  totpVerified: boolean;
  /** The last TOTP step accepted (a code is good once). */
  totpLastStep: number;
  enabled: MfaType[];
  preferred: MfaType | null;
}

const NONE: UserMfa = { totpSecret: null, totpVerified: false, totpLastStep: 0, enabled: [], preferred: null };

export class MfaStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS pool_mfa (pool_id TEXT PRIMARY KEY, config TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS user_mfa (pool_id TEXT NOT NULL, sub TEXT NOT NULL, settings TEXT NOT NULL, PRIMARY KEY (pool_id, sub));
    `);
  }

  /** Undefined until SetUserPoolMfaConfig (or CloudFormation's EnabledMfas) sets it. */
  poolConfig(poolId: string): PoolMfaConfig | undefined {
    const row = this.db.prepare("SELECT config FROM pool_mfa WHERE pool_id = ?").get(poolId) as { config: string } | undefined;
    return row ? (JSON.parse(row.config) as PoolMfaConfig) : undefined;
  }

  setPoolConfig(poolId: string, config: PoolMfaConfig): void {
    this.db.prepare("INSERT OR REPLACE INTO pool_mfa VALUES (?, ?)").run(poolId, JSON.stringify(config));
  }

  user(poolId: string, sub: string): UserMfa {
    const row = this.db.prepare("SELECT settings FROM user_mfa WHERE pool_id = ? AND sub = ?").get(poolId, sub) as { settings: string } | undefined;
    return row ? { ...NONE, ...(JSON.parse(row.settings) as UserMfa) } : { ...NONE, enabled: [] };
  }

  setUser(poolId: string, sub: string, settings: UserMfa): void {
    this.db.prepare("INSERT OR REPLACE INTO user_mfa VALUES (?, ?, ?)").run(poolId, sub, JSON.stringify(settings));
  }
}
