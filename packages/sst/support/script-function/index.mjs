// The handler of SST's Script construct (Custom::SSTScript): on Create, Update or Delete
// it invokes the app's onCreate / onUpdate / onDelete function with { params }, unless
// the stack is rolling back, and fails the deploy with the function's error. It is its
// own asset (SST v2 deploys it as a function of its own, apart from the stack's custom
// resource handler), so it answers CloudFormation with its own few lines.
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";

export async function handler(event) {
  let status = "SUCCESS";
  let reason = "";
  try {
    await run(event);
  } catch (err) {
    console.error(err);
    status = "FAILED";
    reason = String(err?.message ?? err).slice(0, 3000);
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason || status,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-${event.RequestId}`,
  });
  await fetch(event.ResponseURL, { method: "PUT", headers: { "content-type": "" }, body });
}

async function run(event) {
  const props = event.ResourceProperties;
  if (event.StackId && (await rollingBack(event.StackId))) return;
  const fn = { Create: props.UserCreateFunction, Update: props.UserUpdateFunction, Delete: props.UserDeleteFunction }[event.RequestType];
  if (!fn) return;
  const out = await new LambdaClient({}).send(new InvokeCommand({
    FunctionName: fn,
    Payload: Buffer.from(JSON.stringify({ params: JSON.parse(props.UserParams ?? "{}") })),
  }));
  if (out.FunctionError) {
    const payload = JSON.parse(Buffer.from(out.Payload ?? []).toString() || "{}");
    throw new Error(`${payload.errorType ?? "Error"}: ${payload.errorMessage ?? out.FunctionError}`);
  }
}

async function rollingBack(stackId) {
  const out = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stackId }));
  const status = out.Stacks?.[0]?.StackStatus ?? "";
  return status.startsWith("ROLLBACK") || status.startsWith("UPDATE_ROLLBACK");
}
