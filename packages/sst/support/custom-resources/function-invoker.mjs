// Custom::FunctionInvoker — invokes a function asynchronously on create and update
// (SST v2's Script runs its onCreate/onUpdate functions through it).
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

export async function functionInvoker(event) {
  if (event.RequestType === "Delete") return;
  const lambda = new LambdaClient({});
  try {
    await lambda.send(new InvokeCommand({ FunctionName: event.ResourceProperties.functionName, InvocationType: "Event" }));
  } catch (err) {
    // As in SST v2: a failed invoke does not fail the deploy.
    console.error("failed to invoke", err);
  }
}
