/**
 * Lambda@Edge on origin requests, as CloudFront runs it: the request about to go to an
 * origin — its headers as the origin would get them, the raw query string, the body
 * when the association includes it, the origin — is the function's event
 * (`Records[0].cf`); the function returns the request to send (changed or not) or a
 * response, which then stands for the origin's.
 *
 * Locally the function is the version the association names, in the local cloud's
 * Lambda (one region, where CloudFront would run a replica near the viewer). An origin
 * that is the local cloud itself (a function URL) shows its path prefix as the origin's
 * path, so a function that signs the request (SST's URL signer) signs what is sent.
 */
import type { EdgeResponse } from "./function-events.js";

export interface OriginRequest {
  method: string;
  /** The viewer's path (without the origin's path). */
  uri: string;
  /** Raw, as it will be sent. */
  querystring: string;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body?: Buffer;
}

export interface EdgeOrigin {
  /** "s3" for S3 origins, else "custom". */
  kind: "s3" | "custom";
  domainName: string;
  /** The origin's path (locally with the local cloud's path prefix for its own URLs). */
  path: string;
  customHeaders: Record<string, string>;
}

type CfHeaders = Record<string, { key: string; value: string }[]>;

function toCfHeaders(headers: Record<string, string | string[]>): CfHeaders {
  const out: CfHeaders = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = ([] as string[]).concat(value).map((v) => ({ key: name, value: v }));
  return out;
}

function fromCfHeaders(headers: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!headers || typeof headers !== "object") return out;
  for (const [name, list] of Object.entries(headers as Record<string, any>)) {
    if (!Array.isArray(list)) continue;
    out[name.toLowerCase()] = list.map((h) => String(h?.value ?? ""));
  }
  return out;
}

export function originRequestEvent(
  ctx: { distributionId: string; domainName: string; requestId: string; includeBody: boolean },
  req: OriginRequest,
  origin: EdgeOrigin,
) {
  const customHeaders = toCfHeaders(origin.customHeaders);
  const cfOrigin =
    origin.kind === "s3"
      ? { s3: { domainName: origin.domainName, path: origin.path, authMethod: "origin-access-identity", region: "us-east-1", customHeaders } }
      : { custom: { domainName: origin.domainName, port: 443, protocol: "https", path: origin.path, sslProtocols: ["TLSv1.2"], readTimeout: 30, keepaliveTimeout: 5, customHeaders } };
  return {
    Records: [
      {
        cf: {
          config: { distributionDomainName: ctx.domainName, distributionId: ctx.distributionId, eventType: "origin-request", requestId: ctx.requestId },
          request: {
            clientIp: "127.0.0.1",
            method: req.method,
            uri: req.uri,
            querystring: req.querystring,
            headers: toCfHeaders(req.headers),
            origin: cfOrigin,
            ...(ctx.includeBody ? { body: { inputTruncated: false, action: "read-only", encoding: "base64", data: (req.body ?? Buffer.alloc(0)).toString("base64") } } : {}),
          },
        },
      },
    ],
  };
}

/** What the function returned: a response to answer with, or the request to send on. */
export function originRequestResult(out: any, req: OriginRequest): { response: EdgeResponse } | { request: OriginRequest } {
  if (!out || typeof out !== "object") throw new Error("The Lambda function returned an invalid response or request.");
  if (out.status !== undefined) {
    const headers: Record<string, string | string[]> = {};
    for (const [name, values] of Object.entries(fromCfHeaders(out.headers))) headers[name] = values.length === 1 ? values[0]! : values;
    const body = typeof out.body === "string" ? Buffer.from(out.body, out.bodyEncoding === "base64" ? "base64" : "utf8") : Buffer.alloc(0);
    return { response: { status: Number(out.status), statusDescription: out.statusDescription, headers, body } };
  }
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(fromCfHeaders(out.headers))) headers[name] = values.join(",");
  let body = req.body;
  if (out.body && typeof out.body === "object" && out.body.action === "replace" && typeof out.body.data === "string") {
    body = Buffer.from(out.body.data, out.body.encoding === "base64" ? "base64" : "utf8");
  }
  return {
    request: {
      method: req.method,
      uri: typeof out.uri === "string" ? out.uri : req.uri,
      querystring: typeof out.querystring === "string" ? out.querystring : req.querystring,
      headers: out.headers ? headers : req.headers,
      body,
    },
  };
}
