/** AWS::Lambda::Url: a function URL; GetAtt FunctionUrl and FunctionArn. */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

function input(props: Record<string, any>) {
  return compact({ FunctionName: props.TargetFunctionArn, Qualifier: props.Qualifier, AuthType: props.AuthType, Cors: props.Cors, InvokeMode: props.InvokeMode });
}

const attrs = (out: any, props: Record<string, any>) => ({ FunctionUrl: out?.FunctionUrl, FunctionArn: out?.FunctionArn ?? props.TargetFunctionArn });

export const lambdaUrl: ResourceProvider = {
  replacementProps: ["TargetFunctionArn", "Qualifier"],
  async create(props, ctx) {
    const out = await service(ctx, "lambda").call("CreateFunctionUrlConfig", input(props));
    return { physicalId: out?.FunctionArn ?? props.TargetFunctionArn, attributes: attrs(out, props) };
  },
  async update(_id, props, _old, ctx) {
    // A Cors block removed from the template clears it (an absent Cors would leave it as it was).
    const out = await service(ctx, "lambda").call("UpdateFunctionUrlConfig", { ...input(props), Cors: props.Cors ?? {} });
    return attrs(out, props);
  },
  async delete(_id, props, ctx) {
    await ignoreNotFound(service(ctx, "lambda").call("DeleteFunctionUrlConfig", compact({ FunctionName: props.TargetFunctionArn, Qualifier: props.Qualifier })));
  },
};
