/**
 * Custom::LogRetention: CDK's `logRetention` on a Function (a Node.js Lambda that creates
 * the log group and sets its retention). Provisioned natively; GetAtt LogGroupName as
 * the CDK handler returns it. RemovalPolicy "destroy" deletes the group with the resource.
 */
import { ignoreNotFound, isErrorCode, optionalCall, service, type ResourceProvider, type ProviderContext } from "../provider.js";

async function apply(ctx: ProviderContext, props: Record<string, any>) {
  const logs = service(ctx, "logs");
  const name = String(props.LogGroupName);
  try {
    await logs.call("CreateLogGroup", { logGroupName: name });
  } catch (e) {
    if (!isErrorCode(e, "ResourceAlreadyExistsException")) throw e;
  }
  const days = props.RetentionInDays === undefined ? undefined : Number(props.RetentionInDays);
  if (days === undefined || days === 0) await optionalCall(logs, "DeleteRetentionPolicy", { logGroupName: name });
  else await optionalCall(logs, "PutRetentionPolicy", { logGroupName: name, retentionInDays: days });
  return { LogGroupName: name };
}

export const logRetention: ResourceProvider = {
  replacementProps: ["LogGroupName"],
  async create(props, ctx) {
    return { physicalId: String(props.LogGroupName), attributes: await apply(ctx, props) };
  },
  async update(_id, props, _old, ctx) {
    return apply(ctx, props);
  },
  async delete(_id, props, ctx) {
    if (props.RemovalPolicy === "destroy") await ignoreNotFound(service(ctx, "logs").call("DeleteLogGroup", { logGroupName: props.LogGroupName }));
  },
};
