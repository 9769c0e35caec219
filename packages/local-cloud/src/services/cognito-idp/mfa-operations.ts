/**
 * The MFA operations in the service's operation table: what a signed-in user calls for
 * themselves (unsigned, no IAM, as on AWS) and the administrator's calls (IAM on the pool).
 */
import type { CallContext } from "../../types.js";
import type { Authorization, OperationSpec } from "../../wire/operations.js";
import type { Mfa } from "./mfa.js";

type OnPool = (action: string) => (input: { UserPoolId: string }) => Authorization;

export function mfaOperations(mfa: Mfa, onPool: OnPool) {
  return {
    AssociateSoftwareToken: { iam: "none", run: (i: any) => mfa.AssociateSoftwareToken(i) },
    VerifySoftwareToken: { iam: "none", run: (i: any) => mfa.VerifySoftwareToken(i) },
    SetUserMFAPreference: { iam: "none", run: (i: any) => mfa.SetUserMFAPreference(i) },
    AdminSetUserMFAPreference: { iam: onPool("AdminSetUserMFAPreference"), run: (i: any) => mfa.AdminSetUserMFAPreference(i) },
    SetUserPoolMfaConfig: { iam: onPool("SetUserPoolMfaConfig"), run: (i: any) => mfa.SetUserPoolMfaConfig(i) },
    GetUserPoolMfaConfig: { iam: onPool("GetUserPoolMfaConfig"), run: (i: any) => mfa.GetUserPoolMfaConfig(i) },
  } satisfies Record<string, OperationSpec<CallContext>>;
}
