/**
 * The S3 operations by API name. Each runs with SDK-shaped input and returns
 * SDK-shaped output; GetObject returns its body as an opened ObjectBody that the
 * caller streams (HTTP) or reads (in-process call).
 */
import type { CallContext } from "../../types.js";
import type s3Model from "../../wire/models/s3.js";
import type { OperationSpec, OperationSpecs } from "../../wire/operations.js";
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

/** Requests reach S3 over loopback. */
const LOOPBACK: RequestInfo = { sourceIp: "127.0.0.1" };

/**
 * The declared operations. S3 checks IAM inside each (authorizeS3 in context.ts): a
 * bucket policy takes part in the decision, and anonymous callers only pass through it.
 */
export function s3Operations(c: S3Context): OperationSpecs<typeof s3Model, CallContext> {
  const declared: Record<string, OperationSpec<CallContext>> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) declared[name] = { iam: "self", run: (input, ctx) => op(c, ctx, input, LOOPBACK) };
  return declared as OperationSpecs<typeof s3Model, CallContext>;
}

/** One operation, as the admin might run it from inside S3 (POST Object stores the file as PutObject). */
export async function runOperation(c: S3Context, ctx: CallContext, name: string, input: any, info: RequestInfo): Promise<any> {
  return OPERATIONS[name]!(c, ctx, input, info);
}
