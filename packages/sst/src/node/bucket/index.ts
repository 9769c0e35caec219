/** `Bucket.<id>.bucketName` for the Buckets bound to this function. */
import { createProxy } from "../util/index.js";

/** Augmented by `.sst/types` with this app's Buckets. */
export interface BucketResources {}

export const Bucket: BucketResources = /* @__PURE__ */ createProxy<BucketResources>("Bucket");
