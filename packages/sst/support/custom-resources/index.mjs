// SST's per-stack custom resource handler (the "CustomResourceHandler" function of
// every stack). CloudFormation sends it the custom resources SST constructs add; each
// resource type is handled by one module of this folder. It answers CloudFormation by
// PUTting to the request's ResponseURL.
import { sourcemapUploader } from "./sourcemap-uploader.mjs";
import { secretPrefetcher } from "./secret-prefetcher.mjs";
import { functionInvoker } from "./function-invoker.mjs";
import { apiGatewayCloudWatchRole } from "./apigateway-cloudwatch-role.mjs";

const HANDLERS = {
  "Custom::SourcemapUploader": sourcemapUploader,
  "Custom::SecretPrefetcher": secretPrefetcher,
  "Custom::FunctionInvoker": functionInvoker,
  "Custom::APIGatewayCloudWatchRole": apiGatewayCloudWatchRole,
};

export async function handler(event) {
  const { ResponseURL: _url, ...logged } = event;
  console.log("custom resource request", JSON.stringify(logged));
  let status = "SUCCESS";
  let reason = "";
  let data;
  try {
    const handle = HANDLERS[event.ResourceType];
    if (!handle) throw new Error(`This handler does not know the custom resource type ${event.ResourceType}`);
    data = await handle(event);
  } catch (err) {
    console.error(err);
    status = "FAILED";
    reason = String(err?.message ?? err).slice(0, 3000);
  }
  await respond(event, status, reason, data);
}

async function respond(event, status, reason, data) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason || status,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    // A failed Create has no resource; the marker lets the Delete that follows succeed.
    PhysicalResourceId: event.PhysicalResourceId ?? (status === "FAILED" ? "SST::CREATE_FAILED" : `${event.LogicalResourceId}-${event.RequestId}`),
    Data: data,
  });
  const res = await fetch(event.ResponseURL, { method: "PUT", headers: { "content-type": "" }, body });
  if (!res.ok) throw new Error(`CloudFormation did not accept the response: ${res.status} ${await res.text()}`);
}
