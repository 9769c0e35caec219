/** Overview: the app, its stage and region, the stacks with status and outputs, API URLs. */
import type { ConsoleContext } from "../context.js";

export async function overview(ctx: ConsoleContext) {
  const { cloud } = ctx;
  const described = await cloud.cloudformation.call("DescribeStacks", {});
  const stacks = (described?.Stacks ?? [])
    // The stacks of this app and stage: SST names them `{stage}-{app}-{Stack}`.
    .filter((s: any) => String(s.StackName ?? "").startsWith(`${ctx.stage}-${ctx.app}-`))
    .map((s: any) => ({
      name: s.StackName,
      status: s.StackStatus,
      reason: s.StackStatusReason,
      updatedAt: s.LastUpdatedTime ?? s.CreationTime,
      outputs: (s.Outputs ?? []).map((o: any) => ({ key: o.OutputKey, value: o.OutputValue, description: o.Description })),
    }));
  let apis: { name: string; url: string }[] = [];
  try {
    const out = await cloud.apigateway?.call("GetApis", {});
    apis = (out?.Items ?? []).map((a: any) => ({ name: a.Name, url: a.ApiEndpoint })).filter((a: any) => a.url);
  } catch {
    // No API Gateway in this cloud: no API URLs to show.
  }
  return { app: ctx.app, stage: ctx.stage, region: cloud.region, endpoint: cloud.endpoint, stacks, apis };
}
