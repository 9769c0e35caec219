/**
 * Custom::FunctionInvoker — invokes a function asynchronously on create and update
 * (a site's warmer, at deploy). A failed invoke does not fail the deploy, as in SST v2.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import type * as LambdaSdk from "@aws-sdk/client-lambda";
import { awsSdk } from "./aws-sdk.js";
const { InvokeCommand, LambdaClient } = awsSdk<typeof LambdaSdk>("@aws-sdk/client-lambda");

export async function functionInvoker(event: CloudFormationCustomResourceEvent, lambda: LambdaSdk.LambdaClient = new LambdaClient({})): Promise<void> {
  if (event.RequestType === "Delete") return;
  try {
    await lambda.send(new InvokeCommand({ FunctionName: (event.ResourceProperties as any).functionName, InvocationType: "Event" }));
  } catch (err) {
    console.error("failed to invoke", err);
  }
}
