/**
 * AWS::S3::Bucket: the bucket and its sub-configurations (CORS, notifications,
 * versioning, lifecycle, tags, website, encryption, public access block), each
 * mapped from CloudFormation's property shape to the S3 API's and re-applied only
 * when it changed.
 */
import { compact, ignoreNotFound, isErrorCode, optionalCall, service, type ResourceProvider, type ProviderContext, type ServiceLike } from "../provider.js";
import { stableEqual } from "../equality.js";

const num = (v: unknown) => (v === undefined ? undefined : Number(v));

export function corsToApi(cfg: any) {
  return {
    CORSRules: (cfg.CorsRules ?? []).map((r: any) => compact({
      ID: r.Id, AllowedHeaders: r.AllowedHeaders, AllowedMethods: r.AllowedMethods, AllowedOrigins: r.AllowedOrigins,
      ExposeHeaders: r.ExposedHeaders, MaxAgeSeconds: num(r.MaxAge),
    })),
  };
}

function filterToApi(f: any) {
  const rules = f?.S3Key?.Rules;
  return rules ? { Key: { FilterRules: rules.map((r: any) => ({ Name: r.Name, Value: r.Value })) } } : undefined;
}

export function notificationsToApi(cfg: any) {
  return compact({
    LambdaFunctionConfigurations: cfg?.LambdaConfigurations?.map((c: any) => compact({ LambdaFunctionArn: c.Function, Events: [c.Event], Filter: filterToApi(c.Filter) })),
    QueueConfigurations: cfg?.QueueConfigurations?.map((c: any) => compact({ QueueArn: c.Queue, Events: [c.Event], Filter: filterToApi(c.Filter) })),
    TopicConfigurations: cfg?.TopicConfigurations?.map((c: any) => compact({ TopicArn: c.Topic, Events: [c.Event], Filter: filterToApi(c.Filter) })),
    EventBridgeConfiguration: cfg?.EventBridgeConfiguration?.EventBridgeEnabled ? {} : undefined,
  });
}

function lifecycleToApi(cfg: any) {
  return {
    Rules: (cfg.Rules ?? []).map((r: any) => {
      const tagFilters = r.TagFilters?.map((t: any) => ({ Key: t.Key, Value: t.Value }));
      const filter = r.Prefix !== undefined && !tagFilters ? { Prefix: r.Prefix }
        : tagFilters ? { And: compact({ Prefix: r.Prefix, Tags: tagFilters }) } : { Prefix: "" };
      return compact({
        ID: r.Id, Status: r.Status, Filter: filter,
        Expiration: r.ExpirationInDays !== undefined || r.ExpirationDate || r.ExpiredObjectDeleteMarker !== undefined
          ? compact({ Days: num(r.ExpirationInDays), Date: r.ExpirationDate ? new Date(r.ExpirationDate) : undefined, ExpiredObjectDeleteMarker: r.ExpiredObjectDeleteMarker }) : undefined,
        NoncurrentVersionExpiration: r.NoncurrentVersionExpiration
          ? compact({ NoncurrentDays: num(r.NoncurrentVersionExpiration.NoncurrentDays), NewerNoncurrentVersions: num(r.NoncurrentVersionExpiration.NewerNoncurrentVersions) })
          : r.NoncurrentVersionExpirationInDays !== undefined ? { NoncurrentDays: num(r.NoncurrentVersionExpirationInDays) } : undefined,
        AbortIncompleteMultipartUpload: r.AbortIncompleteMultipartUpload ? { DaysAfterInitiation: num(r.AbortIncompleteMultipartUpload.DaysAfterInitiation) } : undefined,
        Transitions: r.Transitions?.map((t: any) => compact({ Days: num(t.TransitionInDays), StorageClass: t.StorageClass })),
      });
    }),
  };
}

function websiteToApi(cfg: any) {
  return compact({
    IndexDocument: cfg.IndexDocument ? { Suffix: cfg.IndexDocument } : undefined,
    ErrorDocument: cfg.ErrorDocument ? { Key: cfg.ErrorDocument } : undefined,
    RedirectAllRequestsTo: cfg.RedirectAllRequestsTo ? compact({ HostName: cfg.RedirectAllRequestsTo.HostName, Protocol: cfg.RedirectAllRequestsTo.Protocol }) : undefined,
  });
}

