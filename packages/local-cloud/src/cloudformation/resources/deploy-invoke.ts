/**
 * Invoking a function on behalf of a deploy (a custom resource's handler, an SST
 * Script): such a handler runs on deploys only, so once it answered its execution
 * environments end instead of idling for minutes as warm environments do. Each holds a
 * process (80 MB for CDK's 1024 MB handlers) that nothing would use before the next
 * deploy, which then cold-starts it, as AWS would after a while.
 */
import { service, type ProviderContext } from "../provider.js";

/** Lambda's Invoke output for a RequestResponse invocation of `fn` (a name or ARN) with `payload`. */
export async function invokeForDeploy(ctx: ProviderContext, fn: string, payload: unknown): Promise<any> {
  const lambda = service(ctx, "lambda");
  try {
    return await lambda.call("Invoke", { FunctionName: fn, InvocationType: "RequestResponse", Payload: Buffer.from(JSON.stringify(payload)) });
  } finally {
    // A name Lambda refused has no environment to end: Invoke said so already.
    await lambda.call("ReleaseExecutionEnvironments", { FunctionName: fn }).catch(() => undefined);
  }
}
