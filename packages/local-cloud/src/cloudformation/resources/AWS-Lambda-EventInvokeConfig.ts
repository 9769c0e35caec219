/**
 * AWS::Lambda::EventInvokeConfig: a function's (or alias's) asynchronous invocation
 * settings — retries, maximum event age, on-success and on-failure destinations.
 * CDK writes one for `onFailure`/`onSuccess`/`retryAttempts`/`maxEventAge`.
 */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

function input(props: Record<string, any>) {
  return compact({
    FunctionName: props.FunctionName,
    Qualifier: props.Qualifier,
    MaximumRetryAttempts: props.MaximumRetryAttempts !== undefined ? Number(props.MaximumRetryAttempts) : undefined,
    MaximumEventAgeInSeconds: props.MaximumEventAgeInSeconds !== undefined ? Number(props.MaximumEventAgeInSeconds) : undefined,
    DestinationConfig: props.DestinationConfig,
  });
}

export const lambdaEventInvokeConfig: ResourceProvider = {
  replacementProps: ["FunctionName", "Qualifier"],
  async create(props, ctx) {
    await service(ctx, "lambda").call("PutFunctionEventInvokeConfig", input(props));
    return { physicalId: `${props.FunctionName}:${props.Qualifier}`, attributes: {} };
  },
  async update(_id, props, _old, ctx) {
    // Put replaces the whole configuration, so settings removed from the template go away.
    await service(ctx, "lambda").call("PutFunctionEventInvokeConfig", input(props));
    return {};
  },
  async delete(_id, props, ctx) {
    await ignoreNotFound(service(ctx, "lambda").call("DeleteFunctionEventInvokeConfig", compact({ FunctionName: props.FunctionName, Qualifier: props.Qualifier })));
  },
};
