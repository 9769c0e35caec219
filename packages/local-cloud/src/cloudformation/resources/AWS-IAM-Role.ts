/** AWS::IAM::Role: the role, its inline Policies and its ManagedPolicyArns. */
import { compact, ignoreNotFound, optionalCall, service, type ResourceProvider, type ProviderContext } from "../provider.js";

const json = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function inlinePolicies(props: Record<string, any>): Map<string, string> {
  return new Map((props.Policies ?? []).map((p: any) => [String(p.PolicyName), json(p.PolicyDocument)]));
}

async function syncPolicies(ctx: ProviderContext, roleName: string, props: Record<string, any>, oldProps: Record<string, any>) {
  const iam = service(ctx, "iam");
  const now = inlinePolicies(props), before = inlinePolicies(oldProps);
  for (const [name, doc] of now) {
    if (before.get(name) !== doc) await iam.call("PutRolePolicy", { RoleName: roleName, PolicyName: name, PolicyDocument: doc });
  }
  for (const name of before.keys()) if (!now.has(name)) await ignoreNotFound(iam.call("DeleteRolePolicy", { RoleName: roleName, PolicyName: name }));
  const arns = new Set<string>(props.ManagedPolicyArns ?? []), oldArns = new Set<string>(oldProps.ManagedPolicyArns ?? []);
  for (const a of arns) if (!oldArns.has(a)) await iam.call("AttachRolePolicy", { RoleName: roleName, PolicyArn: a });
  for (const a of oldArns) if (!arns.has(a)) await ignoreNotFound(iam.call("DetachRolePolicy", { RoleName: roleName, PolicyArn: a }));
}

export const iamRole: ResourceProvider = {
  replacementProps: ["RoleName", "Path"],
  nameProperty: "RoleName",
  async create(props, ctx) {
    const iam = service(ctx, "iam");
    const name = props.RoleName ?? ctx.physicalName({ maxLength: 64 });
    const out = await iam.call("CreateRole", compact({
      RoleName: name, AssumeRolePolicyDocument: json(props.AssumeRolePolicyDocument), Path: props.Path,
      Description: props.Description, MaxSessionDuration: props.MaxSessionDuration !== undefined ? Number(props.MaxSessionDuration) : undefined,
      PermissionsBoundary: props.PermissionsBoundary, Tags: props.Tags,
    }));
    try {
      await syncPolicies(ctx, name, props, {});
    } catch (e) {
      await iamRole.delete(name, props, ctx, {});
      throw e;
    }
    const arn = out?.Role?.Arn ?? `arn:aws:iam::${ctx.accountId}:role${props.Path ?? "/"}${name}`;
    return { physicalId: name, attributes: { Arn: arn, RoleId: out?.Role?.RoleId ?? name } };
  },
  async update(name, props, oldProps, ctx, oldAttrs) {
    const iam = service(ctx, "iam");
    if (json(props.AssumeRolePolicyDocument) !== json(oldProps.AssumeRolePolicyDocument)) {
      await iam.call("UpdateAssumeRolePolicy", { RoleName: name, PolicyDocument: json(props.AssumeRolePolicyDocument) });
    }
    if (props.Description !== oldProps.Description || props.MaxSessionDuration !== oldProps.MaxSessionDuration) {
      await optionalCall(iam, "UpdateRole", compact({ RoleName: name, Description: props.Description ?? "", MaxSessionDuration: props.MaxSessionDuration !== undefined ? Number(props.MaxSessionDuration) : undefined }));
    }
    await syncPolicies(ctx, name, props, oldProps);
    return oldAttrs;
  },
  async delete(name, _props, ctx) {
    const iam = service(ctx, "iam");
    // A role must be empty before it can go: inline policies deleted, managed ones detached.
    const inline = await optionalCall(iam, "ListRolePolicies", { RoleName: name }).catch(() => undefined);
    for (const p of inline?.PolicyNames ?? []) await ignoreNotFound(iam.call("DeleteRolePolicy", { RoleName: name, PolicyName: p }));
    const attached = await optionalCall(iam, "ListAttachedRolePolicies", { RoleName: name }).catch(() => undefined);
    for (const p of attached?.AttachedPolicies ?? []) await ignoreNotFound(iam.call("DetachRolePolicy", { RoleName: name, PolicyArn: p.PolicyArn }));
    await ignoreNotFound(iam.call("DeleteRole", { RoleName: name }));
  },
};
