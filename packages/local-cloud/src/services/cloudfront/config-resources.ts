/**
 * The CloudFront resources that are "a config with an id and an ETag": cache,
 * origin-request and response-headers policies, origin access identities and origin
 * access controls. Each gets Create/Get/GetConfig/Update/Delete/List operations with
 * CloudFront's names, ETag rules and errors; policies AWS manages are listed and
 * readable but not writable.
 */
import { AwsError } from "../../server/aws-error.js";
import { checkIfMatch, invalidArgument, noSuch } from "./errors.js";
import * as ids from "./ids.js";
import { MANAGED_CACHE_POLICIES, MANAGED_ORIGIN_REQUEST_POLICIES, MANAGED_RESPONSE_HEADERS_POLICIES } from "./managed-policies.js";
import type { CloudFrontStore, ResourceKind } from "./store.js";

export type Operation = (input: any) => any;

interface ConfigKind {
  kind: ResourceKind;
  /** Operation noun: CreateCachePolicy, GetCachePolicyConfig … */
  noun: string;
  /** List operation name (ListCachePolicies). */
  listOperation: string;
  /** The config member (CachePolicyConfig) and the resource member (CachePolicy). */
  config: string;
  resource: string;
  listName: string;
  managed?: Record<string, any>;
  newId(): string;
  /** Extra members of the resource besides Id and the config. */
  extra(id: string): Record<string, unknown>;
  /** Summary of one item in a list. */
  summary(resource: any, managed: boolean): any;
  validate(config: any): void;
  /** Distributions using it (a resource in use cannot be deleted). */
  inUseMessage: string;
  usedBy(id: string, distributionConfigs: any[]): boolean;
}

const requireName = (config: any, what: string) => {
  if (config.Name === "") throw invalidArgument(`The ${what} name is required.`);
};

const behaviors = (dc: any): any[] => [dc.DefaultCacheBehavior, ...(dc.CacheBehaviors?.Items ?? [])].filter(Boolean);

const KINDS: ConfigKind[] = [
  {
    kind: "cache-policy", noun: "CachePolicy", listOperation: "ListCachePolicies", config: "CachePolicyConfig", resource: "CachePolicy",
    listName: "CachePolicyList", managed: MANAGED_CACHE_POLICIES, newId: ids.policyId, extra: () => ({ LastModifiedTime: new Date().toISOString() }),
    summary: (r, managed) => ({ Type: managed ? "managed" : "custom", CachePolicy: r }),
    validate: (c) => {
      requireName(c, "cache policy");
      if (c.MaxTTL !== undefined && c.MaxTTL < c.MinTTL) throw invalidArgument("MaxTTL must be greater than or equal to MinTTL.");
    },
    inUseMessage: "Cannot delete the cache policy because it is attached to one or more cache behaviors.",
    usedBy: (id, dcs) => dcs.some((dc) => behaviors(dc).some((b) => b.CachePolicyId === id)),
  },
  {
    kind: "origin-request-policy", noun: "OriginRequestPolicy", listOperation: "ListOriginRequestPolicies", config: "OriginRequestPolicyConfig",
    resource: "OriginRequestPolicy", listName: "OriginRequestPolicyList", managed: MANAGED_ORIGIN_REQUEST_POLICIES, newId: ids.policyId,
    extra: () => ({ LastModifiedTime: new Date().toISOString() }),
    summary: (r, managed) => ({ Type: managed ? "managed" : "custom", OriginRequestPolicy: r }),
    validate: (c) => requireName(c, "origin request policy"),
    inUseMessage: "Cannot delete the origin request policy because it is attached to one or more cache behaviors.",
    usedBy: (id, dcs) => dcs.some((dc) => behaviors(dc).some((b) => b.OriginRequestPolicyId === id)),
  },
  {
    kind: "response-headers-policy", noun: "ResponseHeadersPolicy", listOperation: "ListResponseHeadersPolicies",
    config: "ResponseHeadersPolicyConfig", resource: "ResponseHeadersPolicy", listName: "ResponseHeadersPolicyList",
    managed: MANAGED_RESPONSE_HEADERS_POLICIES, newId: ids.policyId, extra: () => ({ LastModifiedTime: new Date().toISOString() }),
    summary: (r, managed) => ({ Type: managed ? "managed" : "custom", ResponseHeadersPolicy: r }),
    validate: (c) => requireName(c, "response headers policy"),
    inUseMessage: "Cannot delete the response headers policy because it is attached to one or more cache behaviors.",
    usedBy: (id, dcs) => dcs.some((dc) => behaviors(dc).some((b) => b.ResponseHeadersPolicyId === id)),
  },
  {
    kind: "origin-access-identity", noun: "CloudFrontOriginAccessIdentity", listOperation: "ListCloudFrontOriginAccessIdentities",
    config: "CloudFrontOriginAccessIdentityConfig", resource: "CloudFrontOriginAccessIdentity", listName: "CloudFrontOriginAccessIdentityList",
    newId: ids.accessIdentityId, extra: () => ({ S3CanonicalUserId: ids.canonicalUserId() }),
    summary: (r) => ({ Id: r.Id, S3CanonicalUserId: r.S3CanonicalUserId, Comment: r.CloudFrontOriginAccessIdentityConfig.Comment }),
    validate: (c) => {
      if (c.CallerReference === "") throw invalidArgument("The parameter CallerReference is required.");
    },
    inUseMessage: "The CloudFront origin access identity is still being used.",
    usedBy: (id, dcs) => dcs.some((dc) => (dc.Origins?.Items ?? []).some((o: any) => o.S3OriginConfig?.OriginAccessIdentity === `origin-access-identity/cloudfront/${id}`)),
  },
  {
    kind: "origin-access-control", noun: "OriginAccessControl", listOperation: "ListOriginAccessControls", config: "OriginAccessControlConfig",
    resource: "OriginAccessControl", listName: "OriginAccessControlList", newId: ids.accessIdentityId, extra: () => ({}),
    summary: (r) => {
      const c = r.OriginAccessControlConfig;
      return { Id: r.Id, Description: c.Description ?? "", Name: c.Name, SigningProtocol: c.SigningProtocol, SigningBehavior: c.SigningBehavior, OriginAccessControlOriginType: c.OriginAccessControlOriginType };
    },
    validate: (c) => requireName(c, "origin access control"),
    inUseMessage: "The origin access control is being used.",
    usedBy: (id, dcs) => dcs.some((dc) => (dc.Origins?.Items ?? []).some((o: any) => o.OriginAccessControlId === id)),
  },
];

