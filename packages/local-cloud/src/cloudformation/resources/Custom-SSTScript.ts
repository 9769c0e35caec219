/**
 * Custom::SSTScript (SST's Script): the local cloud runs the app's function itself —
 * onCreate on create, onUpdate on update, onDelete on delete — with `{ params }`, as the
 * Script's handler does on AWS, and fails the deploy with the function's error. Nothing
 * runs while the stack rolls back.
 */
import { randomUUID } from "node:crypto";
import { service, type ProviderContext, type ResourceProvider } from "../provider.js";
import { invokeForDeploy } from "./deploy-invoke.js";

async function rollingBack(ctx: ProviderContext): Promise<boolean> {
  try {
    const out = await service(ctx, "cloudformation").call("DescribeStacks", { StackName: ctx.stackName });
    const status = String(out?.Stacks?.[0]?.StackStatus ?? "");
    return status.startsWith("ROLLBACK") || status.startsWith("UPDATE_ROLLBACK");
  } catch {
    return false;
  }
}

async function runScript(fn: unknown, props: Record<string, any>, ctx: ProviderContext): Promise<void> {
  if (typeof fn !== "string" || !fn || (await rollingBack(ctx))) return;
  const out = await invokeForDeploy(ctx, fn, { params: JSON.parse(props.UserParams ?? "{}") });
  if (out?.FunctionError) {
    let payload: any = {};
    try {
      payload = JSON.parse(Buffer.from(out.Payload ?? []).toString("utf8"));
    } catch {
      /* raw payload */
    }
    throw new Error(`${payload.errorType ?? "Error"}: ${payload.errorMessage ?? out.FunctionError}`);
  }
}

export const sstScript: ResourceProvider = {
  async create(props, ctx) {
    await runScript(props.UserCreateFunction, props, ctx);
    return { physicalId: `${ctx.stackName}-${ctx.logicalId}-${randomUUID().slice(0, 8)}` };
  },
  async update(_id, props, _old, ctx) {
    await runScript(props.UserUpdateFunction, props, ctx);
    return {};
  },
  async delete(_id, props, ctx) {
    await runScript(props.UserDeleteFunction, props, ctx);
  },
};
