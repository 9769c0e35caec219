/**
 * IAM's operations: the IAM action and resource of each (the role, the policy, or the
 * account) and its implementation. Input shapes and constraints come from the generated
 * model (wire/models/iam.ts).
 */
import type iamModel from "../../wire/models/iam.js";
import type { Authorization, OperationSpecs } from "../../wire/operations.js";
import { ACCOUNT_ID, type CallContext } from "../../types.js";
import type { IamOperations } from "./operations.js";

/**
 * `iam:<operation>` on what the input names: a managed policy by its ARN, a role by its
 * name (and path), a new policy by its name; otherwise the account ("*").
 */
function resourceOf(operation: string, input: { PolicyArn?: string; RoleName?: string; Path?: string; PolicyName?: string }): string {
  if (typeof input.PolicyArn === "string" && !input.RoleName) return input.PolicyArn;
  if (typeof input.RoleName === "string") return `arn:aws:iam::${ACCOUNT_ID}:role${input.Path ?? "/"}${input.RoleName}`;
  if (operation === "CreatePolicy" && typeof input.PolicyName === "string") return `arn:aws:iam::${ACCOUNT_ID}:policy${input.Path ?? "/"}${input.PolicyName}`;
  return "*";
}

export function iamOperations(ops: IamOperations): OperationSpecs<typeof iamModel, CallContext> {
  const on = (operation: string) => (input: object): Authorization => ({ action: `iam:${operation}`, resource: resourceOf(operation, input) });
  return {
    CreateRole: { iam: on("CreateRole"), run: (i) => ops.CreateRole(i) },
    GetRole: { iam: on("GetRole"), run: (i) => ops.GetRole(i) },
    DeleteRole: { iam: on("DeleteRole"), run: (i) => ops.DeleteRole(i) },
    ListRoles: { iam: on("ListRoles"), run: (i) => ops.ListRoles(i) },
    UpdateRole: { iam: on("UpdateRole"), run: (i) => ops.UpdateRole(i) },
    UpdateAssumeRolePolicy: { iam: on("UpdateAssumeRolePolicy"), run: (i) => ops.UpdateAssumeRolePolicy(i) },
    TagRole: { iam: on("TagRole"), run: (i) => ops.TagRole(i) },
    UntagRole: { iam: on("UntagRole"), run: (i) => ops.UntagRole(i) },
    ListRoleTags: { iam: on("ListRoleTags"), run: (i) => ops.ListRoleTags(i) },
    PutRolePolicy: { iam: on("PutRolePolicy"), run: (i) => ops.PutRolePolicy(i) },
    GetRolePolicy: { iam: on("GetRolePolicy"), run: (i) => ops.GetRolePolicy(i) },
    DeleteRolePolicy: { iam: on("DeleteRolePolicy"), run: (i) => ops.DeleteRolePolicy(i) },
    ListRolePolicies: { iam: on("ListRolePolicies"), run: (i) => ops.ListRolePolicies(i) },
    AttachRolePolicy: { iam: on("AttachRolePolicy"), run: (i) => ops.AttachRolePolicy(i) },
    DetachRolePolicy: { iam: on("DetachRolePolicy"), run: (i) => ops.DetachRolePolicy(i) },
    ListAttachedRolePolicies: { iam: on("ListAttachedRolePolicies"), run: (i) => ops.ListAttachedRolePolicies(i) },
    CreatePolicy: { iam: on("CreatePolicy"), run: (i) => ops.CreatePolicy(i) },
    GetPolicy: { iam: on("GetPolicy"), run: (i) => ops.GetPolicy(i) },
    GetPolicyVersion: { iam: on("GetPolicyVersion"), run: (i) => ops.GetPolicyVersion(i) },
    CreatePolicyVersion: { iam: on("CreatePolicyVersion"), run: (i) => ops.CreatePolicyVersion(i) },
    ListPolicyVersions: { iam: on("ListPolicyVersions"), run: (i) => ops.ListPolicyVersions(i) },
    SetDefaultPolicyVersion: { iam: on("SetDefaultPolicyVersion"), run: (i) => ops.SetDefaultPolicyVersion(i) },
    DeletePolicyVersion: { iam: on("DeletePolicyVersion"), run: (i) => ops.DeletePolicyVersion(i) },
    DeletePolicy: { iam: on("DeletePolicy"), run: (i) => ops.DeletePolicy(i) },
    ListPolicies: { iam: on("ListPolicies"), run: (i) => ops.ListPolicies(i) },
  };
}
