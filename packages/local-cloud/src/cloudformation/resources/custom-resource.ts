/**
 * AWS::CloudFormation::CustomResource and Custom::* backed by a Lambda ServiceToken:
 * the handler gets CloudFormation's custom-resource request and answers by PUTting
 * to ResponseURL. Its Data becomes Fn::GetAtt attributes.
 *
 * A ServiceToken that is the CDK custom-resource Provider framework's onEvent function
 * (`aws-cdk-lib/custom-resources` Provider) is served as the framework serves it: the
 * user's onEvent function (named in the framework function's USER_ON_EVENT_FUNCTION_ARN)
 * is invoked with the request and its return value is the answer. The framework itself
 * cannot run here: it answers CloudFormation over https only, and the local cloud's
 * response URLs are plain http.
 */
import { randomUUID } from "node:crypto";
import type { CustomResourceBroker, CustomResourceResponse } from "../custom-resource-broker.js";
import { NewPhysicalResource, service, type ProviderContext, type ResourceProvider } from "../provider.js";
import { invokeForDeploy } from "./deploy-invoke.js";

/** How long a handler may take to respond (CloudFormation waits up to an hour; locally less). */
const TIMEOUT_MS = Number(process.env.LOCAL_CLOUD_CUSTOM_RESOURCE_TIMEOUT_MS ?? 120_000);

export function customResourceProvider(broker: CustomResourceBroker): ResourceProvider {
  async function send(ctx: ProviderContext, requestType: "Create" | "Update" | "Delete", props: Record<string, any>, extra: { physicalId?: string; oldProps?: Record<string, any> }): Promise<CustomResourceResponse> {
    const token = props.ServiceToken;
    if (typeof token !== "string" || token === "") throw new Error(`${ctx.logicalId}: ServiceToken is required for a custom resource`);
    if (!/^arn:aws[\w-]*:lambda:/.test(token)) throw new Error(`${ctx.logicalId}: ServiceToken ${token} is not a Lambda function ARN (SNS-backed custom resources are not supported locally)`);
    const framework = await providerFramework(ctx, token);
    if (framework) return runProviderFramework(ctx, framework, requestType, props, extra);
    const { url, response, cancel } = broker.open(TIMEOUT_MS);
    const event: Record<string, unknown> = {
      RequestType: requestType, ServiceToken: token, ResponseURL: url, StackId: ctx.stackId, RequestId: randomUUID(),
      LogicalResourceId: ctx.logicalId, ResourceType: ctx.resourceType, ResourceProperties: props,
    };
    if (extra.physicalId !== undefined) event.PhysicalResourceId = extra.physicalId;
    if (extra.oldProps !== undefined) event.OldResourceProperties = extra.oldProps;
    try {
      const out = await invokeForDeploy(ctx, token, event);
      if (out?.FunctionError) {
        const payload = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
        let message = payload;
        try { message = JSON.parse(payload).errorMessage ?? payload; } catch { /* raw payload */ }
        throw new Error(`Received response status [FAILED] from custom resource. Message returned: ${message}`);
      }
    } catch (e) {
      cancel();
      throw e;
    }
    const r = await response;
    if (r.Status === "FAILED") throw new Error(`Received response status [FAILED] from custom resource. Message returned: ${r.Reason ?? "(none)"}`);
    return r;
  }

  async function providerFramework(ctx: ProviderContext, token: string): Promise<{ onEvent: string; isComplete?: string } | undefined> {
    let config: any;
    try {
      config = await service(ctx, "lambda").call("GetFunctionConfiguration", { FunctionName: token });
    } catch {
      return undefined;
    }
    const env = config?.Environment?.Variables ?? {};
    return env.USER_ON_EVENT_FUNCTION_ARN ? { onEvent: env.USER_ON_EVENT_FUNCTION_ARN, isComplete: env.USER_IS_COMPLETE_FUNCTION_ARN } : undefined;
  }

  async function invokeUser(ctx: ProviderContext, fn: string, event: Record<string, unknown>): Promise<any> {
    const out = await invokeForDeploy(ctx, fn, event);
    const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
    if (out.FunctionError) {
      let message = text;
      try { message = JSON.parse(text).errorMessage ?? text; } catch { /* raw payload */ }
      throw new Error(`Received response status [FAILED] from custom resource. Message returned: ${message}`);
    }
    return text ? JSON.parse(text) : {};
  }

  async function runProviderFramework(ctx: ProviderContext, fw: { onEvent: string; isComplete?: string }, requestType: string, props: Record<string, any>, extra: { physicalId?: string; oldProps?: Record<string, any> }): Promise<CustomResourceResponse> {
    const event: Record<string, unknown> = {
      RequestType: requestType, ServiceToken: props.ServiceToken, ResponseURL: "", StackId: ctx.stackId, RequestId: randomUUID(),
      LogicalResourceId: ctx.logicalId, ResourceType: ctx.resourceType, ResourceProperties: props,
    };
    if (extra.physicalId !== undefined) event.PhysicalResourceId = extra.physicalId;
    if (extra.oldProps !== undefined) event.OldResourceProperties = extra.oldProps;
    const result = (await invokeUser(ctx, fw.onEvent, event)) ?? {};
    const merged = { ...event, ...result, PhysicalResourceId: result.PhysicalResourceId ?? extra.physicalId ?? event.RequestId };
    if (fw.isComplete) {
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        const done = (await invokeUser(ctx, fw.isComplete, merged)) ?? {};
        if (done.IsComplete) {
          merged.Data = { ...(merged as any).Data, ...done.Data };
          break;
        }
        if (Date.now() > deadline) throw new Error(`${ctx.logicalId}: the provider's isComplete handler did not complete in time`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    return { Status: "SUCCESS", PhysicalResourceId: String(merged.PhysicalResourceId), Data: (merged as any).Data ?? {} };
  }

  return {
    async create(props, ctx) {
      const r = await send(ctx, "Create", props, {});
      return { physicalId: r.PhysicalResourceId || `${ctx.stackName}-${ctx.logicalId}-${randomUUID().slice(0, 8)}`, attributes: r.Data ?? {} };
    },
    async update(physicalId, props, oldProps, ctx) {
      const r = await send(ctx, "Update", props, { physicalId, oldProps });
      const id = r.PhysicalResourceId || physicalId;
      // A new physical id means the handler replaced the resource: the old one gets a Delete in cleanup.
      return id !== physicalId ? new NewPhysicalResource(id, r.Data ?? {}) : (r.Data ?? {});
    },
    async delete(physicalId, props, ctx) {
      await send(ctx, "Delete", props, { physicalId });
    },
  };
}
