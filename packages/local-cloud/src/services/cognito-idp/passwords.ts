/**
 * A pool's password policy as Cognito applies it (InvalidPasswordException "Password did
 * not conform with policy: …", first failed rule only), and how passwords are kept:
 * scrypt for password checks, an SRP verifier (srp.ts) for USER_SRP_AUTH.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { invalidPassword } from "./errors.js";

export interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
  TemporaryPasswordValidityDays?: number;
}

export const DEFAULT_POLICY: Required<PasswordPolicy> = {
  MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 7,
};

/** The symbols Cognito counts as special characters. */
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

export function checkPassword(password: string, policy: PasswordPolicy | undefined): void {
  const p = { ...DEFAULT_POLICY, ...policy };
  const fail = (why: string) => invalidPassword(`Password did not conform with policy: ${why}`);
  if (password.length < p.MinimumLength) throw fail("Password not long enough");
  if (p.RequireLowercase && !/[a-z]/.test(password)) throw fail("Password must have lowercase characters");
  if (p.RequireUppercase && !/[A-Z]/.test(password)) throw fail("Password must have uppercase characters");
  if (p.RequireNumbers && !/[0-9]/.test(password)) throw fail("Password must have numeric characters");
  if (p.RequireSymbols && ![...password].some((c) => SYMBOLS.includes(c))) throw fail("Password must have symbol characters");
}

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString("hex")}:${scryptSync(password, salt, 32).toString("hex")}`;
}

export function passwordMatches(password: string, stored: string | null): boolean {
  if (!stored) return false;
  const [salt, hash] = stored.split(":");
  const expected = Buffer.from(hash!, "hex");
  const given = scryptSync(password, Buffer.from(salt!, "hex"), 32);
  return timingSafeEqual(expected, given);
}

/** A temporary password that meets the policy (AdminCreateUser without one). */
export function temporaryPassword(policy: PasswordPolicy | undefined): string {
  const p = { ...DEFAULT_POLICY, ...policy };
  const body = randomBytes(Math.max(p.MinimumLength, 8)).toString("base64url").replace(/[-_]/g, "x");
  return `${body}Aa1!`;
}
