/**
 * Comparing a template of ours with SST v2's, resource by resource, after removing
 * the differences that are known and documented (each one says why it is allowed).
 */

/** The Type an allowance gives a resource to leave it out of the comparison. */
export const DROPPED = "<not compared>";

export interface Allowance {
  why: string;
  /** Rewrites a resource (type, properties) of either template before comparing. */
  apply(logicalId: string, resource: any): void;
  /** Logical ids (and references to them) rewritten everywhere before comparing. */
  renameIds?: { pattern: RegExp; to: string };
}

const isAssetKey = (v: unknown) => typeof v === "string" && /^[0-9a-f]{64}(\.zip|\.[0-9a-f]{64})?$/.test(v);

function walk(value: any, fn: (v: any, key: string | undefined, parent: any) => void, key?: string, parent?: any): void {
  fn(value, key, parent);
  if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, fn, k, value);
}

/** What differs for reasons outside the sites, or by design. */
export const SITE_ALLOWANCES: Allowance[] = [
  {
    why: "asset file names are content hashes of archives and handler code that are ours (same files, other zips)",
    apply(_id, r) {
      walk(r.Properties, (v, k, parent) => {
        if (k && isAssetKey(v)) parent[k] = "<asset>";
      });
    },
  },
  {
    why: "deploy-time versions: Date.now() (Prewarmer, RevalidationResource) and the invalidator's hash of asset hashes",
    apply(_id, r) {
      if (["Custom::FunctionInvoker", "AWS::CloudFormation::CustomResource", "Custom::CloudFrontInvalidator"].includes(r.Type) && r.Properties?.version) r.Properties.version = "<version>";
    },
  },
  {
    why: "SST v2 tags every resource with sst:app and sst:stage (app-wide tagging, not part of the sites)",
    apply(_id, r) {
      const strip = (tags: any) => {
        if (Array.isArray(tags)) {
          const kept = tags.filter((t) => t?.Key !== "sst:app" && t?.Key !== "sst:stage");
          return kept.length ? kept : undefined;
        }
        if (tags && typeof tags === "object") {
          const { "sst:app": _a, "sst:stage": _s, ...rest } = tags;
          return Object.keys(rest).length ? rest : undefined;
        }
        return tags;
      };
      if (!r.Properties) return;
      if ("Tags" in r.Properties) {
        r.Properties.Tags = strip(r.Properties.Tags);
        if (r.Properties.Tags === undefined) delete r.Properties.Tags;
      }
      for (const replica of r.Properties.Replicas ?? []) {
        replica.Tags = strip(replica.Tags);
        if (replica.Tags === undefined) delete replica.Tags;
      }
    },
  },
  {
    why: "aws-cdk-lib's own handlers (auto-delete objects, log retention, the Provider framework) use the runtime of the aws-cdk-lib version installed",
    apply(id, r) {
      if (r.Type === "AWS::Lambda::Function" && /^(CustomS3AutoDeleteObjects|LogRetention|.*ProviderframeworkonEvent|.*CertificateRequestorFunction)/.test(id)) delete r.Properties.Runtime;
    },
  },
  {
    why: "the DynamoDB grant's statements come from aws-cdk-lib (newer versions put the stream actions in a statement of their own)",
    apply(_id, r) {
      const doc = r.Type === "AWS::IAM::Policy" ? r.Properties?.PolicyDocument : undefined;
      if (!doc) return;
      for (const s of doc.Statement ?? []) {
        if (Array.isArray(s.Action)) s.Action = s.Action.filter((a: string) => a !== "dynamodb:GetRecords" && a !== "dynamodb:GetShardIterator");
      }
      doc.Statement = (doc.Statement ?? []).filter((s: any) => !Array.isArray(s.Action) || s.Action.length > 0);
    },
  },
  {
    why: "binding parameters get the app's default removal policy here (app-wide, not part of the sites)",
    apply(_id, r) {
      if (r.Type === "AWS::SSM::Parameter") {
        delete r.DeletionPolicy;
        delete r.UpdateReplacePolicy;
      }
    },
  },
];

