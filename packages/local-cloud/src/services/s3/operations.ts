/**
 * The S3 operations by API name. Each runs with SDK-shaped input and returns
 * SDK-shaped output; GetObject returns its body as an opened ObjectBody that the
 * caller streams (HTTP) or reads (in-process call).
 */
import type { CallContext } from "../../types.js";
import { AwsError } from "../../server/aws-error.js";
import type { S3Context } from "./context.js";
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from "./ops/buckets.js";
import { CONFIG_OPERATIONS, getAcl, putAcl, runConfigOperation } from "./ops/bucket-configs.js";
import { listObjects, listObjectsV2, listObjectVersions } from "./ops/list.js";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  listMultipartUploads,
  listParts,
  uploadPart,
  uploadPartCopy,
} from "./ops/multipart.js";
import {
  copyObject,
  deleteObject,
  deleteObjects,
  deleteObjectTagging,
  getObjectTagging,
  putObject,
  putObjectTagging,
  readObject,
  type RequestInfo,
} from "./ops/objects.js";

type Operation = (c: S3Context, ctx: CallContext, input: any, info: RequestInfo) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  ListBuckets: listBuckets,
  GetBucketLocation: getBucketLocation,
  GetBucketAcl: getAcl,
  PutBucketAcl: putAcl,
  GetObjectAcl: getAcl,
  PutObjectAcl: putAcl,
  PutObject: putObject,
  GetObject: (c, ctx, input) => readObject(c, ctx, input, true),
  HeadObject: (c, ctx, input) => readObject(c, ctx, input, false).output,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CopyObject: copyObject,
  GetObjectTagging: getObjectTagging,
  PutObjectTagging: putObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  ListObjectsV2: listObjectsV2,
  ListObjects: listObjects,
  ListObjectVersions: listObjectVersions,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
};
for (const op of CONFIG_OPERATIONS) OPERATIONS[op] = (c, ctx, input) => runConfigOperation(c, ctx, op, input);

export function hasOperation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name);
}

export async function runOperation(c: S3Context, ctx: CallContext, name: string, input: any, info: RequestInfo): Promise<any> {
  const op = hasOperation(name) ? OPERATIONS[name]! : undefined;
  if (!op) throw new AwsError("NotImplemented", `The local cloud's S3 does not implement ${name}.`, 501);
  if (!input || typeof input !== "object") throw new AwsError("InvalidArgument", "Input must be an object", 400);
  return op(c, ctx, input, info);
}
