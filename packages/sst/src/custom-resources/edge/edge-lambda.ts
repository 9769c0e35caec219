/**
 * Custom::SSTEdgeLambda (SST v2's EdgeFunction): a Lambda@Edge function, created in
 * us-east-1 from `FunctionParams` (CreateFunction's parameters) with its code copied
 * into the edge bucket. An update changes the configuration and/or the code, as
 * changed; the physical id and the FunctionArn attribute are the function's ARN.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import { S3Client, CopyObjectCommand } from "@aws-sdk/client-s3";
import {
  LambdaClient, CreateFunctionCommand, DeleteFunctionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
} from "@aws-sdk/client-lambda";
import { answer } from "../response.js";
import { isNotFound, uniqueName } from "./names.js";

const s3 = new S3Client({ region: "us-east-1" });
const lambda = new LambdaClient({ region: "us-east-1" });

type Params = Omit<CreateFunctionCommandInput, "FunctionName" | "Code"> & { Code: { S3Bucket: string; S3Key: string } };
const CONFIGURATION = ["Description", "Handler", "Runtime", "MemorySize", "Timeout", "Role"] as const;

export const handler = (event: CloudFormationCustomResourceEvent) =>
  answer(event, async () => {
    const props = event.ResourceProperties;
    const params = normalize(props.FunctionParams);
    const bucket = String(props.FunctionBucket);
    if (event.RequestType === "Create") {
      const name = uniqueName(String(props.FunctionNamePrefix), 64);
      const created = await lambda.send(new CreateFunctionCommand({ ...params, FunctionName: name, Code: await copyCode(bucket, params) }));
      return { physicalId: created.FunctionArn!, data: { FunctionArn: created.FunctionArn } };
    }
    const arn = event.PhysicalResourceId;
    const name = arn.split(":").pop()!;
    if (event.RequestType === "Delete") {
      try {
        await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return { physicalId: arn };
    }
    const old = normalize(event.OldResourceProperties.FunctionParams);
    const { Code: _code, ...configuration } = params;
    if (CONFIGURATION.some((k) => params[k] !== old[k])) await lambda.send(new UpdateFunctionConfigurationCommand({ ...configuration, FunctionName: name }));
    if (params.Code.S3Bucket !== old.Code.S3Bucket || params.Code.S3Key !== old.Code.S3Key) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ...(await copyCode(bucket, params)) }));
    }
    return { physicalId: arn, data: { FunctionArn: arn } };
  });

/** CloudFormation passes every property as a string: numbers back to numbers. */
function normalize(raw: any): Params {
  return { ...raw, MemorySize: raw.MemorySize === undefined ? undefined : Number(raw.MemorySize), Timeout: raw.Timeout === undefined ? undefined : Number(raw.Timeout) };
}

/** The code object, copied into the edge bucket (the function's own copy, in us-east-1). */
async function copyCode(bucket: string, params: Params): Promise<{ S3Bucket: string; S3Key: string }> {
  const { S3Bucket, S3Key } = params.Code;
  await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: S3Key, CopySource: `/${S3Bucket}/${S3Key}` }));
  return { S3Bucket: bucket, S3Key };
}
