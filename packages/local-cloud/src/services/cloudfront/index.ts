/**
 * CloudFront: the management API (REST-XML on the wire layer, from its published model:
 * wire/models/cloudfront.ts) for distributions, invalidations, CloudFront Functions,
 * cache / origin-request / response-headers policies and origin access identities and
 * controls; and the local edge that serves each distribution on
 * `http://{id}.cloudfront.localhost:{port}` (the kernel routes those hosts to
 * `serveDistribution`).
 */
import { AwsError } from "../../server/aws-error.js";
import type { ServiceDeps } from "../../kernel/kernel.js";
import type { AwsRequest, AwsResponse, CallContext, Service } from "../../types.js";
import { operationService, type OperationService } from "../../kernel/operation-service.js";
import type { OperationSpec, OperationSpecs } from "../../wire/operations.js";
import cloudfrontModel from "../../wire/models/cloudfront.js";
import { configResourceArn, configResourceOperations, type Operation } from "./config-resources.js";
import { distributionArn, distributionOperations } from "./distributions.js";
import { functionArn, functionOperations } from "./functions.js";
import { FunctionRuntime } from "./function-runtime.js";
import { CloudFrontStore } from "./store.js";
import { EdgeCache } from "./cdn/cache.js";
import { Edge } from "./cdn/edge.js";
import type { EdgeResponse } from "./cdn/function-events.js";
import { invalidArgument, malformedInput, XMLNS } from "./errors.js";
import { requestOwnEndpoint } from "./cdn/own-endpoint.js";

const S3_HEADERS: [string, string][] = [
  ["ContentType", "content-type"], ["CacheControl", "cache-control"], ["ContentEncoding", "content-encoding"],
  ["ContentDisposition", "content-disposition"], ["ContentLanguage", "content-language"], ["ETag", "etag"],
];

/** `{id}.cloudfront.localhost[:port]` → the distribution id, else undefined. */
export function distributionIdFromHost(host: string): string | undefined {
  const m = /^([a-z0-9]{14})\.cloudfront\.localhost(?::\d+)?$/i.exec(host);
  return m ? m[1]!.toUpperCase() : undefined;
}

/**
 * Local-only, in-process operation (no REST route reaches it): the path prefixes of
 * origins that are the local cloud itself, recorded by the CloudFormation provider
 * (see setLocalOriginPathPrefixes).
 */
export const LOCAL_ORIGIN_PATH_PREFIXES = "SetLocalOriginPathPrefixes";

export class CloudFrontService implements Service {
  readonly signingName = "cloudfront";
  readonly store: CloudFrontStore;
  private readonly runtime = new FunctionRuntime();
  private readonly cache = new EdgeCache();
  private readonly edge: Edge;
  private readonly api: OperationService;

