/**
 * Distributions and their invalidations: CloudFront's checks on a DistributionConfig
 * that its model cannot state (list quantities, unique origins, behaviours naming
 * existing origins, policies and published functions that exist), the ETag/If-Match
 * rules, and "disable before delete". Required members and types the wire layer checked.
 */
import { AwsError } from "../../server/aws-error.js";
import { checkIfMatch, invalidArgument, noSuch } from "./errors.js";
import * as ids from "./ids.js";
import { findPolicyConfig, type Operation } from "./config-resources.js";
import type { CloudFrontStore } from "./store.js";

export interface DistributionDeps {
  store: CloudFrontStore;
  accountId: string;
  /** The host:port a distribution answers on: `{id}.cloudfront.localhost:{port}`. */
  domainName(id: string): string;
  /** Published function ARNs (a behaviour may only associate LIVE functions). */
  isPublishedFunction(arn: string): boolean;
  /** Drop cached responses under these paths (an invalidation). */
  invalidate(distributionId: string, paths: string[]): void;
}

export const distributionArn = (accountId: string, id: string) => `arn:aws:cloudfront::${accountId}:distribution/${id}`;

const noSuchDistribution = () => noSuch("Distribution", "The specified distribution does not exist.");

function items(list: any): any[] {
  return Array.isArray(list?.Items) ? list.Items : [];
}

/** Every `{ Quantity, Items }` must agree, as CloudFront checks. */
function checkQuantities(value: unknown, path: string): void {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkQuantities(v, `${path}[${i}]`));
    return;
  }
  const o = value as Record<string, unknown>;
  if ("Quantity" in o) {
    const n = Array.isArray(o.Items) ? o.Items.length : 0;
    if (o.Quantity !== n) throw invalidArgument(`The value of Quantity field for ${path.split(".").pop()} (${String(o.Quantity)}) does not match the number of items (${n}).`);
  }
  for (const [k, v] of Object.entries(o)) checkQuantities(v, path ? `${path}.${k}` : k);
}

function validateConfig(deps: DistributionDeps, dc: any): void {
  checkQuantities(dc, "DistributionConfig");
  const origins = items(dc.Origins);
  if (origins.length === 0) throw invalidArgument("The parameter Origins must contain at least one origin.");
  const originIds = new Set<string>();
  for (const o of origins) {
    if (typeof o.Id !== "string" || o.Id === "") throw invalidArgument("The parameter origin Id is required.");
    if (typeof o.DomainName !== "string" || o.DomainName === "") throw invalidArgument(`The parameter origin DomainName is required for origin ${o.Id}.`);
    if (originIds.has(o.Id)) throw invalidArgument(`The parameter Origin Id ${o.Id} is not unique.`);
    if (o.OriginPath && (!String(o.OriginPath).startsWith("/") || String(o.OriginPath).endsWith("/"))) {
      throw invalidArgument("The parameter origin path must begin with a slash and must not end with one.");
    }
    originIds.add(o.Id);
  }
  for (const g of items(dc.OriginGroups)) {
    for (const m of items(g.Members)) if (!originIds.has(m.OriginId)) throw new AwsError("NoSuchOrigin", "One or more of your origins or origin groups do not exist.", 404);
    originIds.add(g.Id);
  }
  const behaviors = [dc.DefaultCacheBehavior, ...items(dc.CacheBehaviors)];
  for (const b of behaviors) {
    if (!originIds.has(b?.TargetOriginId)) throw new AwsError("NoSuchOrigin", "One or more of your origins or origin groups do not exist.", 404);
    if (!b.ViewerProtocolPolicy) throw invalidArgument("The parameter ViewerProtocolPolicy is required.");
    if (b !== dc.DefaultCacheBehavior && (typeof b.PathPattern !== "string" || b.PathPattern === "")) throw invalidArgument("The parameter PathPattern is required.");
    if (b.CachePolicyId && !findPolicyConfig(deps.store, "cache-policy", b.CachePolicyId)) throw noSuch("CachePolicy", "The cache policy does not exist.");
    if (b.OriginRequestPolicyId && !findPolicyConfig(deps.store, "origin-request-policy", b.OriginRequestPolicyId)) throw noSuch("OriginRequestPolicy", "The origin request policy does not exist.");
    if (b.ResponseHeadersPolicyId && !findPolicyConfig(deps.store, "response-headers-policy", b.ResponseHeadersPolicyId)) throw noSuch("ResponseHeadersPolicy", "The response headers policy does not exist.");
    if (!b.CachePolicyId && !b.ForwardedValues) throw invalidArgument("The parameter ForwardedValues is required.");
    for (const f of items(b.FunctionAssociations)) {
      if (!deps.isPublishedFunction(f.FunctionARN)) throw new AwsError("InvalidFunctionAssociation", `The function ARN ${f.FunctionARN} is not valid or the function is not published.`, 400);
    }
  }
  const patterns = items(dc.CacheBehaviors).map((b: any) => b.PathPattern);
  if (new Set(patterns).size !== patterns.length) throw invalidArgument("The parameter PathPattern must be unique across cache behaviors.");
}