const NOT_FOUND_MESSAGE: Record<string, string> = {
  CachePolicy: "The cache policy does not exist.",
  OriginRequestPolicy: "The origin request policy does not exist.",
  ResponseHeadersPolicy: "The response headers policy does not exist.",
  CloudFrontOriginAccessIdentity: "The specified origin access identity does not exist.",
  OriginAccessControl: "The origin access control does not exist.",
};

/** The operations of every config resource kind, by operation name. */
export function configResourceOperations(store: CloudFrontStore): Record<string, Operation> {
  const ops: Record<string, Operation> = {};
  for (const k of KINDS) {
    const notFound = () => noSuch(k.noun, NOT_FOUND_MESSAGE[k.noun]!);
    const read = (id: unknown): { etag: string; doc: any; managed: boolean } => {
      if (typeof id !== "string" || id === "") throw notFound();
      const managed = k.managed?.[id];
      if (managed) return { etag: "E23ZP02F085DFQ", doc: { Id: id, LastModifiedTime: "2020-10-23T00:00:00.000Z", [k.config]: managed }, managed: true };
      const stored = store.get(k.kind, id);
      if (!stored) throw notFound();
      return { etag: stored.etag, doc: stored.doc, managed: false };
    };
    const refuseManaged = (managed: boolean) => {
      if (managed) throw new AwsError("IllegalUpdate", `Managed ${k.noun} cannot be modified or deleted.`, 400);
    };

    ops[`Create${k.noun}`] = (input) => {
      const config = input[k.config];
      k.validate(config);
      if (config.Name && store.list(k.kind).some((r) => r.doc[k.config].Name === config.Name)) {
        throw new AwsError(`${k.noun}AlreadyExists`, `A ${k.noun} with the name ${config.Name} already exists.`, 409);
      }
      if (config.CallerReference && k.kind === "origin-access-identity") {
        const same = store.list(k.kind).find((r) => r.doc[k.config].CallerReference === config.CallerReference);
        if (same) {
          if (JSON.stringify(same.doc[k.config]) === JSON.stringify(config)) return { [k.resource]: same.doc, ETag: same.etag, Location: location(k, same.id) };
          throw new AwsError("CloudFrontOriginAccessIdentityAlreadyExists", "If the CallerReference is a value you already sent in a previous request to create an identity but the content of the CloudFrontOriginAccessIdentityConfig is different from the original request, CloudFront returns a CloudFrontOriginAccessIdentityAlreadyExists error.", 409);
        }
      }
      const id = k.newId();
      const doc = { Id: id, ...k.extra(id), [k.config]: config };
      const etag = ids.etag();
      store.put(k.kind, { id, etag, doc });
      return { [k.resource]: doc, ETag: etag, Location: location(k, id) };
    };
    ops[`Get${k.noun}`] = (input) => {
      const r = read(input?.Id);
      return { [k.resource]: r.doc, ETag: r.etag };
    };
    ops[`Get${k.noun}Config`] = (input) => {
      const r = read(input?.Id);
      return { [k.config]: r.doc[k.config], ETag: r.etag };
    };
    ops[`Update${k.noun}`] = (input) => {
      const r = read(input?.Id);
      refuseManaged(r.managed);
      checkIfMatch(input.IfMatch, r.etag);
      const config = input[k.config];
      k.validate(config);
      if (k.kind === "origin-access-identity" && config.CallerReference !== r.doc[k.config].CallerReference) {
        throw new AwsError("IllegalUpdate", "The CallerReference of an origin access identity cannot be changed.", 400);
      }
      const doc = { ...r.doc, ...(r.doc.LastModifiedTime ? { LastModifiedTime: new Date().toISOString() } : {}), [k.config]: config };
      const etag = ids.etag();
      store.put(k.kind, { id: input.Id, etag, doc });
      return { [k.resource]: doc, ETag: etag };
    };
    ops[`Delete${k.noun}`] = (input) => {
      const r = read(input?.Id);
      refuseManaged(r.managed);
      checkIfMatch(input.IfMatch, r.etag);
      const configs = store.list("distribution").map((d) => d.doc.DistributionConfig);
      if (k.usedBy(input.Id, configs)) throw new AwsError(`${k.noun}InUse`, k.inUseMessage, 409);
      store.delete(k.kind, input.Id);
      return {};
    };
    ops[k.listOperation] = (input) => {
      const type = input?.Type;
      const items: any[] = [];
      if (k.managed && type !== "custom") {
        for (const [id, config] of Object.entries(k.managed)) items.push(k.summary({ Id: id, LastModifiedTime: "2020-10-23T00:00:00.000Z", [k.config]: config }, true));
      }
      if (type !== "managed") for (const r of store.list(k.kind)) items.push(k.summary(r.doc, false));
      const max = Number(input?.MaxItems ?? 100);
      const start = input?.Marker ? Number(input.Marker) || 0 : 0;
      const page = items.slice(start, start + max);
      const more = start + max < items.length;
      const list: Record<string, unknown> = { MaxItems: max, Quantity: page.length, Items: page };
      if (k.kind === "origin-access-identity" || k.kind === "origin-access-control") {
        Object.assign(list, { Marker: input?.Marker ?? "", IsTruncated: more, ...(more ? { NextMarker: String(start + max) } : {}) });
      } else if (more) list.NextMarker = String(start + max);
      return { [k.listName]: list };
    };
  }
  return ops;
}

