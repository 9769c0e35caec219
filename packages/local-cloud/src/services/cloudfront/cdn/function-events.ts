/**
 * The event objects CloudFront Functions receive and what they may return: a request
 * (viewer request, possibly changed), a response generated at the edge, or a response
 * changed on its way to the viewer.
 */
import type { ViewerRequest } from "./forwarding.js";

type ValueMap = Record<string, { value: string; multiValue?: { value: string }[] }>;

function toValueMap(pairs: [string, string][]): ValueMap {
  const out: ValueMap = {};
  for (const [k, v] of pairs) {
    const existing = out[k];
    if (!existing) out[k] = { value: v };
    else (existing.multiValue ??= [{ value: existing.value }]).push({ value: v });
  }
  return out;
}

function fromValueMap(map: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (!map || typeof map !== "object") return out;
  for (const [k, entry] of Object.entries(map as Record<string, any>)) {
    if (!entry || typeof entry !== "object") continue;
    if (Array.isArray(entry.multiValue) && entry.multiValue.length) for (const m of entry.multiValue) out.push([k, String(m?.value ?? "")]);
    else out.push([k, String(entry.value ?? "")]);
  }
  return out;
}

export interface EdgeResponse {
  status: number;
  statusDescription?: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export function functionContext(distributionId: string, domain: string, eventType: string, requestId: string) {
  return { distributionDomainName: domain, distributionId, eventType, requestId };
}

export function requestEventPart(req: ViewerRequest) {
  return {
    method: req.method,
    uri: req.uri,
    querystring: toValueMap(req.query),
    headers: toValueMap(Object.entries(req.headers).filter(([k]) => k !== "cookie")),
    cookies: toValueMap(req.cookies),
  };
}

/** Apply a viewer-request function's returned request (uri, query, headers, cookies). */
export function requestFromEvent(original: ViewerRequest, r: any): ViewerRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of fromValueMap(r.headers)) headers[k.toLowerCase()] = headers[k.toLowerCase()] ? `${headers[k.toLowerCase()]},${v}` : v;
  return {
    method: original.method,
    uri: typeof r.uri === "string" ? r.uri : original.uri,
    query: r.querystring ? fromValueMap(r.querystring) : original.query,
    headers,
    cookies: r.cookies ? fromValueMap(r.cookies) : original.cookies,
    body: original.body,
  };
}

/** Whether a viewer-request function returned a response instead of a request. */
export function isGeneratedResponse(r: any): boolean {
  return !!r && typeof r === "object" && r.statusCode !== undefined && r.uri === undefined;
}

export function responseEventPart(res: EdgeResponse) {
  const pairs: [string, string][] = [];
  const cookies: [string, string][] = [];
  for (const [k, v] of Object.entries(res.headers)) {
    for (const value of Array.isArray(v) ? v : [v]) {
      if (k === "set-cookie") {
        const i = value.indexOf("=");
        cookies.push([value.slice(0, i), value.slice(i + 1)]);
      } else pairs.push([k, value]);
    }
  }
  return { statusCode: res.status, statusDescription: res.statusDescription ?? "", headers: toValueMap(pairs), cookies: toValueMap(cookies) };
}

/** A response a function produced (generated at viewer request, or changed at viewer response). */
export function responseFromEvent(r: any, bodyIfUnchanged?: Buffer): EdgeResponse {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of fromValueMap(r.headers)) {
    const name = k.toLowerCase();
    const prev = headers[name];
    headers[name] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  const cookies = fromValueMap(r.cookies);
  if (cookies.length) headers["set-cookie"] = cookies.map(([k, v]) => `${k}=${v}`);
  let body = bodyIfUnchanged ?? Buffer.alloc(0);
  if (typeof r.body === "string") body = Buffer.from(r.body);
  else if (r.body && typeof r.body === "object" && typeof r.body.data === "string") body = Buffer.from(r.body.data, r.body.encoding === "base64" ? "base64" : "utf8");
  return { status: Number(r.statusCode) || 200, statusDescription: r.statusDescription, headers, body };
}
