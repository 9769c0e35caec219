/**
 * The MFA and device operations in the service's operation table: what a signed-in user
 * calls for themselves (unsigned, no IAM, as on AWS) and the administrator's calls (IAM on
 * the pool).
 */
import type { CallContext } from "../../types.js";
import type { Authorization, OperationSpec } from "../../wire/operations.js";
import type { Devices } from "./devices.js";
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

export function deviceOperations(devices: Devices, onPool: OnPool) {
  return {
    ConfirmDevice: { iam: "none", run: (i: any) => devices.ConfirmDevice(i) },
    GetDevice: { iam: "none", run: (i: any) => devices.GetDevice(i) },
    ListDevices: { iam: "none", run: (i: any) => devices.ListDevices(i) },
    UpdateDeviceStatus: { iam: "none", run: (i: any) => devices.UpdateDeviceStatus(i) },
    ForgetDevice: { iam: "none", run: (i: any) => devices.ForgetDevice(i) },
    AdminGetDevice: { iam: onPool("AdminGetDevice"), run: (i: any) => devices.AdminGetDevice(i) },
    AdminListDevices: { iam: onPool("AdminListDevices"), run: (i: any) => devices.AdminListDevices(i) },
    AdminUpdateDeviceStatus: { iam: onPool("AdminUpdateDeviceStatus"), run: (i: any) => devices.AdminUpdateDeviceStatus(i) },
    AdminForgetDevice: { iam: onPool("AdminForgetDevice"), run: (i: any) => devices.AdminForgetDevice(i) },
  } satisfies Record<string, OperationSpec<CallContext>>;
}
