import { S3Handler } from "aws-lambda";

export const handler: S3Handler = async (event) => {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, " "));
    console.log(`Processing upload ${record.s3.bucket.name}/${key} (${record.s3.object.size} bytes)`);
  }
};