/**
 * The ARN of the config resource a Get/Update/Delete operation names by id, for its IAM
 * check (`arn:aws:cloudfront::{account}:cache-policy/{id}`); undefined for other operations.
 */
export function configResourceArn(accountId: string, operation: string, id: string): string | undefined {
  const k = KINDS.find((x) => new RegExp(`^(Get|Update|Delete)${x.noun}(Config)?$`).test(operation));
  if (!k) return undefined;
  return `arn:aws:cloudfront::${accountId}:${k.kind}/${id}`;
}

function location(k: ConfigKind, id: string): string {
  const path = { "cache-policy": "cache-policy", "origin-request-policy": "origin-request-policy", "response-headers-policy": "response-headers-policy", "origin-access-identity": "origin-access-identity/cloudfront", "origin-access-control": "origin-access-control", distribution: "distribution", function: "function" }[k.kind];
  return `https://cloudfront.amazonaws.com/2020-05-31/${path}/${id}`;
}

/** The config of a policy by id, managed or the account's own (the CDN reads them). */
export function findPolicyConfig(store: CloudFrontStore, kind: "cache-policy" | "origin-request-policy" | "response-headers-policy", id: string): any | undefined {
  const managed = { "cache-policy": MANAGED_CACHE_POLICIES, "origin-request-policy": MANAGED_ORIGIN_REQUEST_POLICIES, "response-headers-policy": MANAGED_RESPONSE_HEADERS_POLICIES }[kind][id];
  if (managed) return managed;
  const k = KINDS.find((x) => x.kind === kind)!;
  return store.get(kind, id)?.doc[k.config];
}