/** One sub-configuration: how to put it and how to remove it. */
const SUB_CONFIGS: Array<{ prop: string; put: (s3: ServiceLike, b: string, v: any) => Promise<unknown>; remove: (s3: ServiceLike, b: string) => Promise<unknown> }> = [
  { prop: "CorsConfiguration", put: (s3, b, v) => s3.call("PutBucketCors", { Bucket: b, CORSConfiguration: corsToApi(v) }), remove: (s3, b) => s3.call("DeleteBucketCors", { Bucket: b }) },
  { prop: "NotificationConfiguration", put: (s3, b, v) => s3.call("PutBucketNotificationConfiguration", { Bucket: b, NotificationConfiguration: notificationsToApi(v) }), remove: (s3, b) => s3.call("PutBucketNotificationConfiguration", { Bucket: b, NotificationConfiguration: {} }) },
  { prop: "VersioningConfiguration", put: (s3, b, v) => s3.call("PutBucketVersioning", { Bucket: b, VersioningConfiguration: { Status: v.Status } }), remove: (s3, b) => s3.call("PutBucketVersioning", { Bucket: b, VersioningConfiguration: { Status: "Suspended" } }) },
  { prop: "Tags", put: (s3, b, v) => s3.call("PutBucketTagging", { Bucket: b, Tagging: { TagSet: v.map((t: any) => ({ Key: t.Key, Value: t.Value })) } }), remove: (s3, b) => s3.call("DeleteBucketTagging", { Bucket: b }) },
  { prop: "LifecycleConfiguration", put: (s3, b, v) => optionalCall(s3, "PutBucketLifecycleConfiguration", { Bucket: b, LifecycleConfiguration: lifecycleToApi(v) }), remove: (s3, b) => optionalCall(s3, "DeleteBucketLifecycle", { Bucket: b }) },
  { prop: "WebsiteConfiguration", put: (s3, b, v) => optionalCall(s3, "PutBucketWebsite", { Bucket: b, WebsiteConfiguration: websiteToApi(v) }), remove: (s3, b) => optionalCall(s3, "DeleteBucketWebsite", { Bucket: b }) },
  { prop: "BucketEncryption", put: (s3, b, v) => optionalCall(s3, "PutBucketEncryption", { Bucket: b, ServerSideEncryptionConfiguration: { Rules: v.ServerSideEncryptionConfiguration } }), remove: (s3, b) => optionalCall(s3, "DeleteBucketEncryption", { Bucket: b }) },
  { prop: "PublicAccessBlockConfiguration", put: (s3, b, v) => optionalCall(s3, "PutPublicAccessBlock", { Bucket: b, PublicAccessBlockConfiguration: v }), remove: (s3, b) => optionalCall(s3, "DeletePublicAccessBlock", { Bucket: b }) },
  { prop: "OwnershipControls", put: (s3, b, v) => optionalCall(s3, "PutBucketOwnershipControls", { Bucket: b, OwnershipControls: v }), remove: (s3, b) => optionalCall(s3, "DeleteBucketOwnershipControls", { Bucket: b }) },
];

async function applyConfigs(s3: ServiceLike, bucket: string, props: Record<string, any>, old: Record<string, any>) {
  for (const c of SUB_CONFIGS) {
    if (stableEqual(props[c.prop], old[c.prop])) continue;
    const empty = props[c.prop] === undefined || (Array.isArray(props[c.prop]) && props[c.prop].length === 0);
    if (empty) await ignoreNotFound(c.remove(s3, bucket));
    else await c.put(s3, bucket, props[c.prop]);
  }
}

export function bucketAttributes(name: string, ctx: Pick<ProviderContext, "region">) {
  return {
    Arn: `arn:aws:s3:::${name}`,
    DomainName: `${name}.s3.amazonaws.com`,
    DualStackDomainName: `${name}.s3.dualstack.${ctx.region}.amazonaws.com`,
    RegionalDomainName: `${name}.s3.${ctx.region}.amazonaws.com`,
    WebsiteURL: `http://${name}.s3-website-${ctx.region}.amazonaws.com`,
  };
}

export const s3Bucket: ResourceProvider = {
  replacementProps: ["BucketName", "ObjectLockEnabled"],
  nameProperty: "BucketName",
  async create(props, ctx) {
    const s3 = service(ctx, "s3");
    const name = props.BucketName ?? ctx.physicalName({ maxLength: 63, lowercase: true });
    await s3.call("CreateBucket", compact({ Bucket: name, ObjectLockEnabledForBucket: props.ObjectLockEnabled }));
    try {
      await applyConfigs(s3, name, props, {});
    } catch (e) {
      await ignoreNotFound(s3.call("DeleteBucket", { Bucket: name }));
      throw e;
    }
    return { physicalId: name, attributes: bucketAttributes(name, ctx) };
  },
  async update(name, props, old, ctx) {
    await applyConfigs(service(ctx, "s3"), name, props, old);
    return bucketAttributes(name, ctx);
  },
  async delete(name, _props, ctx) {
    try {
      await service(ctx, "s3").call("DeleteBucket", { Bucket: name });
    } catch (e) {
      if (isErrorCode(e, "NoSuchBucket")) return;
      throw e;
    }
  },
};
