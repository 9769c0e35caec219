/**
 * The code of each stack's `CustomResourceHandler` function (SST v2 has one per stack):
 * it serves SST's custom resource types by `ResourceType` and always answers
 * CloudFormation, with FAILED and the reason when the work throws, so a deploy fails
 * fast instead of waiting for a response that never comes.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { authKeys } from "./auth-keys.js";
import { sourcemapUploader } from "./sourcemap-uploader.js";
import { secretPrefetcher } from "./secret-prefetcher.js";
import { functionInvoker } from "./function-invoker.js";
import { assetReplacer, cloudFrontInvalidator, s3Uploader } from "./site-resources.js";
import { apiGatewayCloudWatchRole } from "./apigateway-cloudwatch-role.js";
import { physicalIdOf, sendResponse } from "./response.js";

const HANDLERS: Record<string, (event: CloudFormationCustomResourceEvent) => Promise<void>> = {
  "Custom::AuthKeys": (e) => authKeys(e),
  "Custom::SourcemapUploader": (e) => sourcemapUploader(e),
  "Custom::SecretPrefetcher": (e) => secretPrefetcher(e),
  "Custom::FunctionInvoker": (e) => functionInvoker(e),
  "Custom::S3Uploader": (e) => s3Uploader(e),
  "Custom::AssetReplacer": (e) => assetReplacer(e),
  "Custom::CloudFrontInvalidator": (e) => cloudFrontInvalidator(e),
  "Custom::APIGatewayCloudWatchRole": (e) => apiGatewayCloudWatchRole(e),
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