/**
 * With the app's default removal policy "destroy", SST v2 makes every bucket of the app
 * empty itself on removal, buckets of CDK patterns included (HttpsRedirect's); that is
 * the App's work (the non-site constructs'), and the site's own buckets do it already.
 */
export const REDIRECT_BUCKET_ALLOWANCE: Allowance = {
  why: "the app-wide auto-delete of HttpsRedirect's bucket (its policy, its Custom::S3AutoDeleteObjects, its tag)",
  apply(id, r) {
    if (/RedirectRedirectBucket(Policy|AutoDeleteObjectsCustomResource)/.test(id)) r.Type = DROPPED;
    else if (/RedirectRedirectBucket[0-9A-F]{8}$/.test(id) && Array.isArray(r.Properties?.Tags)) {
      r.Properties.Tags = r.Properties.Tags.filter((t: any) => t.Key !== "aws-cdk:auto-delete-objects");
      if (r.Properties.Tags.length === 0) delete r.Properties.Tags;
    }
  },
};

/**
 * SST v2 copies the source maps of the functions it bundles from a handler to its
 * bootstrap bucket (Custom::SourcemapUploader, one per stack). The App's source map
 * registry comes with the non-site constructs (the `templates` work); site server
 * functions bundled from a handler leave their map out of the code until then.
 */
export const SOURCEMAP_ALLOWANCE: Allowance = {
  why: "SST v2's sourcemap uploader (Custom::SourcemapUploader and its policy) for functions bundled from a handler",
  apply(id, r) {
    if (r.Type === "Custom::SourcemapUploader" || /^SourcemapUploaderPolicy/.test(id)) {
      r.Type = DROPPED;
    }
  },
};

/**
 * A Lambda@Edge version's logical id ends with a hash of its function's parameters,
 * which hold the code's asset key (a content hash of code that is ours).
 */
export const EDGE_VERSION_ALLOWANCE: Allowance = {
  why: "Custom::SSTEdgeLambdaVersion logical ids end with a hash of the function's parameters, asset key included",
  apply() {},
  renameIds: { pattern: /(EdgeLambdaVersion[0-9A-F]{8})[0-9a-f]{32}/g, to: "$1<hash>" },
};

/** Differences between two templates' resources after the allowances, as readable lines. */
export function templateDifferences(sst: any, ours: any, allowances: Allowance[]): string[] {
  const norm = (t: any) => {
    let text = JSON.stringify(t.Resources ?? {});
    for (const a of allowances) if (a.renameIds) text = text.replace(a.renameIds.pattern, a.renameIds.to);
    const resources = JSON.parse(text);
    for (const [id, r] of Object.entries<any>(resources)) {
      for (const a of allowances) a.apply(id, r);
      if (r.Type === DROPPED) delete resources[id];
    }
    return resources;
  };
  const a = norm(sst), b = norm(ours);
  const out: string[] = [];
  for (const id of Object.keys(a)) if (!(id in b)) out.push(`only in SST v2: ${id} (${a[id].Type})`);
  for (const id of Object.keys(b)) if (!(id in a)) out.push(`only in ours: ${id} (${b[id].Type})`);
  for (const id of Object.keys(a)) {
    if (!(id in b)) continue;
    for (const field of ["Type", "Properties", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Condition"]) {
      const x = stable(a[id][field]), y = stable(b[id][field]);
      if (x !== y) out.push(`${id}.${field}: SST v2 ${x?.slice(0, 300)} | ours ${y?.slice(0, 300)}`);
    }
  }
  return out;
}

function stable(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return JSON.stringify(v, (_k, val) => (val && typeof val === "object" && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([x], [y]) => x.localeCompare(y))) : val));
}