export function distributionOperations(deps: DistributionDeps): Record<string, Operation> {
  const { store } = deps;
  const view = (doc: any) => ({ ...doc, DomainName: deps.domainName(doc.Id) });
  const read = (id: unknown) => {
    const r = typeof id === "string" && id ? store.get("distribution", id) : undefined;
    if (!r) throw noSuchDistribution();
    return r;
  };

  const create = (dc: any, tags?: any) => {
    validateConfig(deps, dc);
    const same = store.list("distribution").find((r) => r.doc.DistributionConfig.CallerReference === dc.CallerReference);
    if (same) {
      throw new AwsError("DistributionAlreadyExists", "The caller reference that you are using to create a distribution is associated with another distribution.", 409, { Message: same.id });
    }
    const id = ids.distributionId();
    const doc = {
      Id: id,
      ARN: distributionArn(deps.accountId, id),
      Status: "Deployed",
      LastModifiedTime: new Date().toISOString(),
      InProgressInvalidationBatches: 0,
      ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
      ActiveTrustedKeyGroups: { Enabled: false, Quantity: 0 },
      DistributionConfig: dc,
    };
    const etag = ids.etag();
    store.put("distribution", { id, etag, doc });
    if (tags?.Items?.length) store.setTags(doc.ARN, tags.Items);
    return { Distribution: view(doc), ETag: etag, Location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${id}` };
  };

  return {
    CreateDistribution: (input) => create(input?.DistributionConfig),
    CreateDistributionWithTags: (input) => create(input?.DistributionConfigWithTags?.DistributionConfig, input?.DistributionConfigWithTags?.Tags),
    GetDistribution: (input) => {
      const r = read(input?.Id);
      return { Distribution: view(r.doc), ETag: r.etag };
    },
    GetDistributionConfig: (input) => {
      const r = read(input?.Id);
      return { DistributionConfig: r.doc.DistributionConfig, ETag: r.etag };
    },
    UpdateDistribution: (input) => {
      const r = read(input?.Id);
      checkIfMatch(input.IfMatch, r.etag);
      const dc = input.DistributionConfig;
      validateConfig(deps, dc);
      if (dc.CallerReference !== r.doc.DistributionConfig.CallerReference) throw new AwsError("IllegalUpdate", "The CallerReference of a distribution cannot be changed.", 400);
      const doc = { ...r.doc, LastModifiedTime: new Date().toISOString(), DistributionConfig: dc };
      const etag = ids.etag();
      store.put("distribution", { id: r.id, etag, doc });
      // A changed configuration starts with an empty cache, as a redeployed edge would.
      deps.invalidate(r.id, ["/*"]);
      return { Distribution: view(doc), ETag: etag };
    },
    DeleteDistribution: (input) => {
      const r = read(input?.Id);
      checkIfMatch(input.IfMatch, r.etag);
      if (r.doc.DistributionConfig.Enabled) throw new AwsError("DistributionNotDisabled", "The distribution you are trying to delete has not been disabled.", 409);
      store.delete("distribution", r.id);
      store.setTags(r.doc.ARN, []);
      deps.invalidate(r.id, ["/*"]);
      return {};
    },
    ListDistributions: (input) => {
      const all = store.list("distribution").map((r) => summary(view(r.doc)));
      const max = Number(input?.MaxItems ?? 100);
      const start = input?.Marker ? all.findIndex((d) => d.Id === input.Marker) + 1 : 0;
      const page = all.slice(start, start + max);
      const truncated = start + max < all.length;
      return {
        DistributionList: {
          Marker: input?.Marker ?? "", MaxItems: max, IsTruncated: truncated, Quantity: page.length, Items: page,
          ...(truncated ? { NextMarker: page[page.length - 1]!.Id } : {}),
        },
      };
    },
    CreateInvalidation: (input) => {
      const r = read(input?.DistributionId);
      const batch = input.InvalidationBatch;
      if (batch.CallerReference === "") throw invalidArgument("The parameter CallerReference is required.");
      checkQuantities(batch.Paths, "Paths");
      const paths: string[] = items(batch.Paths);
      if (paths.length === 0) throw invalidArgument("Your request contains no paths to invalidate.");
      for (const p of paths) if (typeof p !== "string" || !p.startsWith("/")) throw invalidArgument(`Your request contains one or more invalid invalidation paths: ${String(p)}`);
      const existing = store.listInvalidations(r.id).find((i) => i.InvalidationBatch.CallerReference === batch.CallerReference);
      if (existing) {
        if (JSON.stringify(existing.InvalidationBatch.Paths) !== JSON.stringify(batch.Paths)) {
          throw new AwsError("InvalidationBatchAlreadyExists", "Invalidation batch specified is already in progress.", 409);
        }
        return { Invalidation: existing, Location: invalidationLocation(r.id, existing.Id) };
      }
      deps.invalidate(r.id, paths);
      // The local edge drops its cache at once, so the invalidation is done when it is answered.
      const inv = { Id: ids.invalidationId(), Status: "Completed", CreateTime: new Date().toISOString(), InvalidationBatch: batch };
      store.putInvalidation(r.id, inv);
      return { Invalidation: inv, Location: invalidationLocation(r.id, inv.Id) };
    },
    GetInvalidation: (input) => {
      read(input?.DistributionId);
      const inv = store.getInvalidation(input.DistributionId, input.Id);
      if (!inv) throw noSuch("Invalidation", "The specified invalidation does not exist.");
      return { Invalidation: inv };
    },
    ListInvalidations: (input) => {
      const r = read(input?.DistributionId);
      const all = store.listInvalidations(r.id).map((i) => ({ Id: i.Id, CreateTime: i.CreateTime, Status: i.Status }));
      const max = Number(input?.MaxItems ?? 100);
      const page = all.slice(0, max);
      return { InvalidationList: { Marker: input?.Marker ?? "", MaxItems: max, IsTruncated: all.length > max, Quantity: page.length, Items: page } };
    },
  };
}

function invalidationLocation(distributionId: string, id: string): string {
  return `https://cloudfront.amazonaws.com/2020-05-31/distribution/${distributionId}/invalidation/${id}`;
}

function summary(d: any) {
  const dc = d.DistributionConfig;
  return {
    Id: d.Id, ARN: d.ARN, Status: d.Status, LastModifiedTime: d.LastModifiedTime, DomainName: d.DomainName,
    Aliases: dc.Aliases ?? { Quantity: 0 }, Origins: dc.Origins, OriginGroups: dc.OriginGroups ?? { Quantity: 0 },
    DefaultCacheBehavior: dc.DefaultCacheBehavior, CacheBehaviors: dc.CacheBehaviors ?? { Quantity: 0 },
    CustomErrorResponses: dc.CustomErrorResponses ?? { Quantity: 0 }, Comment: dc.Comment, PriceClass: dc.PriceClass ?? "PriceClass_All",
    Enabled: dc.Enabled, ViewerCertificate: dc.ViewerCertificate ?? { CloudFrontDefaultCertificate: true },
    Restrictions: dc.Restrictions ?? { GeoRestriction: { RestrictionType: "none", Quantity: 0 } }, WebACLId: dc.WebACLId ?? "",
    HttpVersion: dc.HttpVersion ?? "http2", IsIPV6Enabled: dc.IsIPV6Enabled ?? false, Staging: false,
  };
}
