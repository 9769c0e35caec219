/** AWS::Lambda::Alias: Ref is the alias ARN. */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

export const lambdaAlias: ResourceProvider = {
  replacementProps: ["Name", "FunctionName"],
  async create(props, ctx) {
    const out = await service(ctx, "lambda").call("CreateAlias", compact({
      FunctionName: props.FunctionName, Name: props.Name, FunctionVersion: props.FunctionVersion, Description: props.Description, RoutingConfig: props.RoutingConfig,
    }));
    const arn = out?.AliasArn ?? `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${props.FunctionName}:${props.Name}`;
    return { physicalId: arn, attributes: { AliasArn: arn } };
  },
  async update(arn, props, _old, ctx) {
    await service(ctx, "lambda").call("UpdateAlias", compact({ FunctionName: props.FunctionName, Name: props.Name, FunctionVersion: props.FunctionVersion, Description: props.Description ?? "", RoutingConfig: props.RoutingConfig }));
    return { AliasArn: arn };
  },
  async delete(_arn, props, ctx) {
    await ignoreNotFound(service(ctx, "lambda").call("DeleteAlias", { FunctionName: props.FunctionName, Name: props.Name }));
  },
};
