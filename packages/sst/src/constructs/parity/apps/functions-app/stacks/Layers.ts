import { StackContext } from "sst/constructs";
import * as lambda from "aws-cdk-lib/aws-lambda";

export function Layers({ stack, app }: StackContext) {
  const tools = new lambda.LayerVersion(stack, "Tools", { code: lambda.Code.fromAsset("layers/tools") });
  // Functions in stacks added after this get the layer too.
  app.addDefaultFunctionLayers([tools]);
  return { tools };
}
