/**
 * The local edge: answers a viewer's request to `{id}.cloudfront.localhost:{port}` the
 * way a CloudFront edge location would — pick the cache behaviour by path pattern, run
 * its viewer-request function, serve from the edge cache or the origin (S3 bucket,
 * HTTP origin, origin group with failover), replace errors with the custom error
 * responses, add the response headers policy, run the viewer-response function.
 *
 * Differences from AWS, on purpose: plain HTTP only (ViewerProtocolPolicy is not
 * enforced, there is no TLS on loopback), no compression at the edge, no Lambda@Edge,
 * S3 origins are read as the distribution's origin identity without checking the
 * bucket policy, and errors are not cached.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { AwsRequest, AwsResponse } from "../../../types.js";
import { findPolicyConfig } from "../config-resources.js";
import { liveFunction } from "../functions.js";
import type { FunctionRuntime } from "../function-runtime.js";
import type { CloudFrontStore } from "../store.js";
import { EdgeCache, ttlFor, type Ttls } from "./cache.js";
import {
  cacheKey, cachePolicySelection, forwardedValuesSelection, originHeaders, originQuery, originRequestPolicySelection, parseCookies,
  union, asSeenOverTls, type Selection, type ViewerRequest,
} from "./forwarding.js";
import {
  functionContext, isGeneratedResponse, requestEventPart, requestFromEvent, responseEventPart, responseFromEvent, type EdgeResponse,
} from "./function-events.js";
import { matchesPathPattern } from "./path-pattern.js";
import { originRequestEvent, originRequestResult, type OriginRequest } from "./lambda-edge.js";
import { applyResponseHeadersPolicy } from "./response-headers.js";

export interface EdgeDeps {
  store: CloudFrontStore;
  runtime: FunctionRuntime;
  cache: EdgeCache;
  domainName(id: string): string;
  /** Read an object as the distribution's origin identity. */
  getObject(bucket: string, key: string, headers: Record<string, string>): Promise<EdgeResponse>;
  /** host:port values that are the local cloud itself (origins there are served in-process). */
  isLocalHost(hostPort: string): boolean;
  /** Serve a request addressed to the local cloud itself (a function URL, an API). */
  dispatchLocal(req: AwsRequest): Promise<AwsResponse>;
  /** Invoke a Lambda@Edge function version with an event: its result, or the error it failed with. */
  invokeEdgeFunction(qualifiedArn: string, event: unknown): Promise<unknown>;
}

const CF_ERROR = (status: number, title: string, detail: string) =>
  `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY>\n<H1>${status} ${title}</H1>\n<H2>The request could not be satisfied.</H2>\n<HR noshade size="1px">\n${detail}\n</BODY></HTML>`;

function errorPage(status: number, title: string, detail: string): EdgeResponse {
  return { status, headers: { "content-type": "text/html", server: "CloudFront", "x-cache": "Error from cloudfront" }, body: Buffer.from(CF_ERROR(status, title, detail)) };
}

const items = (x: any): any[] => (Array.isArray(x?.Items) ? x.Items : []);

export class Edge {
  constructor(private readonly deps: EdgeDeps) {}

  async serve(req: AwsRequest, distributionId: string): Promise<AwsResponse> {
    const stored = this.deps.store.get("distribution", distributionId);
    const requestId = randomUUID().replace(/-/g, "").slice(0, 24);
    let res: EdgeResponse;
    if (!stored) {
      res = errorPage(404, "ERROR", "The distribution does not exist (it may have been deleted).");
    } else {
      try {
        res = await this.serveDistribution(req, stored.doc, requestId);
      } catch (err) {
        console.error(`[local-cloud] cloudfront ${distributionId} failed`, err);
        res = errorPage(502, "ERROR", "CloudFront wasn't able to connect to the origin.");
      }
    }
    res.headers["x-amz-cf-pop"] = "LOCAL";
    res.headers["x-amz-cf-id"] = requestId;
    if (!res.headers.via) res.headers.via = `1.1 ${distributionId.toLowerCase()}.cloudfront.localhost (CloudFront)`;
    return { status: res.status, headers: res.headers as Record<string, string>, body: req.method === "HEAD" ? undefined : res.body };
  }

