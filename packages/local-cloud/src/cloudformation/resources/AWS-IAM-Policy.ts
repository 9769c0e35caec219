/** AWS::IAM::Policy: one inline policy put on each of its Roles (and Users/Groups). */
import { ignoreNotFound, service, type ResourceProvider, type ProviderContext } from "../provider.js";

const json = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
type Target = { kind: "Role" | "User" | "Group"; name: string };

function targets(props: Record<string, any>): Target[] {
  return [
    ...(props.Roles ?? []).map((n: string) => ({ kind: "Role" as const, name: roleName(n) })),
    ...(props.Users ?? []).map((n: string) => ({ kind: "User" as const, name: n })),
    ...(props.Groups ?? []).map((n: string) => ({ kind: "Group" as const, name: n })),
  ];
}

/** Roles may be given as names or ARNs. */
function roleName(n: string): string {
  return n.startsWith("arn:") ? n.slice(n.lastIndexOf("/") + 1) : n;
}

async function put(ctx: ProviderContext, t: Target, policyName: string, doc: string) {
  await service(ctx, "iam").call(`Put${t.kind}Policy`, { [`${t.kind}Name`]: t.name, PolicyName: policyName, PolicyDocument: doc });
}
async function remove(ctx: ProviderContext, t: Target, policyName: string) {
  await ignoreNotFound(service(ctx, "iam").call(`Delete${t.kind}Policy`, { [`${t.kind}Name`]: t.name, PolicyName: policyName }));
}

export const iamPolicy: ResourceProvider = {
  async create(props, ctx) {
    if (!props.PolicyName) throw new Error(`${ctx.logicalId}: PolicyName is required`);
    const all = targets(props);
    if (all.length === 0) throw new Error(`${ctx.logicalId}: At least one of [Groups,Roles,Users] must be non-empty.`);
    const done: Target[] = [];
    try {
      for (const t of all) {
        await put(ctx, t, props.PolicyName, json(props.PolicyDocument));
        done.push(t);
      }
    } catch (e) {
      for (const t of done) await remove(ctx, t, props.PolicyName);
      throw e;
    }
    return { physicalId: ctx.physicalName({ maxLength: 128 }), attributes: { Id: props.PolicyName } };
  },
  async update(_id, props, oldProps, ctx) {
    const now = targets(props);
    for (const t of now) await put(ctx, t, props.PolicyName, json(props.PolicyDocument));
    for (const t of targets(oldProps)) {
      const kept = now.some((n) => n.kind === t.kind && n.name === t.name);
      if (!kept || oldProps.PolicyName !== props.PolicyName) await remove(ctx, t, oldProps.PolicyName);
    }
    return { Id: props.PolicyName };
  },
  async delete(_id, props, ctx) {
    for (const t of targets(props)) await remove(ctx, t, props.PolicyName);
  },
};
