/**
 * AWS::CloudFormation::CustomResource and Custom::* backed by a Lambda ServiceToken:
 * the handler gets CloudFormation's custom-resource request and answers by PUTting
 * to ResponseURL. Its Data becomes Fn::GetAtt attributes.
 */
import { randomUUID } from "node:crypto";
import type { CustomResourceBroker, CustomResourceResponse } from "../custom-resource-broker.js";
import { NewPhysicalResource, service, type ProviderContext, type ResourceProvider } from "../provider.js";

/** How long a handler may take to respond (CloudFormation waits up to an hour; locally less). */
const TIMEOUT_MS = Number(process.env.LOCAL_CLOUD_CUSTOM_RESOURCE_TIMEOUT_MS ?? 120_000);

export function customResourceProvider(broker: CustomResourceBroker): ResourceProvider {
  async function send(ctx: ProviderContext, requestType: "Create" | "Update" | "Delete", props: Record<string, any>, extra: { physicalId?: string; oldProps?: Record<string, any> }): Promise<CustomResourceResponse> {
    const token = props.ServiceToken;
    if (typeof token !== "string" || token === "") throw new Error(`${ctx.logicalId}: ServiceToken is required for a custom resource`);
    if (!/^arn:aws[\w-]*:lambda:/.test(token)) throw new Error(`${ctx.logicalId}: ServiceToken ${token} is not a Lambda function ARN (SNS-backed custom resources are not supported locally)`);
    const { url, response, cancel } = broker.open(TIMEOUT_MS);
    const event: Record<string, unknown> = {
      RequestType: requestType, ServiceToken: token, ResponseURL: url, StackId: ctx.stackId, RequestId: randomUUID(),
      LogicalResourceId: ctx.logicalId, ResourceType: ctx.resourceType, ResourceProperties: props,
    };
    if (extra.physicalId !== undefined) event.PhysicalResourceId = extra.physicalId;
    if (extra.oldProps !== undefined) event.OldResourceProperties = extra.oldProps;
    try {
      const out = await service(ctx, "lambda").call("Invoke", {
        FunctionName: token, InvocationType: "RequestResponse", Payload: Buffer.from(JSON.stringify(event)),
      });
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