  private async serveDistribution(req: AwsRequest, doc: any, requestId: string): Promise<EdgeResponse> {
    const dc = doc.DistributionConfig;
    if (!dc.Enabled) return errorPage(403, "ERROR", "The distribution is disabled.");
    let viewer: ViewerRequest = {
      method: req.method,
      uri: req.path || "/",
      query: [...req.query.entries()],
      headers: asSeenOverTls(req.headers),
      cookies: parseCookies(req.headers.cookie),
      body: req.body,
    };
    const behavior = this.behaviorFor(dc, viewer.uri);
    const allowed: string[] = items(behavior.AllowedMethods).length ? items(behavior.AllowedMethods) : ["GET", "HEAD"];
    if (!allowed.includes(viewer.method)) {
      return errorPage(403, "ERROR", "This distribution is not configured to allow the HTTP request method that was used for this request.");
    }
    const domain = this.deps.domainName(doc.Id);
    const viewerRequestFn = items(behavior.FunctionAssociations).find((f: any) => f.EventType === "viewer-request");
    if (viewerRequestFn) {
      const out = await this.runFunction(viewerRequestFn.FunctionARN, {
        version: "1.0",
        context: functionContext(doc.Id, domain, "viewer-request", requestId),
        viewer: { ip: "127.0.0.1" },
        request: requestEventPart(viewer),
      });
      if (out instanceof Error) return errorPage(503, "ERROR", `The CloudFront function associated with the request failed: ${out.message}`);
      if (isGeneratedResponse(out)) return responseFromEvent(out);
      if (out && typeof out === "object") viewer = requestFromEvent(viewer, out);
    }
    if (viewer.uri === "/" && dc.DefaultRootObject) viewer = { ...viewer, uri: `/${dc.DefaultRootObject}` };

    let res = await this.fetchThroughCache(doc, behavior, viewer);
    if (res.status >= 400) res = await this.customErrorResponse(doc, res);
    if (behavior.ResponseHeadersPolicyId) {
      const policy = findPolicyConfig(this.deps.store, "response-headers-policy", behavior.ResponseHeadersPolicyId);
      if (policy) applyResponseHeadersPolicy(policy, viewer, res);
    }
    const viewerResponseFn = items(behavior.FunctionAssociations).find((f: any) => f.EventType === "viewer-response");
    if (viewerResponseFn) {
      const out = await this.runFunction(viewerResponseFn.FunctionARN, {
        version: "1.0",
        context: functionContext(doc.Id, domain, "viewer-response", requestId),
        viewer: { ip: "127.0.0.1" },
        request: requestEventPart(viewer),
        response: responseEventPart(res),
      });
      if (out instanceof Error) return errorPage(503, "ERROR", `The CloudFront function associated with the response failed: ${out.message}`);
      if (out && typeof out === "object") res = { ...responseFromEvent(out, res.body) };
    }
    return res;
  }

  /** The first cache behaviour whose path pattern matches, else the default one. */
  private behaviorFor(dc: any, uri: string): any {
    return items(dc.CacheBehaviors).find((b: any) => matchesPathPattern(b.PathPattern, uri)) ?? dc.DefaultCacheBehavior;
  }

