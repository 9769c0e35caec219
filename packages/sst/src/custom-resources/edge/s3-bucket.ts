/**
 * Custom::SSTEdgeLambdaBucket (SST v2's EdgeFunction): the us-east-1 bucket Lambda@Edge
 * code is copied to (Lambda@Edge functions live in us-east-1, whatever the stack's
 * region). One per stack. Attribute: BucketName. Deleting empties it first.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { S3Client, CreateBucketCommand, DeleteBucketCommand, ListObjectsV2Command, DeleteObjectsCommand } from "@aws-sdk/client-s3";
import { answer } from "../response.js";
import { isNotFound, uniqueName } from "./names.js";

const s3 = new S3Client({ region: "us-east-1" });

export const handler = (event: CloudFormationCustomResourceEvent) =>
  answer(event, async () => {
    if (event.RequestType === "Create") {
      const bucket = uniqueName(String(event.ResourceProperties.BucketNamePrefix), 63);
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return { physicalId: bucket, data: { BucketName: bucket } };
    }
    const bucket = event.PhysicalResourceId;
    if (event.RequestType === "Delete") await deleteBucket(bucket);
    return { physicalId: bucket, data: { BucketName: bucket } };
  });

async function deleteBucket(bucket: string): Promise<void> {
  try {
    for (;;) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
