/** AWS::Lambda::Version: PublishVersion; Ref is the version ARN, GetAtt Version the number. */
import { compact, ignoreNotFound, service, type ResourceProvider } from "../provider.js";

export const lambdaVersion: ResourceProvider = {
  async create(props, ctx) {
    const out = await service(ctx, "lambda").call("PublishVersion", compact({ FunctionName: props.FunctionName, Description: props.Description, CodeSha256: props.CodeSha256 }));
    const arn = out?.FunctionArn ?? `${props.FunctionName}:${out?.Version}`;
    return { physicalId: arn, attributes: { Version: out?.Version, FunctionArn: arn } };
  },
  async delete(arn, props, ctx) {
    const version = arn.slice(arn.lastIndexOf(":") + 1);
    await ignoreNotFound(service(ctx, "lambda").call("DeleteFunction", { FunctionName: props.FunctionName, Qualifier: version }));
  },
};
