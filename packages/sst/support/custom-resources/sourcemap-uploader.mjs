// Custom::SourcemapUploader — copies each function's gzipped sourcemap from the CDK
// asset bucket to the SST bootstrap bucket, under sourcemap/<app>/<stage>/<function arn>/.
// Maps whose asset did not change since the last deploy are not copied again.
import { S3Client, CopyObjectCommand } from "@aws-sdk/client-s3";

export async function sourcemapUploader(event) {
  if (event.RequestType === "Delete") return;
  const props = event.ResourceProperties;
  const before = event.RequestType === "Update" ? Object.fromEntries(event.OldResourceProperties?.sourcemaps ?? []) : {};
  const s3 = new S3Client({});
  for (const [functionArn, key] of props.sourcemaps ?? []) {
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
