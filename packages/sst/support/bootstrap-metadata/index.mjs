// SST's bootstrap stack runs this on every CloudFormation "Stack Status Change" event
// (EventBridge rule): when a stack settles, the SST metadata it publishes (its
// "SSTMetadata" output) is copied to the bootstrap bucket, where consoles and tools
// read an app's constructs by stage; when a stack is deleted, its copy goes too.
// Plain JavaScript with the AWS SDK v3 the Lambda Node.js runtime provides: no bundling.
import { CloudFormationClient, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const s3 = new S3Client({});
const cloudformation = new CloudFormationClient({});
const BUCKET_NAME = process.env.BUCKET_NAME;

export function metadataKey(app, stage, stackName) {
  return `stackMetadata/app.${app}/stage.${stage}/stack.${stackName}.json`;
}

export async function handler(event) {
  if (event?.source !== "aws.cloudformation" || event["detail-type"] !== "CloudFormation Stack Status Change") return;
  const status = event.detail?.["status-details"]?.status ?? "";
  if (!status.endsWith("_COMPLETE")) return;
  const stackId = event.detail["stack-id"];
  const stackName = String(stackId).split("/")[1] ?? stackId;
  const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
  const output = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === "SSTMetadata")?.OutputValue;
  if (!output) return;
  const { app, stage, metadata } = JSON.parse(output);
  const Key = metadataKey(app, stage, stackName);
  if (status === "DELETE_COMPLETE") await s3.send(new DeleteObjectCommand({ Bucket: BUCKET_NAME, Key }));
  else await s3.send(new PutObjectCommand({ Bucket: BUCKET_NAME, Key, Body: JSON.stringify(metadata), ContentType: "application/json" }));
}
