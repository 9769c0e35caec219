/** AWS::IAM::ManagedPolicy: a customer managed policy (Ref = ARN) attached to Roles/Users/Groups. */
import { compact, ignoreNotFound, optionalCall, service, type ResourceProvider, type ProviderContext } from "../provider.js";

const json = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
const roleName = (n: string) => (n.startsWith("arn:") ? n.slice(n.lastIndexOf("/") + 1) : n);

async function attach(ctx: ProviderContext, arn: string, props: Record<string, any>, oldProps: Record<string, any>) {
  const iam = service(ctx, "iam");
  for (const kind of ["Role", "User", "Group"] as const) {
    const key = `${kind}s`;
    const now = new Set<string>((props[key] ?? []).map(roleName)), before = new Set<string>((oldProps[key] ?? []).map(roleName));
    for (const n of now) if (!before.has(n)) await iam.call(`Attach${kind}Policy`, { [`${kind}Name`]: n, PolicyArn: arn });
    for (const n of before) if (!now.has(n)) await ignoreNotFound(iam.call(`Detach${kind}Policy`, { [`${kind}Name`]: n, PolicyArn: arn }));
  }
}

export const iamManagedPolicy: ResourceProvider = {
  replacementProps: ["ManagedPolicyName", "Path", "Description"],
  nameProperty: "ManagedPolicyName",
  async create(props, ctx) {
    const name = props.ManagedPolicyName ?? ctx.physicalName({ maxLength: 128 });
    const out = await service(ctx, "iam").call("CreatePolicy", compact({ PolicyName: name, PolicyDocument: json(props.PolicyDocument), Path: props.Path, Description: props.Description }));
    const arn = out?.Policy?.Arn ?? `arn:aws:iam::${ctx.accountId}:policy${props.Path ?? "/"}${name}`;
    await attach(ctx, arn, props, {});
    return { physicalId: arn, attributes: { PolicyArn: arn, PolicyId: out?.Policy?.PolicyId ?? name } };
  },
  async update(arn, props, oldProps, ctx, oldAttrs) {
    const iam = service(ctx, "iam");
    if (json(props.PolicyDocument) !== json(oldProps.PolicyDocument)) {
      // IAM keeps at most five versions: drop non-default ones before adding another.
      const versions = await optionalCall(iam, "ListPolicyVersions", { PolicyArn: arn }).catch(() => undefined);
      for (const v of versions?.Versions ?? []) {
        if (!v.IsDefaultVersion) await ignoreNotFound(iam.call("DeletePolicyVersion", { PolicyArn: arn, VersionId: v.VersionId }));
      }
      await iam.call("CreatePolicyVersion", { PolicyArn: arn, PolicyDocument: json(props.PolicyDocument), SetAsDefault: true });
    }
    await attach(ctx, arn, props, oldProps);
    return oldAttrs;
  },
  async delete(arn, props, ctx) {
    const iam = service(ctx, "iam");
    await attach(ctx, arn, {}, props).catch(() => {});
    const versions = await optionalCall(iam, "ListPolicyVersions", { PolicyArn: arn }).catch(() => undefined);
    for (const v of versions?.Versions ?? []) {
      if (!v.IsDefaultVersion) await ignoreNotFound(iam.call("DeletePolicyVersion", { PolicyArn: arn, VersionId: v.VersionId }));
    }
    await ignoreNotFound(iam.call("DeletePolicy", { PolicyArn: arn }));
  },
};
