// A Job's manager function (the function `Job.<id>.run()` invokes). It starts the job
// where it runs: a CodeBuild build of the job's project on AWS, or (under `sst dev`) an
// asynchronous invocation of the job's function. SST_JOB_PROVIDER says which, and
// SST_JOB_RUNNER names the project or the function. Event: { action: "run", payload }
// or { action: "cancel", jobId }.
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";

export async function handler(event, context) {
  if (event?.action === "run") return run(event.payload ?? {}, context);
  if (event?.action === "cancel") return cancel(event.jobId);
  throw new Error(`Unknown job action "${event?.action}": expected "run" or "cancel"`);
}

async function run(payload, context) {
  const runner = process.env.SST_JOB_RUNNER;
  if (process.env.SST_JOB_PROVIDER === "codebuild") {
    const { CodeBuildClient, StartBuildCommand } = await import("@aws-sdk/client-codebuild");
    const out = await new CodeBuildClient({}).send(new StartBuildCommand({
      projectName: runner,
      environmentVariablesOverride: [{ name: "SST_PAYLOAD", value: JSON.stringify(payload) }],
    }));
    console.log("Job started", { jobId: out.build?.id });
    return { jobId: out.build?.id };
  }
  await new LambdaClient({}).send(new InvokeCommand({
    FunctionName: runner,
    InvocationType: "Event",
    Payload: Buffer.from(JSON.stringify(payload)),
  }));
  console.log("Job started", { jobId: context.awsRequestId });
  return { jobId: context.awsRequestId };
}

async function cancel(jobId) {
  // A job run as a function invocation cannot be stopped; only CodeBuild builds can.
  if (process.env.SST_JOB_PROVIDER !== "codebuild") return;
  const { CodeBuildClient, StopBuildCommand } = await import("@aws-sdk/client-codebuild");
  await new CodeBuildClient({}).send(new StopBuildCommand({ id: jobId }));
}