  private async runFunction(arn: string, event: unknown): Promise<any> {
    const fn = liveFunction(this.deps.store, arn);
    if (!fn) return new Error(`function ${arn} is not published`);
    try {
      return await this.deps.runtime.run(fn.key, fn.code, event);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private selections(behavior: any): { key: Selection; forward: Selection; ttls: Ttls | undefined; encodings: { gzip: boolean; br: boolean } } {
    if (behavior.CachePolicyId) {
      const cp = findPolicyConfig(this.deps.store, "cache-policy", behavior.CachePolicyId);
      const key = cachePolicySelection(cp);
      const orp = behavior.OriginRequestPolicyId ? findPolicyConfig(this.deps.store, "origin-request-policy", behavior.OriginRequestPolicyId) : undefined;
      const p = cp?.ParametersInCacheKeyAndForwardedToOrigin ?? {};
      return {
        key,
        forward: orp ? union(key, originRequestPolicySelection(orp)) : key,
        ttls: cp ? { MinTTL: cp.MinTTL ?? 0, DefaultTTL: cp.DefaultTTL ?? 86400, MaxTTL: cp.MaxTTL ?? 31536000 } : undefined,
        encodings: { gzip: !!p.EnableAcceptEncodingGzip, br: !!p.EnableAcceptEncodingBrotli },
      };
    }
    const sel = forwardedValuesSelection(behavior.ForwardedValues);
    return {
      key: sel,
      forward: sel,
      ttls: { MinTTL: behavior.MinTTL ?? 0, DefaultTTL: behavior.DefaultTTL ?? 86400, MaxTTL: behavior.MaxTTL ?? 31536000 },
      encodings: { gzip: false, br: false },
    };
  }

  private async fetchThroughCache(doc: any, behavior: any, viewer: ViewerRequest): Promise<EdgeResponse> {
    const { key, forward, ttls, encodings } = this.selections(behavior);
    const cacheable = (viewer.method === "GET" || viewer.method === "HEAD") && ttls !== undefined;
    const k = cacheable ? cacheKey(viewer, key, encodings) : "";
    if (cacheable) {
      const hit = this.deps.cache.get(doc.Id, k);
      if (hit) {
        const age = Math.floor((Date.now() - hit.storedAt) / 1000);
        return { status: hit.status, headers: { ...hit.headers, age: String(age), "x-cache": "Hit from cloudfront" }, body: hit.body };
      }
    }
    const res = await this.fetchOrigin(doc, behavior, behavior.TargetOriginId, viewer, forward, new Set());
    const ttl = cacheable ? ttlFor(res.status, headerValue(res.headers["cache-control"]), ttls!) : 0;
    if (ttl > 0) {
      const now = Date.now();
      this.deps.cache.put(doc.Id, k, viewer.uri, { status: res.status, headers: { ...res.headers }, body: res.body, storedAt: now, expiresAt: now + ttl * 1000 });
    }
    res.headers["x-cache"] = ttl > 0 ? "Miss from cloudfront" : res.headers["x-cache"] ?? "Miss from cloudfront";
    return res;
  }

  private async fetchOrigin(doc: any, behavior: any, targetId: string, viewer: ViewerRequest, forward: Selection, seen: Set<string>): Promise<EdgeResponse> {
    const dc = doc.DistributionConfig;
    const group = items(dc.OriginGroups).find((g: any) => g.Id === targetId);
    if (group && !seen.has(targetId)) {
      seen.add(targetId);
      const members = items(group.Members).map((m: any) => m.OriginId);
      const failover = new Set(items(group.FailoverCriteria?.StatusCodes).map(Number));
      let res: EdgeResponse | undefined;
      for (const id of members) {
        res = await this.fetchOrigin(doc, behavior, id, viewer, forward, seen);
        if (!failover.has(res.status)) return res;
      }
      return res ?? errorPage(502, "ERROR", "The origin group has no members.");
    }
    const origin = items(dc.Origins).find((o: any) => o.Id === targetId);
    if (!origin) return errorPage(502, "ERROR", `No origin ${targetId}.`);
    const headers = originHeaders(viewer, forward, origin.DomainName, "127.0.0.1");
    for (const h of items(origin.CustomHeaders)) headers[String(h.HeaderName).toLowerCase()] = String(h.HeaderValue);
    const bucket = s3BucketOf(origin);
    // An origin recorded as a URL of the local cloud stays local even if the cloud
    // restarted on another port since the distribution was deployed.
    const prefix: string | undefined = doc.LocalOriginPathPrefixes?.[origin.Id];
    let request: OriginRequest = { method: viewer.method, uri: viewer.uri, querystring: originQuery(viewer, forward), headers, body: viewer.body };
    const edge = await this.runOriginRequestFunctions(doc, behavior, origin, bucket !== undefined, prefix, request);
    if ("response" in edge) return edge.response;
    request = edge.request;
    const path = `${origin.OriginPath ?? ""}${request.uri}`;
    if (bucket !== undefined) {
      if (request.method !== "GET" && request.method !== "HEAD") return errorPage(403, "ERROR", "S3 origins accept only GET and HEAD from this distribution.");
      let key: string;
      try {
        key = decodeURIComponent(path.replace(/^\//, ""));
      } catch {
        key = path.replace(/^\//, "");
      }
      return this.deps.getObject(bucket, key, request.headers);
    }
    if (prefix !== undefined || this.deps.isLocalHost(origin.DomainName)) {
      const out = await this.deps.dispatchLocal({
        requestId: randomUUID(),
        method: request.method,
        path: `${prefix ?? ""}${path}`,
        query: new URLSearchParams(request.querystring),
        headers: request.headers,
        body: request.body ?? Buffer.alloc(0),
        service: "",
        region: "",
        principal: { accessKeyId: "", arn: "anonymous", admin: false },
      });
      return { status: out.status, headers: { ...(out.headers ?? {}) }, body: await bodyBuffer(out.body) };
    }
    return this.fetchRemote(origin, path, request.querystring, { ...viewer, method: request.method, body: request.body }, request.headers);
  }

  /** The behaviour's Lambda@Edge origin-request functions, in order: a response ends the chain. */
  private async runOriginRequestFunctions(doc: any, behavior: any, origin: any, s3: boolean, prefix: string | undefined, request: OriginRequest): Promise<{ response: EdgeResponse } | { request: OriginRequest }> {
    const customHeaders: Record<string, string> = {};
    for (const h of items(origin.CustomHeaders)) customHeaders[String(h.HeaderName).toLowerCase()] = String(h.HeaderValue);
    for (const association of items(behavior.LambdaFunctionAssociations)) {
      if (association.EventType !== "origin-request") continue;
      const event = originRequestEvent(
        { distributionId: doc.Id, domainName: this.deps.domainName(doc.Id), requestId: randomUUID(), includeBody: association.IncludeBody === true || association.IncludeBody === "true" },
        request,
        { kind: s3 ? "s3" : "custom", domainName: origin.DomainName, path: `${prefix ?? ""}${origin.OriginPath ?? ""}`, customHeaders },
      );
      const out = await this.deps.invokeEdgeFunction(association.LambdaFunctionARN, event);
      if (out instanceof Error) {
        console.error(`[local-cloud] cloudfront ${doc.Id}: Lambda@Edge ${association.LambdaFunctionARN} failed: ${out.message}`);
        return { response: errorPage(503, "ERROR", "The Lambda function associated with the CloudFront distribution is invalid or doesn't have the required permissions.") };
      }
      let result: ReturnType<typeof originRequestResult>;
      try {
        result = originRequestResult(out, request);
      } catch {
        return { response: errorPage(502, "ERROR", "The Lambda function returned an invalid response or request.") };
      }
      if ("response" in result) return result;
      request = result.request;
    }
    return { request };
  }

  private async fetchRemote(origin: any, path: string, query: string, viewer: ViewerRequest, headers: Record<string, string>): Promise<EdgeResponse> {
    const policy = origin.CustomOriginConfig?.OriginProtocolPolicy ?? "https-only";
    const https = policy === "https-only";
    const port = https ? origin.CustomOriginConfig?.HTTPSPort ?? 443 : origin.CustomOriginConfig?.HTTPPort ?? 80;
    const url = `${https ? "https" : "http"}://${origin.DomainName}:${port}${path}${query ? `?${query}` : ""}`;
    const timeout = (origin.CustomOriginConfig?.OriginReadTimeout ?? 30) * 1000;
    try {
      const r = await fetch(url, {
        method: viewer.method,
        headers,
        body: viewer.method === "GET" || viewer.method === "HEAD" || !viewer.body ? undefined : new Uint8Array(viewer.body),
        redirect: "manual",
        signal: AbortSignal.timeout(timeout),
      });
      const out: Record<string, string | string[]> = {};
      r.headers.forEach((v, k) => {
        if (k !== "set-cookie" && k !== "content-encoding" && k !== "content-length") out[k] = v;
      });
      const cookies = r.headers.getSetCookie();
      if (cookies.length) out["set-cookie"] = cookies;
      return { status: r.status, headers: out, body: Buffer.from(await r.arrayBuffer()) };
    } catch (err) {
      const timedOut = (err as Error)?.name === "TimeoutError";
      return errorPage(timedOut ? 504 : 502, "ERROR", timedOut ? "CloudFront attempted to establish a connection with the origin, but the origin did not respond in time." : `CloudFront wasn't able to connect to the origin (${url}).`);
    }
  }

  /** The custom error response for an origin error: its page (through the distribution) and status. */
  private async customErrorResponse(doc: any, res: EdgeResponse): Promise<EdgeResponse> {
    const dc = doc.DistributionConfig;
    const rule = items(dc.CustomErrorResponses).find((r: any) => Number(r.ErrorCode) === res.status);
    if (!rule?.ResponsePagePath) return res;
    const pageViewer: ViewerRequest = { method: "GET", uri: rule.ResponsePagePath, query: [], headers: {}, cookies: [] };
    const behavior = this.behaviorFor(dc, pageViewer.uri);
    const page = await this.fetchThroughCache(doc, behavior, pageViewer);
    if (page.status >= 400) return res;
    const status = rule.ResponseCode ? Number(rule.ResponseCode) : res.status;
    return { ...page, status, headers: { ...page.headers } };
  }
}

/** The bucket behind an S3 origin (`{bucket}.s3.{region}.amazonaws.com` or `{bucket}.s3.amazonaws.com`), else undefined. */
export function s3BucketOf(origin: any): string | undefined {
  const m = /^(.+?)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(String(origin.DomainName ?? ""));
  if (!m) return undefined;
  if (origin.CustomOriginConfig && !origin.S3OriginConfig) return undefined; // an S3 website endpoint or a bucket reached as HTTP
  return m[1];
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(",") : v;
}

async function bodyBuffer(body: AwsResponse["body"]): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === "string") return Buffer.from(body);
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks);
  }
  return Buffer.from(body as Uint8Array);
}
