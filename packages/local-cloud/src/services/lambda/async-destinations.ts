/**
 * Where an asynchronous invocation's outcome goes: Lambda's destination record
 * (version 1.0: requestContext with the condition and invoke count, the request
 * payload, responseContext and the response payload), sent to an SQS queue, an SNS
 * topic, another function (asynchronously) or an EventBridge bus (detail type
 * "Lambda Function Invocation Result - Success|Failure", source "lambda").
 */
import type { LambdaCloud } from "./runtime/cloud-deps.js";

export interface InvocationOutcome {
  requestId: string;
  functionArn: string;
  condition: "Success" | "RetriesExhausted" | "EventAgeExceeded";
  invokeCount: number;
  requestPayload: string;
  /** The function's result (success) or its error object (failure), as JSON text. */
  responsePayload?: string;
  functionError?: string;
  executedVersion: string;
}

export function destinationRecord(o: InvocationOutcome): Record<string, unknown> {
  const record: Record<string, unknown> = {
    version: "1.0",
    timestamp: new Date().toISOString(),
    requestContext: { requestId: o.requestId, functionArn: o.functionArn, condition: o.condition, approximateInvokeCount: o.invokeCount },
    requestPayload: parseOrText(o.requestPayload),
  };
  if (o.condition !== "EventAgeExceeded") {
    record.responseContext = { statusCode: 200, executedVersion: o.executedVersion, ...(o.functionError ? { functionError: o.functionError } : {}) };
    record.responsePayload = o.responsePayload === undefined ? null : parseOrText(o.responsePayload);
  }
  return record;
}

export async function sendToDestination(cloud: LambdaCloud, arn: string, record: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(record);
  const service = arn.split(":")[2] as "sqs" | "sns" | "lambda" | "events";
  const target = service === "events" ? cloud.eventbridge : cloud[service];
  if (!target) throw new Error(`the local cloud has no ${service} service for the destination ${arn}`);
  switch (service) {
    case "sqs": {
      const { QueueUrl } = await target.call("GetQueueUrl", { QueueName: arn.split(":").pop() });
      await target.call("SendMessage", { QueueUrl, MessageBody: body });
      return;
    }
    case "sns":
      await target.call("Publish", { TopicArn: arn, Message: body });
      return;
    case "lambda":
      await target.call("Invoke", { FunctionName: arn, InvocationType: "Event", Payload: body });
      return;
    case "events": {
      const ctx = record.requestContext as { condition: string };
      await target.call("PutEvents", {
        Entries: [{
          EventBusName: arn,
          Source: "lambda",
          DetailType: `Lambda Function Invocation Result - ${ctx.condition === "Success" ? "Success" : "Failure"}`,
          Detail: body,
          Resources: [(record.requestContext as any).functionArn],
        }],
      });
      return;
    }
    default:
      throw new Error(`Lambda cannot send invocation records to ${arn}`);
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
