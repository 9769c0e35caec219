// The EventBus retrier (deployed as-is, no build): an SQS-triggered function that
// re-delivers failed asynchronous invocations of a bus's subscribers.
//
// Its queue receives two kinds of message:
//  - Lambda's on-failure destination record for a failed invocation (it carries
//    `responseContext`): the retrier counts the attempt, and unless the function's
//    SST_RETRIES is used up, sends the event back to its own queue, delayed by
//    2^attempt seconds (at most 15 minutes, SQS's limit), with `attempts` set on it;
//  - that delayed message (`redeliver: true`): the retrier invokes the function again,
//    asynchronously, so another failure comes back here as a new destination record.
import { LambdaClient, InvokeCommand, GetFunctionCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

const lambda = new LambdaClient({});
const sqs = new SQSClient({});
// Lambda's recursive-loop detection would otherwise stop a chain of retries.
lambda.middlewareStack.remove("recursionDetectionMiddleware");
sqs.middlewareStack.remove("recursionDetectionMiddleware");

const MAX_DELAY_SECONDS = 900;

/** "arn:aws:lambda:us-east-1:1234:function:name:$LATEST" → "name". */
function functionNameOf(arn) {
  return arn.split(":")[6];
}

async function maxRetries(functionName) {
  const info = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
  return parseInt(info.Configuration?.Environment?.Variables?.SST_RETRIES ?? "", 10) || 0;
}

async function scheduleRetry(record) {
  const functionName = functionNameOf(record.requestContext.functionArn);
  const attempt = (record.requestPayload?.attempts ?? 0) + 1;
  const max = await maxRetries(functionName);
  if (attempt > max) {
    console.log(`${functionName}: giving up after ${max} retries`);
    return;
  }
  const delay = Math.min(2 ** attempt, MAX_DELAY_SECONDS);
  console.log(`${functionName}: retry ${attempt} of ${max} in ${delay} seconds`);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.RETRIER_QUEUE_URL,
      DelaySeconds: delay,
      MessageBody: JSON.stringify({
        redeliver: true,
        functionName,
        requestPayload: { ...record.requestPayload, attempts: attempt },
      }),
    }),
  );
}

async function redeliver(message) {
  try {
    await lambda.send(
      new InvokeCommand({
        FunctionName: message.functionName,
        InvocationType: "Event",
        Payload: Buffer.from(JSON.stringify(message.requestPayload)),
      }),
    );
  } catch (err) {
    // The function was removed meanwhile: nothing left to deliver to.
    if (err instanceof ResourceNotFoundException) return;
    throw err;
  }
}

export async function handler(event) {
  for (const record of event.Records) {
    const body = JSON.parse(record.body);
    if (body.redeliver) await redeliver(body);
    else await scheduleRetry(body);
  }
}
