/**
 * The custom resources SST v2's sites use, served by the stack's handler:
 *
 *   Custom::S3Uploader            the site's asset zips unpacked into its bucket: content
 *                                 types, cache-control by file pattern, deploy-time values
 *                                 replaced, and (StaticSite) old files purged
 *   Custom::AssetReplacer         deploy-time values put into a function's zipped code
 *   Custom::CloudFrontInvalidator an invalidation (waited for when asked)
 *
 * Nothing to undo on Delete: the bucket empties itself (auto-delete), the code and the
 * invalidation need no removal.
 */
import type { CloudFormationCustomResourceEvent } from "aws-lambda";
import type * as S3Sdk from "@aws-sdk/client-s3";
import type * as CloudFrontSdk from "@aws-sdk/client-cloudfront";
import { contentTypeOf, fileOptionsFor, readZip, replaceInFiles, writeZip, type FileOptions } from "./site-archive.js";
import { awsSdk } from "./aws-sdk.js";
const { S3Client, GetObjectCommand, PutObjectCommand, ListObjectsV2Command, DeleteObjectsCommand } = awsSdk<typeof S3Sdk>("@aws-sdk/client-s3");

type Work = (event: CloudFormationCustomResourceEvent) => Promise<void>;
type Replace = { files: string | string[]; search: string; replace: string };

const s3 = new S3Client({});

async function readObject(Bucket: string, Key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function inParallel(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

export const s3Uploader: Work = async (event) => {
  if (event.RequestType === "Delete") return;
  const props = event.ResourceProperties as any;
  const uploaded = new Set<string>();
  for (const source of props.sources ?? []) {
    const files = readZip(await readObject(source.bucketName, source.objectKey));
    for (const rule of (props.replaceValues ?? []) as Replace[]) replaceInFiles(files, rule);
    const uploads = [...files].map(([name, data]) => () => {
      const options = fileOptionsFor(name, (props.fileOptions ?? []) as FileOptions[]);
      uploaded.add(name);
      return s3.send(new PutObjectCommand({
        Bucket: props.destinationBucketName, Key: name, Body: data, CacheControl: options?.cacheControl,
        ContentType: options?.contentType ?? contentTypeOf(name, props.textEncoding ?? "utf-8"),
      }));
    });
    await inParallel(uploads, Number(props.concurrency) || 10);
  }
  if (props.filenames) await purge(props, uploaded);
};

/** Delete what the previous deploy left and this one no longer has (StaticSite's purgeFiles). */
async function purge(props: any, uploaded: Set<string>): Promise<void> {
  const keep = new Set((await readObject(props.filenames.bucketName, props.filenames.objectKey)).toString("utf8").split("\n").filter(Boolean));
  for (const name of uploaded) keep.add(name);
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: props.destinationBucketName, ContinuationToken: token }));
    const stale = (page.Contents ?? []).map((o) => o.Key!).filter((k) => k && !keep.has(k));
    for (let i = 0; i < stale.length; i += 1000) {
      await s3.send(new DeleteObjectsCommand({ Bucket: props.destinationBucketName, Delete: { Objects: stale.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export const assetReplacer: Work = async (event) => {
  if (event.RequestType === "Delete") return;
  const props = event.ResourceProperties as any;
  const rules = ((props.replacements ?? []) as Replace[]).filter((r) => r.search !== r.replace);
  if (rules.length === 0) return;
  const files = readZip(await readObject(props.bucket, props.key));
  let changed = false;
  for (const rule of rules) changed = replaceInFiles(files, rule) || changed;
  if (changed) await s3.send(new PutObjectCommand({ Bucket: props.bucket, Key: props.key, Body: writeZip(files) }));
};

export const cloudFrontInvalidator: Work = async (event) => {
  if (event.RequestType === "Delete") return;
  const props = event.ResourceProperties as any;
  // Loaded here: the S3 resources of a site (and every dev deploy's AssetReplacer) do without it.
  const { CloudFrontClient, CreateInvalidationCommand, GetInvalidationCommand } = awsSdk<typeof CloudFrontSdk>("@aws-sdk/client-cloudfront");
  const cloudfront = new CloudFrontClient({});
  const paths: string[] = props.paths ?? ["/*"];
  const out = await cloudfront.send(new CreateInvalidationCommand({
    DistributionId: props.distributionId,
    InvalidationBatch: { CallerReference: `${props.version}-${event.RequestId}`, Paths: { Quantity: paths.length, Items: paths } },
  }));
  if (props.wait === true || props.wait === "true") {
    let status = out.Invalidation?.Status;
    while (status !== "Completed") {
      await new Promise((r) => setTimeout(r, 5000));
      status = (await cloudfront.send(new GetInvalidationCommand({ DistributionId: props.distributionId, Id: out.Invalidation!.Id }))).Invalidation?.Status;
    }
  }
};

