import { Function, StackContext } from "sst/constructs";

export function Auth({ stack }: StackContext) {
  const authorizer = new Function(stack, "Authorizer", { handler: "packages/functions/src/authorizer.handler" });
  return { authorizer };
}
