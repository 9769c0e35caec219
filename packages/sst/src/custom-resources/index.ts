/**
 * The code of each stack's `CustomResourceHandler` function (SST v2 has one per stack):
 * it serves SST's custom resource types by `ResourceType` and always answers
 * CloudFormation, with FAILED and the reason when the work throws, so a deploy fails
 * fast instead of waiting for a response that never comes.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { physicalIdOf, sendResponse } from "./response.js";

/**
 * Each type's code (and the AWS SDK clients it uses) loads on the first event of that
 * type: the handler's environment starts in every deploy that has a custom resource,
 * and loading all six SDK clients up front (CommonJS, parsed again by Node for each ESM
 * import) was most of its cold start, on the path of the deploy's last stacks. The
 * bundle is split (custom-resource-handler.ts), one chunk per type.
 */
const HANDLERS: Record<string, (event: CloudFormationCustomResourceEvent) => Promise<void>> = {
  "Custom::AuthKeys": async (e) => (await import("./auth-keys.js")).authKeys(e),
  "Custom::SourcemapUploader": async (e) => (await import("./sourcemap-uploader.js")).sourcemapUploader(e),
  "Custom::SecretPrefetcher": async (e) => (await import("./secret-prefetcher.js")).secretPrefetcher(e),
  "Custom::FunctionInvoker": async (e) => (await import("./function-invoker.js")).functionInvoker(e),
  "Custom::S3Uploader": async (e) => (await import("./site-resources.js")).s3Uploader(e),
  "Custom::AssetReplacer": async (e) => (await import("./site-resources.js")).assetReplacer(e),
  "Custom::CloudFrontInvalidator": async (e) => (await import("./site-resources.js")).cloudFrontInvalidator(e),
  "Custom::APIGatewayCloudWatchRole": async (e) => (await import("./apigateway-cloudwatch-role.js")).apiGatewayCloudWatchRole(e),
};

export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  console.log(`${event.RequestType} ${event.ResourceType} ${event.LogicalResourceId}`);
  const work = HANDLERS[event.ResourceType];
  try {
    // A resource of a type this code no longer serves can still be deleted.
    if (!work && event.RequestType === "Delete") return await sendResponse(event, { Status: "SUCCESS", PhysicalResourceId: physicalIdOf(event) });
    if (!work) throw new Error(`This handler does not serve ${event.ResourceType}; it serves ${Object.keys(HANDLERS).join(", ")}`);
    await work(event);
    await sendResponse(event, { Status: "SUCCESS", PhysicalResourceId: physicalIdOf(event) });
  } catch (e) {
    console.error(e);
    await sendResponse(event, { Status: "FAILED", Reason: (e as Error).message ?? String(e), PhysicalResourceId: physicalIdOf(event) });
  }
}
