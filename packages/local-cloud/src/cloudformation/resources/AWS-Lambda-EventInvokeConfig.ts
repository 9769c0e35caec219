/**
 * AWS::Lambda::EventInvokeConfig: retries, event age and destinations of a function's
 * asynchronous invocations. Handed to the local Lambda service when it implements
 * PutFunctionEventInvokeConfig; otherwise recorded (`sst dev` tells the user).
 */
import { compact, optionalCall, service, type ResourceProvider } from "../provider.js";

function input(p: Record<string, any>) {
  return compact({
    FunctionName: p.FunctionName,
    Qualifier: p.Qualifier,
    MaximumRetryAttempts: p.MaximumRetryAttempts === undefined ? undefined : Number(p.MaximumRetryAttempts),
    MaximumEventAgeInSeconds: p.MaximumEventAgeInSeconds === undefined ? undefined : Number(p.MaximumEventAgeInSeconds),
    DestinationConfig: p.DestinationConfig,
  });
}

export const lambdaEventInvokeConfig: ResourceProvider = {
  replacementProps: ["FunctionName", "Qualifier"],
  async create(props, ctx) {
    await optionalCall(service(ctx, "lambda"), "PutFunctionEventInvokeConfig", input(props));
    return { physicalId: `${props.FunctionName}:${props.Qualifier ?? "$LATEST"}` };
  },
  async update(_id, props, _old, ctx) {
    await optionalCall(service(ctx, "lambda"), "PutFunctionEventInvokeConfig", input(props));
    return {};
  },
  async delete(_id, props, ctx) {
    await optionalCall(service(ctx, "lambda"), "DeleteFunctionEventInvokeConfig", compact({ FunctionName: props.FunctionName, Qualifier: props.Qualifier })).catch(() => undefined);
  },
};