  constructor(private readonly deps: ServiceDeps) {
    const { kernel } = deps;
    this.store = new CloudFrontStore(kernel.openDatabase("cloudfront"));
    const usesFunction = (arn: string) =>
      this.store.list("distribution").some((d) => {
        const dc = d.doc.DistributionConfig;
        return [dc.DefaultCacheBehavior, ...(dc.CacheBehaviors?.Items ?? [])].some((b: any) => (b?.FunctionAssociations?.Items ?? []).some((f: any) => f.FunctionARN === arn));
      });
    const implementations: Record<string, Operation> = {
      ...configResourceOperations(this.store),
      ...distributionOperations({
        store: this.store,
        accountId: kernel.accountId,
        domainName: (id) => this.domainName(id),
        isPublishedFunction: (arn) => {
          const name = /:function\/([^/]+)$/.exec(arn)?.[1];
          return !!(name && this.store.get("function", name)?.doc.live);
        },
        invalidate: (id, paths) => this.cache.invalidate(id, paths),
      }),
      ...functionOperations({ store: this.store, accountId: kernel.accountId, runtime: this.runtime, inUse: usesFunction }),
      ...this.tagOperations(),
    };
    this.api = operationService(kernel, {
      signingName: this.signingName,
      model: cloudfrontModel,
      operations: this.declare(implementations),
      restXml: { errorResponseNamespace: XMLNS },
      errors: {
        unknownOperation: (req) => new AwsError("InvalidArgument", req ? `No CloudFront operation at ${req.method} ${req.path}` : "Unknown CloudFront operation", 404),
        // CloudFront checks a request against its XML schema first: a body it cannot read,
        // or a member of the wrong type, is MalformedInput; a constraint, InvalidArgument.
        malformedBody: (message) => malformedInput(message),
        serialization: (message) => malformedInput(message),
        malformedValue: (message) => invalidArgument(message),
        validation: (message) => invalidArgument(message),
        accessDenied: (message) => new AwsError("AccessDenied", message, 403),
        internal: () => new AwsError("InternalError", "We encountered an internal error. Please try again.", 500),
      },
    });
    this.edge = new Edge({
      store: this.store,
      runtime: this.runtime,
      cache: this.cache,
      domainName: (id) => this.domainName(id),
      getObject: (bucket, key) => this.getObject(bucket, key),
      isLocalHost: (hostPort) => {
        const own = new URL(kernel.endpoint);
        return hostPort === own.host || hostPort === `127.0.0.1:${own.port}` || hostPort === `localhost:${own.port}`;
      },
      // Over HTTP to the cloud's own endpoint, as CloudFront reaches an origin.
      dispatchLocal: (req) => requestOwnEndpoint(kernel.endpoint, req),
      invokeEdgeFunction: async (arn, event) => {
        try {
          const out = await kernel.clients.lambda.call("Invoke", { FunctionName: arn, Payload: Buffer.from(JSON.stringify(event)) });
          const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
          if (out.FunctionError) {
            let message = text;
            try { message = JSON.parse(text).errorMessage ?? text; } catch { /* raw payload */ }
            return new Error(message);
          }
          return text ? JSON.parse(text) : undefined;
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      },
    });
  }

  /** The name a distribution answers on (lower case: browsers lower-case host names). */
  domainName(id: string): string {
    return `${id.toLowerCase()}.cloudfront.localhost:${new URL(this.deps.kernel.endpoint).port}`;
  }

  /**
   * Each model operation's IAM check — `cloudfront:<Operation>` on the distribution,
   * function, policy or origin access resource it names (Create and List name none: "*";
   * tagging names its resource's ARN) — and its implementation.
   */
  private declare(implementations: Record<string, Operation>): OperationSpecs<typeof cloudfrontModel, CallContext> {
    const account = this.deps.kernel.accountId;
    const specs: Record<string, OperationSpec<CallContext>> = {};
    for (const operation of Object.keys(cloudfrontModel.operations)) {
      const run = implementations[operation];
      if (!run) throw new Error(`cloudfront: operation ${operation} has no implementation`);
      specs[operation] = {
        iam: (input: any) => ({ action: `cloudfront:${operation}`, resource: resourceOf(account, operation, input) }),
        run: (input: any) => run(input),
      };
    }
    return specs as OperationSpecs<typeof cloudfrontModel, CallContext>;
  }

  handle(req: AwsRequest): Promise<AwsResponse> {
    return this.api.handle(req);
  }

  /** A model operation, or the local-only SetLocalOriginPathPrefixes (see there). */
  async call(operation: string, input: any, ctx?: Partial<CallContext>): Promise<any> {
    if (operation === LOCAL_ORIGIN_PATH_PREFIXES) {
      this.setLocalOriginPathPrefixes(String(input?.Id), input?.Prefixes ?? {});
      return {};
    }
    return this.api.call(operation, input, ctx);
  }

  /** The edge: serve a viewer request for distribution `id`. */
  serveDistribution(req: AwsRequest, id: string): Promise<AwsResponse> {
    return this.edge.serve(req, id);
  }

  /**
   * Local-only: an origin whose domain is the local cloud itself (a function URL's
   * host, once CloudFormation's Fn::Split has cut it from the URL) needs the URL's path
   * to reach the right function. The CloudFormation provider records it here; on AWS
   * the domain alone names the function.
   */
  setLocalOriginPathPrefixes(id: string, prefixes: Record<string, string>): void {
    const r = this.store.get("distribution", id);
    if (!r) return;
    this.store.put("distribution", { ...r, doc: { ...r.doc, LocalOriginPathPrefixes: prefixes } });
  }

  close(): void {
    this.runtime.close();
  }

  private async getObject(bucket: string, key: string): Promise<EdgeResponse> {
    try {
      const out: any = await this.deps.kernel.clients.s3.call("GetObject", { Bucket: bucket, Key: key });
      const headers: Record<string, string> = { server: "AmazonS3" };
      for (const [member, header] of S3_HEADERS) if (out[member] !== undefined) headers[header] = String(out[member]);
      if (out.LastModified) headers["last-modified"] = new Date(out.LastModified).toUTCString();
      for (const [k, v] of Object.entries(out.Metadata ?? {})) headers[`x-amz-meta-${k}`] = String(v);
      return { status: 200, headers, body: out.Body };
    } catch (err) {
      const code = (err as AwsError)?.code;
      // The origin identity may read objects but not list the bucket, so S3 answers a
      // missing key with 403 AccessDenied (which is why SPAs map 403 to index.html).
      const status = code === "NoSuchBucket" ? 404 : 403;
      const xmlCode = code === "NoSuchBucket" ? "NoSuchBucket" : "AccessDenied";
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlCode}</Code><Message>${xmlCode === "AccessDenied" ? "Access Denied" : "The specified bucket does not exist"}</Message></Error>`;
      return { status, headers: { "content-type": "application/xml", server: "AmazonS3" }, body: Buffer.from(body) };
    }
  }

  private tagOperations(): Record<string, Operation> {
    const resource = (input: any): string => {
      if (typeof input?.Resource !== "string" || !input.Resource.startsWith("arn:aws:cloudfront::")) throw invalidArgument("The parameter Resource is not a valid CloudFront ARN.");
      return input.Resource;
    };
    return {
      ListTagsForResource: (input) => ({ Tags: { Items: this.store.getTags(resource(input)) } }),
      TagResource: (input) => {
        const arn = resource(input);
        const tags = new Map(this.store.getTags(arn).map((t) => [t.Key, t]));
        for (const t of input.Tags?.Items ?? []) tags.set(t.Key, t);
        this.store.setTags(arn, [...tags.values()]);
        return {};
      },
      UntagResource: (input) => {
        const arn = resource(input);
        const drop = new Set<string>(input.TagKeys?.Items ?? []);
        this.store.setTags(arn, this.store.getTags(arn).filter((t) => !drop.has(t.Key)));
        return {};
      },
    };
  }
}

/** The resource an operation's IAM check names. */
function resourceOf(account: string, operation: string, input: any): string {
  if (typeof input.Resource === "string") return input.Resource;
  const id = input.DistributionId ?? (/Distribution/.test(operation) ? input.Id : undefined);
  if (typeof id === "string") return distributionArn(account, id);
  if (/Function$/.test(operation) && typeof input.Name === "string") return functionArn(account, input.Name);
  if (typeof input.Id === "string") return configResourceArn(account, operation, input.Id) ?? "*";
  return "*";
}
