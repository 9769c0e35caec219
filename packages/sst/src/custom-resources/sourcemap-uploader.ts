/**
 * Custom::SourcemapUploader — copies each function's gzipped sourcemap from the CDK
 * asset bucket to the SST bootstrap bucket, under `sourcemap/<app>/<stage>/<function
 * arn>/`, where the Console finds them. Maps whose asset did not change since the last
 * deploy are not copied again.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import type * as S3Sdk from "@aws-sdk/client-s3";
import { awsSdk } from "./aws-sdk.js";
const { CopyObjectCommand, S3Client } = awsSdk<typeof S3Sdk>("@aws-sdk/client-s3");

export async function sourcemapUploader(event: CloudFormationCustomResourceEvent, s3: S3Sdk.S3Client = new S3Client({})): Promise<void> {
  if (event.RequestType === "Delete") return;
  const props = event.ResourceProperties as Record<string, any>;
  const before: Record<string, string> = event.RequestType === "Update" ? Object.fromEntries((event.OldResourceProperties as any)?.sourcemaps ?? []) : {};
  for (const [functionArn, key] of (props.sourcemaps ?? []) as [string, string][]) {
    if (before[functionArn] === key) continue;
    await s3.send(new CopyObjectCommand({
      Bucket: props.tarBucket,
      CopySource: `/${props.srcBucket}/${key}`,
      Key: `sourcemap/${props.app}/${props.stage}/${functionArn}/${key.split("/").pop()}`,
      ContentType: "application/json",
      ContentEncoding: "gzip",
    }));
  }
}
