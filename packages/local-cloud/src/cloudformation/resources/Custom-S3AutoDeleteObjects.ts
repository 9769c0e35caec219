/**
 * Custom::S3AutoDeleteObjects: CDK's `autoDeleteObjects: true` (a Node.js Lambda that
 * empties the bucket when the resource is deleted). Provisioned natively: on delete,
 * every object version and delete marker in BucketName is removed.
 */
import { isErrorCode, service, type ResourceProvider } from "../provider.js";

export const s3AutoDeleteObjects: ResourceProvider = {
  async create(props) {
    return { physicalId: `${props.BucketName}-auto-delete` };
  },
  async update() {
    return {};
  },
  async delete(_id, props, ctx) {
    const s3 = service(ctx, "s3");
    try {
      for (let round = 0; round < 1000; round++) {
        const listed = await s3.call("ListObjectVersions", { Bucket: props.BucketName }).catch(async (e: unknown) => {
          if (isErrorCode(e, "NoSuchBucket")) throw e;
          // Without versioning support, fall back to plain listing.
          const plain = await s3.call("ListObjectsV2", { Bucket: props.BucketName });
          return { Versions: (plain.Contents ?? []).map((o: any) => ({ Key: o.Key })) };
        });
        const objects = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v: any) => (v.VersionId && v.VersionId !== "null" ? { Key: v.Key, VersionId: v.VersionId } : { Key: v.Key }));
        if (objects.length === 0) return;
        for (const o of objects) await s3.call("DeleteObject", { Bucket: props.BucketName, ...o });
      }
    } catch (e) {
      if (isErrorCode(e, "NoSuchBucket")) return;
      throw e;
    }
  },
};
